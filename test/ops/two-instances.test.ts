import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { OutboxWorker } from '../../src/app/outbox-worker.ts';
import { FakeChat } from '../fakes/fake-chat.ts';
import { freshPostgres, TEST_DATABASE_URL } from '../support/databases.ts';
import { postJson, startTestServer, type TestServer } from '../support/server.ts';

describe.runIf(TEST_DATABASE_URL)('two Baton instances on one PostgreSQL', () => {
  let fresh: Awaited<ReturnType<typeof freshPostgres>>;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    fresh = await freshPostgres();
    [a, b] = await Promise.all([startTestServer({ env: { DATABASE_URL: fresh.url } }), startTestServer({ env: { DATABASE_URL: fresh.url } })]);
    // Delivery is checked at the end with recording fakes, so the servers' own workers stand aside.
    await Promise.all([a.baton.worker.stop(), b.baton.worker.stop()]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await fresh?.drop();
  });

  const msg = (i: number) => ({ source: 'portal', externalId: `two-${i}`, threadId: `two-t-${i}`, sentAt: '2026-12-01T14:55:00Z', patient: { id: `p${i}` }, body: 'Please refill my inhaler' });

  it('stores each message once whichever instance receives it, even when both receive it', async () => {
    const results = await Promise.all([0, 1, 2, 3, 4, 5].flatMap((i) => [postJson(`${a.url}/v1/messages`, msg(i)), postJson(`${b.url}/v1/messages`, msg(i))]));
    expect(results.filter((r) => r.status === 202)).toHaveLength(6);
    expect(results.filter((r) => r.status === 200)).toHaveLength(6);
  });

  it('gives exactly one owner when staff click Claim on both instances at once', async () => {
    const { json } = await postJson(`${a.url}/v1/messages`, msg(99));
    const outcomes = await Promise.all(
      ['taylor-brooks', 'chris-park', 'jordan-kim', 'taylor-brooks', 'chris-park', 'jordan-kim'].map((who, i) =>
        actOnItem((i % 2 ? a : b).baton.ctx, { itemId: json.itemId, actorKey: who, platform: 'test', command: { type: 'claim' } }),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
  });

  it('runs the scheduler on exactly one leader', async () => {
    await Promise.all([a.baton.scheduler.tick(), b.baton.scheduler.tick()]);
    expect([a.baton.scheduler.leader, b.baton.scheduler.leader].filter(Boolean)).toHaveLength(1);
  });

  it('hands each outbox row to one worker: every card is posted once', async () => {
    const chatA = new FakeChat('sandbox');
    const chatB = new FakeChat('sandbox');
    const wa = new OutboxWorker(() => a.baton.ctx, new Map([['sandbox', chatA]]));
    const wb = new OutboxWorker(() => b.baton.ctx, new Map([['sandbox', chatB]]));
    await Promise.all([wa.drain(), wb.drain()]);
    const posts = [...chatA.posts, ...chatB.posts].map((p) => p.itemId);
    expect(posts.length).toBe(7);
    expect(new Set(posts).size).toBe(7);
  });
});
