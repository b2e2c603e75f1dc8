import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemRef } from '../../../src/domain/work-item.ts';
import { startSandboxServer, type SandboxServer } from './harness.ts';
import { act, get, ingest, json } from './helpers.ts';

/** The sandbox's "Next item" button (`POST /sandbox/api/next`) and the workload on each page's state. */

const next = (s: SandboxServer, body: unknown, contentType = 'application/json') =>
  fetch(`${s.url}/sandbox/api/next`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) }).then(json);

describe('sandbox: Next item and workload', () => {
  let s: SandboxServer;
  beforeAll(async () => {
    s = await startSandboxServer();
  });
  afterAll(async () => s?.stop());

  it('claims the oldest unclaimed item of the person’s queues and answers its card as they see it', async () => {
    const first = await ingest(s); // nursing
    const second = await ingest(s);
    const r = await next(s, { as: 'jordan-kim' });
    const ref = itemRef((await s.ctx.store.findItem(first))!);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, item: first, message: `You claimed ${ref} (Nursing).`, card: { itemId: first, state: 'CLAIMED', owner: { key: 'jordan-kim' } } });
    expect((await next(s, { as: 'jordan-kim' })).body).toMatchObject({ item: second });
    const none = await next(s, { as: 'jordan-kim' });
    expect(none.body).toEqual({ ok: true, item: null, message: 'Nothing is waiting to be claimed in your queues (Nursing, Refills).' });
  });

  it('refuses someone with no queue (403) and bad requests (400, 415), listing the problem', async () => {
    const doc = await next(s, { as: 'dr-cho' });
    expect(doc.status).toBe(403);
    expect(doc.body).toMatchObject({ ok: false, code: 'item.not_authorized' });
    const nobody = await next(s, { as: 'nobody' });
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.problems).toEqual([{ path: 'as', message: 'not a staff key on the roster' }]);
    expect((await next(s, { as: 'jordan-kim', extra: 1 })).status).toBe(400);
    expect((await next(s, 'as=jordan-kim', 'application/x-www-form-urlencoded')).status).toBe(415);
  });

  it('lists the workload of the viewer’s queues on the page state, and whether Next item applies', async () => {
    const itemId = await ingest(s);
    await act(s, itemId, { as: 'dana-reyes', command: 'item.claim' });
    const state = (await get(s, '/sandbox/api/state?as=dana-reyes')).body;
    expect(state.canTakeNext).toBe(true);
    const dana = state.workload.find((w: any) => w.staff === 'dana-reyes');
    expect(dana).toMatchObject({ name: 'Dana Reyes, RN', claimed: 1, snoozed: 0, open: 1 });
    expect(state.workload.map((w: any) => w.staff).sort()).toEqual(['dana-reyes', 'jordan-kim']);
    expect(state.workload[0].open).toBeGreaterThanOrEqual(state.workload[1].open);
    expect((await get(s, '/sandbox/api/state?as=dr-cho')).body.canTakeNext).toBe(false);
  });

  it('the page has the button and the workload panel', async () => {
    const html = await (await fetch(`${s.url}/?as=dana-reyes`)).text();
    expect(html).toContain('<button type="button" id="next-item" class="primary" hidden>Next item</button>');
    expect(html).toContain('<h2 id="workload-title">Workload</h2>');
  });
});

describe('sandbox read-only mirror', () => {
  let s: SandboxServer;
  beforeAll(async () => {
    s = await startSandboxServer({ readOnly: true });
  });
  afterAll(async () => s?.stop());

  it('takes no Next item', async () => {
    const r = await next(s, { as: 'dana-reyes' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('sandbox.read_only');
    expect((await get(s, '/sandbox/api/state?as=dana-reyes')).body.canTakeNext).toBe(false);
    expect(await (await fetch(`${s.url}/?as=dana-reyes`)).text()).not.toContain('id="next-item"');
  });
});
