import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { OutboxWorker } from '../../src/app/outbox-worker.ts';
import { PrismaStore } from '../../src/store/prisma-store.ts';
import { FakeChat } from '../fakes/fake-chat.ts';
import { contextFor, FixedClock, portalMessage } from '../support/context.ts';
import { openTestDb, type TestDb } from '../support/databases.ts';

/** A seeded generator, so a failure can be replayed. */
function seeded(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('outbox delivery drills (PGlite)', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb('pglite');
  });
  afterAll(async () => db?.cleanup());

  it('delivers every card exactly once while the platform fails 30% of calls with 500s, 429s and timeouts', async () => {
    const clock = new FixedClock();
    const ctx = contextFor(new PrismaStore(db.db), clock, ['sandbox']);
    const chat = new FakeChat('sandbox', { failureRate: 0.3, random: seeded(7) });
    const worker = new OutboxWorker(() => ctx, new Map([['sandbox', chat]]));
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await ingestMessage(ctx, portalMessage({ externalId: `drill-${i}`, threadId: `drill-t-${i}` }))).itemId);
    await actOnItem(ctx, { itemId: ids[0]!, actorKey: 'taylor-brooks', platform: 'sandbox', command: { type: 'claim' } });
    // Retries wait for their backoff: move the clock on until nothing is left.
    for (let round = 0; round < 40 && (await ctx.store.outboxStats(clock.now())).pending > 0; round++) {
      await worker.drain();
      clock.advance(10 * 60_000);
    }
    expect((await ctx.store.outboxStats(clock.now())).pending).toBe(0);
    const perItem = new Map<string, number>();
    for (const p of chat.posts) perItem.set(p.itemId, (perItem.get(p.itemId) ?? 0) + 1);
    expect(ids.filter((id) => perItem.get(id) !== 1)).toEqual([]);
    expect(chat.updates.some((u) => u.version === 2)).toBe(true); // the claim reached the card
    expect(chat.calls).toBeGreaterThan(60); // failures really happened and were retried
  });

  it('coalesces several queued updates of one card into one platform call showing the latest state', async () => {
    const clock = new FixedClock();
    const ctx = contextFor(new PrismaStore(db.db), clock, ['sandbox']);
    const chat = new FakeChat('sandbox');
    const worker = new OutboxWorker(() => ctx, new Map([['sandbox', chat]]));
    const { itemId } = await ingestMessage(ctx, portalMessage({ externalId: 'coalesce-1', threadId: 'coalesce-t' }));
    await worker.drain();
    for (const command of [{ type: 'claim' }, { type: 'release' }, { type: 'claim' }] as const) {
      await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'sandbox', command });
    }
    await worker.drain();
    expect(chat.updates.map((u) => u.version)).toEqual([4]);
    expect(chat.notes).toHaveLength(3); // every transition still gets its thread line
  });

  it('paces each channel to the platform limit without one channel holding up another', async () => {
    const clock = new FixedClock();
    const ctx = contextFor(new PrismaStore(db.db), clock, ['slack']);
    const chat = new FakeChat('slack', { perChannelPerSecond: 20 });
    const worker = new OutboxWorker(() => ctx, new Map([['slack', chat]]), { paceMs: { slack: 50 } });
    const bodies = ['Please refill my inhaler', 'Question about my bill', 'Can I reschedule my appointment?'];
    for (let i = 0; i < 30; i++) await ingestMessage(ctx, portalMessage({ externalId: `pace-${i}`, threadId: `pace-t-${i}`, subject: '', body: bodies[i % 3]! }));
    const t0 = Date.now();
    await worker.drain();
    const seconds = (Date.now() - t0) / 1000;
    expect(chat.posts).toHaveLength(30);
    const channels = new Set(chat.posts.map((p) => p.channel));
    expect(channels.size).toBe(3);
    // 10 posts per channel at 20/s cannot take less than ~0.45 s; each channel's gaps respect the limit.
    expect(seconds).toBeGreaterThanOrEqual(0.45);
    for (const ch of channels) {
      const times = chat.posts.filter((p) => p.channel === ch).map((p) => p.at);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(45);
    }
  });
});
