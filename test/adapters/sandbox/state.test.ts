import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type SandboxServer } from './harness.ts';
import { act, get, ingest } from './helpers.ts';

const cardIds = (state: any, channel: string) => state.channels.find((c: any) => c.id === channel)?.cards.map((c: any) => c.itemId) ?? [];

describe('sandbox state: who sees what', () => {
  let s: SandboxServer;
  let nursingItem: string;
  let refillItem: string;
  beforeAll(async () => {
    s = await startSandboxServer();
    nursingItem = await ingest(s);
    refillItem = await ingest(s, { subject: 'Refill', body: 'I ran out of my lisinopril, please send a refill to my pharmacy.' });
  });
  afterAll(async () => s?.stop());

  it('shows a nurse her queue channel with its cards and her DMs, and not other queues’ cards', async () => {
    const { status, body } = await get(s, '/sandbox/api/state?as=dana-reyes');
    expect(status).toBe(200);
    expect(body.channels.map((c: any) => c.id)).toEqual(['queue:nursing', 'dm:dana-reyes']);
    expect(cardIds(body, 'queue:nursing')).toContain(nursingItem);
    expect(JSON.stringify(body)).not.toContain(refillItem);
    const card = body.channels[0].cards.find((c: any) => c.itemId === nursingItem);
    expect(card).toMatchObject({ state: 'OPEN', queue: { key: 'nursing' }, patientToken: 'V.T. …4321', text: null });
    expect(card.actions.map((a: any) => a.command)).toContain('item.claim');
  });

  it('never shows a physician routine queue cards: only the pool and their DMs', async () => {
    const { body } = await get(s, '/sandbox/api/state?as=dr-alvarez');
    expect(body.channels.map((c: any) => c.id)).toEqual(['dm:dr-alvarez', 'pool']);
    expect(body.channels.flatMap((c: any) => c.cards)).toEqual([]);
    expect((await get(s, `/sandbox/api/items/${nursingItem}?as=dr-alvarez`)).status).toBe(404);
    expect((await get(s, `/sandbox/api/items/${nursingItem}/audit?as=dr-alvarez`)).status).toBe(404);
  });

  it('re-reads changed cards in one request: the viewer’s come back, anyone else’s are "gone" like unknown ids, with a 200 rather than 404s', async () => {
    const ids = `${nursingItem},${refillItem},no-such-item`;
    const nurse = await get(s, `/sandbox/api/cards?as=dana-reyes&ids=${ids}`);
    expect(nurse.status).toBe(200);
    expect(nurse.body.items.map((i: any) => [i.itemId, i.channels])).toEqual([[nursingItem, ['queue:nursing']]]);
    expect(nurse.body.items[0].card).toMatchObject({ itemId: nursingItem, ageNote: null });
    expect(nurse.body.gone).toEqual([refillItem, 'no-such-item']);
    const doctor = await get(s, `/sandbox/api/cards?as=dr-alvarez&ids=${ids}`);
    expect(doctor.body).toEqual({ items: [], gone: [nursingItem, refillItem, 'no-such-item'] });
    for (const bad of ['', 'a/b', Array.from({ length: 101 }, (_, i) => `id-${i}`).join(',')]) {
      expect((await get(s, `/sandbox/api/cards?as=dana-reyes&ids=${encodeURIComponent(bad)}`)).body.error).toMatchObject({ code: 'request.invalid', problems: [{ path: 'ids' }] });
    }
  });

  it('puts an escalation in the named physician’s DMs only, and a pool escalation in every physician’s pool', async () => {
    const toAlvarez = await ingest(s);
    expect((await act(s, toAlvarez, { as: 'dana-reyes', command: 'item.escalate', to: 'dr-alvarez', reason: 'Swelling after a fall: needs imaging?' })).status).toBe(200);
    const alvarez = (await get(s, '/sandbox/api/state?as=dr-alvarez')).body;
    expect(cardIds(alvarez, 'dm:dr-alvarez')).toEqual([toAlvarez]);
    expect(cardIds((await get(s, '/sandbox/api/state?as=dr-baker')).body, 'dm:dr-baker')).toEqual([]);

    const toPool = await ingest(s);
    expect((await act(s, toPool, { as: 'dana-reyes', command: 'item.escalate', reason: 'Any physician: dosing question' })).status).toBe(200);
    for (const doc of ['dr-alvarez', 'dr-baker', 'dr-cho']) {
      expect(cardIds((await get(s, `/sandbox/api/state?as=${doc}`)).body, 'pool')).toContain(toPool);
    }
    const single = await get(s, `/sandbox/api/items/${toPool}?as=dr-baker`);
    expect(single.body).toMatchObject({ channels: ['pool'], card: { state: 'ESCALATED', owner: null } });
  });

  it('gives a manager every queue, the pool and the digest, computed from the digest model', async () => {
    const { body } = await get(s, '/sandbox/api/state?as=morgan-lee');
    expect(body.channels.map((c: any) => c.id)).toEqual(['queue:front-desk', 'queue:nursing', 'queue:refills', 'queue:billing', 'pool', 'dm:morgan-lee', 'digest']);
    expect(cardIds(body, 'queue:refills')).toContain(refillItem);
    const digest = await get(s, '/sandbox/api/digest?as=morgan-lee');
    expect(digest.status).toBe(200);
    expect(digest.body.digest.backlog.find((b: any) => b.queue === 'nursing').total).toBeGreaterThan(0);
    expect(digest.body.text).toContain('Morgan Lee');
    expect(JSON.stringify(digest.body)).not.toContain('Testwoman');
    expect((await get(s, '/sandbox/api/digest?as=dana-reyes')).status).toBe(403);
  });

  it('answers 400 naming `as` when the person is missing or not on the roster', async () => {
    for (const q of ['', '?as=nobody']) {
      const { status, body } = await get(s, `/sandbox/api/state${q}`);
      expect(status).toBe(400);
      expect(body.error.problems[0].path).toBe('as');
    }
  });

  it('serves the page with the roster in the acting-as picker, its own script and a strict CSP', async () => {
    const res = await fetch(`${s.url}/?as=jordan-kim`);
    const html = await res.text();
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).toContain('<option value="jordan-kim" selected>Jordan Kim, RN — Nursing, Refills</option>');
    expect(html).toContain('Dr. Grace Cho — physician');
    expect(html).toContain('Morgan Lee — manager');
    const js = await fetch(`${s.url}/sandbox/assets/app.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${s.url}/sandbox/assets/nope.js`)).status).toBe(404);
  });

  it('refuses a page reached under another host name (DNS rebinding), leaving other paths alone', async () => {
    const port = new URL(s.url).port;
    const status = (path: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
    expect(await status('/sandbox/api/state?as=dana-reyes', 'evil.example:80')).toBe(403);
    expect(await status('/', 'evil.example')).toBe(403);
    expect(await status('/sandbox/api/state?as=dana-reyes', `localhost:${port}`)).toBe(200);
    expect(await status('/healthz', 'evil.example')).toBe(200);
    expect(await status('/no-such-path', 'evil.example')).toBe(404);
  });

  it.each([
    ['x-forwarded-for', '8.8.8.8'],
    ['forwarded', 'for=8.8.8.8;proto=https'],
    ['x-real-ip', '8.8.8.8'],
    ['x-forwarded-host', 'baton.example.org'],
    ['X-Forwarded-Proto', 'https'],
  ])('refuses a request a same-host proxy forwarded (%s), with a message saying why', async (header, value) => {
    for (const path of ['/', '/sandbox/api/state?as=dana-reyes', '/sandbox/assets/app.js']) {
      const r = await fetch(`${s.url}${path}`, { headers: { [header]: value } });
      expect(r.status).toBe(403);
      const body = (await r.json()) as any;
      expect(body.error.code).toBe('sandbox.proxied');
      expect(body.error.message).toContain(header.toLowerCase());
      expect(body.error.message).toContain('SSH tunnel');
    }
    // The rest of Baton (behind the same proxy, e.g. /slack/events or /healthz) is not the sandbox's to refuse.
    expect((await fetch(`${s.url}/healthz`, { headers: { [header]: value } })).status).toBe(200);
  });
});
