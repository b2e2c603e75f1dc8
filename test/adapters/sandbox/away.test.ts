import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type SandboxServer } from './harness.ts';
import { act, get, ingest, json } from './helpers.ts';

/** The sandbox's away form and its API, on a real Baton HTTP app (the sandbox runs on the real clock). */

const away = (s: SandboxServer, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${s.url}/sandbox/api/away`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(json);

describe('sandbox: away', () => {
  let s: SandboxServer;
  beforeAll(async () => {
    s = await startSandboxServer();
  });
  afterAll(async () => s?.stop());

  it('sets you away with a cover, hands over your item, and shows how it stands', async () => {
    const itemId = await ingest(s, { subject: 'Refill request', body: 'I ran out of my blood pressure pills, please send a refill.' });
    expect((await act(s, itemId, { as: 'taylor-brooks', command: 'item.claim' })).status).toBe(200);
    const r = await away(s, { as: 'taylor-brooks', action: 'set', until: 'tomorrow', through: true, cover: 'jordan' });
    expect(r.status).toBe(200);
    expect(r.body.text).toMatch(/^You are now away until .+, Jordan Kim, RN covering\.\nOpen items handed over: 1 to Jordan Kim, RN\./);
    expect(await s.ctx.store.findItem(itemId)).toMatchObject({ ownerId: 'jordan-kim', coveringFor: 'taylor-brooks' });
    const card = (await get(s, `/sandbox/api/items/${itemId}?as=jordan-kim`)).body.card;
    expect(card.statusLine).toBe('Claimed: Jordan Kim, RN (covering for Taylor Brooks, MA)');
    const thread = (await get(s, `/sandbox/api/items/${itemId}/audit?as=jordan-kim`)).body.lines.map((l: any) => l.text);
    expect(thread).toContain('Taylor Brooks, MA is away: handed to Jordan Kim, RN, covering');

    const status = await get(s, '/sandbox/api/away?as=taylor-brooks');
    expect(status).toMatchObject({ status: 200, body: { ok: true, text: expect.stringMatching(/^You are away until .+, Jordan Kim, RN covering\./) } });
    const back = await away(s, { as: 'taylor-brooks', action: 'end' });
    expect(back.body.text).toMatch(/^You are back/);
  });

  it('answers with every problem, each under its field, and changes nothing', async () => {
    const r = await away(s, { as: 'sam-ortiz', action: 'set', until: '2020-01-01', cover: 'nobody' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'away.invalid', message: 'The away request has problems; nothing was changed.' });
    expect(r.body.error.problems).toEqual([
      { path: 'until', message: expect.stringMatching(/^Wed 1 Jan 2020, 00:00 CST is in the past$/) },
      { path: 'cover', message: 'nobody called “nobody” is on the Baton roster' },
    ]);
    const shape = await away(s, { as: 'sam-ortiz', action: 'set', reason: 'x', until: 7 });
    expect(shape.status).toBe(400);
    expect(shape.body.error.code).toBe('request.invalid');
    expect(shape.body.error.problems).toEqual([
      { path: 'until', message: expect.stringMatching(/string/) },
      { path: '(body)', message: expect.stringContaining('"reason"') },
    ]);
    const extra = await away(s, { as: 'sam-ortiz', action: 'end', until: 'fri' });
    expect(extra.body.error.problems).toEqual([{ path: 'until', message: 'not used by end' }]);
    expect((await away(s, { as: 'nobody-here', action: 'status' })).body.error.problems).toEqual([{ path: 'as', message: 'not a staff key on the roster' }]);
    expect(await s.ctx.store.awayPeriods({ after: new Date(), staffKey: 'sam-ortiz' })).toEqual([]);
  });

  it('lets a lead set it for their people and refuses anyone else with 403', async () => {
    const lead = await away(s, { as: 'priya-shah', action: 'set', until: 'tomorrow', for: 'sam ortiz' });
    expect(lead.status).toBe(200);
    expect(lead.body.text).toMatch(/^Sam Ortiz is now away until /);
    const refused = await away(s, { as: 'sam-ortiz', action: 'end', for: 'priya' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'away.not_authorized', message: expect.stringMatching(/^You may set away only for yourself/) });
  });

  it('answers only this machine, never through a proxy', async () => {
    const r = await away(s, { as: 'sam-ortiz', action: 'status' }, { 'x-forwarded-for': '203.0.113.9' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('sandbox.proxied');
  });

  it('puts the form on the page', async () => {
    const html = await (await fetch(`${s.url}/?as=sam-ortiz`)).text();
    expect(html).toContain('<form id="away-form" novalidate>');
    expect(html).toContain('<input id="away-until" name="until"');
    const script = await (await fetch(`${s.url}/sandbox/assets/away-form.js`)).text();
    expect(script).toContain("api.away(fields)");
  });
});

describe('sandbox: away in the read-only mirror', () => {
  let s: SandboxServer;
  beforeAll(async () => {
    s = await startSandboxServer({ readOnly: true });
  });
  afterAll(async () => s?.stop());

  it('shows no form and refuses changes; a supervisor may still read how they stand', async () => {
    expect(await (await fetch(`${s.url}/?as=dana-reyes`)).text()).not.toContain('away-form');
    const r = await away(s, { as: 'dana-reyes', action: 'set', until: 'tomorrow' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('sandbox.read_only');
    expect((await get(s, '/sandbox/api/away?as=dana-reyes')).body).toMatchObject({ ok: true, text: expect.stringContaining('You are not away.') });
  });
});
