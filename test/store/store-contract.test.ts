import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import type { Store } from '../../src/app/ports.ts';
import { contextFor, FixedClock, portalMessage } from '../support/context.ts';
import { openStore, STORE_KINDS, type OpenedStore } from '../support/stores.ts';

/**
 * One contract, three implementations: the in-memory fake used by use-case tests, Prisma on
 * PGlite, and Prisma on PostgreSQL (when TEST_DATABASE_URL is set). They cannot drift apart.
 */
const kinds = STORE_KINDS;

describe.each(kinds)('Store contract on %s', (kind) => {
  let store: Store;
  let opened: OpenedStore | undefined;
  beforeAll(async () => {
    opened = await openStore(kind);
    store = opened.store;
  });
  afterAll(async () => opened?.cleanup());

  const ctx = () => contextFor(store, new FixedClock(), ['sandbox']);

  it('round-trips an ingested item with its message, audit and outbox row', async () => {
    const r = await ingestMessage(ctx(), portalMessage({ externalId: `rt-${kind}` }));
    const item = (await store.findItem(r.itemId))!;
    expect(item.seq).toBeGreaterThan(0);
    expect(item.redFlags).toEqual([]);
    expect((await store.messagesOf(r.itemId))[0]).toMatchObject({ externalId: `rt-${kind}`, body: expect.stringContaining('pills') });
    expect((await store.auditOf(r.itemId)).map((a) => a.action)).toEqual(['item.created']);
    expect(await store.findMessageItem('portal', `rt-${kind}`)).toMatchObject({ id: r.itemId });
  });

  it('reports a duplicate for a repeated (source, externalId), even when written concurrently', async () => {
    const m = portalMessage({ externalId: `dup-${kind}` });
    const results = await Promise.all([ingestMessage(ctx(), m), ingestMessage(ctx(), m), ingestMessage(ctx(), m)]);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.itemId)).size).toBe(1);
  });

  it('creates one item when two messages of a new thread arrive at once', async () => {
    const a = portalMessage({ externalId: `th-a-${kind}`, threadId: `th-${kind}` });
    const b = portalMessage({ externalId: `th-b-${kind}`, threadId: `th-${kind}` });
    const [ra, rb] = await Promise.all([ingestMessage(ctx(), a), ingestMessage(ctx(), b)]);
    expect(ra.itemId).toBe(rb.itemId);
    expect((await store.findItem(ra.itemId))!.messageCount).toBe(2);
    expect((await store.messagesOf(ra.itemId))).toHaveLength(2);
  });

  it('lets exactly one of twenty concurrent claims win', async () => {
    const r = await ingestMessage(ctx(), portalMessage({ externalId: `race-${kind}` }));
    const claimers = ['taylor-brooks', 'chris-park', 'jordan-kim'];
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => actOnItem(ctx(), { itemId: r.itemId, actorKey: claimers[i % 3]!, platform: 'test', command: { type: 'claim' } })),
    );
    const winners = outcomes.filter((o) => o.ok);
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.code === 'item.already_claimed')).toBe(true);
    const audit = await store.auditOf(r.itemId);
    expect(audit.filter((a) => a.action === 'item.claim')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'item.denied')).toHaveLength(19);
  });

  it('drops an outbox row whose dedupe key is already queued', async () => {
    const now = new Date('2026-12-01T15:00:00Z');
    const row = { dedupeKey: `k-${kind}`, kind: 'card.update' as const, itemId: null, platform: 'sandbox', payload: {}, nextAttemptAt: now };
    const before = (await store.outboxStats(now)).pending;
    await store.enqueue([row]);
    await store.enqueue([row]);
    expect((await store.outboxStats(now)).pending).toBe(before + 1);
  });

  it('leases due outbox rows to one taker at a time and retries later', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const first = await store.takeOutbox(now, 100, 60_000);
    expect(first.length).toBeGreaterThan(0);
    expect(await store.takeOutbox(now, 100, 60_000)).toEqual([]);
    const one = first[0]!;
    await store.retryOutbox(one.id, 'boom', new Date(now.getTime() + 1_000));
    for (const r of first.slice(1)) await store.completeOutbox(r.id, now);
    const again = await store.takeOutbox(new Date(now.getTime() + 2_000), 100, 60_000);
    expect(again.map((r) => r.id)).toEqual([one.id]);
    expect(again[0]!.attempts).toBe(2);
  });

  it('hands out updates and notes of cards already posted before older new posts, and at most maxOthers others', async () => {
    const now = new Date('2031-01-01T00:00:00Z');
    for (const r of await store.takeOutbox(now, 1_000, 60_000)) await store.completeOutbox(r.id, now); // earlier tests' rows
    const row = (dedupeKey: string, kind: 'card.post' | 'card.update' | 'thread.note', itemId: string) => ({ dedupeKey: `${dedupeKey}-${kind}-${itemId}-${Date.now()}`, kind, itemId, platform: 'slack', payload: { lane: 'queue:refills' }, nextAttemptAt: now });
    await store.savePlatformPost({ itemId: `prio-posted-${kind}`, platform: 'slack', kind: 'card', channel: 'C1', messageId: '9.1' }, now);
    await store.enqueue([row('a', 'card.post', `prio-new1-${kind}`), row('b', 'card.post', `prio-new2-${kind}`), row('c', 'card.post', `prio-new3-${kind}`)]);
    await store.enqueue([row('d', 'card.update', `prio-unposted-${kind}`), row('e', 'card.update', `prio-posted-${kind}`), row('f', 'thread.note', `prio-posted-${kind}`)]);
    const taken = await store.takeOutbox(now, 3, 60_000);
    expect(taken.map((r) => [r.kind, r.itemId])).toEqual([['card.update', `prio-posted-${kind}`], ['thread.note', `prio-posted-${kind}`], ['card.post', `prio-new1-${kind}`]]);
    expect(await store.takeOutbox(now, 10, 60_000, 0)).toEqual([]); // nothing left to go first; no others wanted
    const rest = await store.takeOutbox(now, 10, 60_000, 2);
    expect(rest.map((r) => [r.kind, r.itemId])).toEqual([['card.post', `prio-new2-${kind}`], ['card.post', `prio-new3-${kind}`]]);
    for (const r of [...taken, ...rest]) await store.completeOutbox(r.id, now);
    const unposted = await store.takeOutbox(now, 10, 60_000);
    expect(unposted.map((r) => r.itemId)).toEqual([`prio-unposted-${kind}`]); // an update waiting for its post is an ordinary row
    await store.completeOutbox(unposted[0]!.id, now);
  });

  it('keeps the latest conversation reference per key', async () => {
    await store.saveConversationRef('teams:channel:19:a', 'teams', { serviceUrl: 'http://x/1' }, new Date());
    await store.saveConversationRef('teams:channel:19:a', 'teams', { serviceUrl: 'http://x/2' }, new Date());
    expect(await store.findConversationRef('teams:channel:19:a')).toEqual({ serviceUrl: 'http://x/2' });
    expect(await store.findConversationRef('teams:channel:none')).toBeNull();
  });

  it('purges old message text for retention and leaves newer text and the audit trail', async () => {
    const r = await ingestMessage(ctx(), portalMessage({ externalId: `ret-${kind}` }));
    const audit = await store.auditOf(r.itemId);
    const received = (await store.messagesOf(r.itemId))[0]!.receivedAt;
    expect(await store.purgeMessageText(received, new Date())).toBe(0); // strictly older only
    expect(await store.purgeMessageText(new Date(received.getTime() + 1), new Date())).toBeGreaterThanOrEqual(1);
    expect((await store.messagesOf(r.itemId))[0]).toMatchObject({ body: null, subject: null });
    expect(await store.auditOf(r.itemId)).toEqual(audit);
  });

  it('remembers where a card was posted', async () => {
    await store.savePlatformPost({ itemId: 'i-x', platform: 'slack', kind: 'card', channel: 'C1', messageId: '1.2' }, new Date());
    await store.savePlatformPost({ itemId: 'i-x', platform: 'slack', kind: 'card', channel: 'C1', messageId: '1.3' }, new Date());
    expect(await store.findPlatformPost('i-x', 'slack', 'card')).toEqual({ itemId: 'i-x', platform: 'slack', kind: 'card', channel: 'C1', messageId: '1.3' });
  });

  it('lists the copies of a card by kind prefix, oldest first, per item and platform', async () => {
    const at = new Date();
    await store.savePlatformPost({ itemId: 'i-c', platform: 'slack', kind: 'card', channel: 'C1', messageId: '1.0' }, at);
    await store.savePlatformPost({ itemId: 'i-c', platform: 'slack', kind: 'copy:dr-a', channel: 'D1', messageId: '2.0' }, at);
    await store.savePlatformPost({ itemId: 'i-c', platform: 'slack', kind: 'copy:pool', channel: 'C9', messageId: '3.0' }, at);
    await store.savePlatformPost({ itemId: 'i-c', platform: 'teams', kind: 'copy:dr-a', channel: 'x', messageId: '4' }, at);
    await store.savePlatformPost({ itemId: 'i-d', platform: 'slack', kind: 'copy:dr-a', channel: 'D1', messageId: '5.0' }, at);
    const copies = await store.platformPostsOf('i-c', 'slack', 'copy:');
    expect(copies.map((c) => [c.kind, c.messageId])).toEqual([['copy:dr-a', '2.0'], ['copy:pool', '3.0']]);
    expect(await store.platformPostsOf('i-c', 'slack', 'copy%')).toEqual([]); // a prefix, not a LIKE pattern
  });
  it('answers a transition whose version moved on with the item as it is now, and writes nothing for it', async () => {
    const r = await ingestMessage(ctx(), portalMessage({ externalId: `toc-${kind}` }));
    const item = (await store.findItem(r.itemId))!;
    const at = new Date('2026-12-01T16:00:00Z');
    const audit = (actor: string) => [{ itemId: item.id, actor, platform: 'test', action: 'item.claim', fromState: 'OPEN', toState: 'CLAIMED', at }];
    const won = await store.applyTransitionOrCurrent(item.id, item.version, { state: 'CLAIMED', ownerId: 'chris-park' }, audit('chris-park'), []);
    expect(won).toMatchObject({ applied: true, item: { version: item.version + 1, ownerId: 'chris-park', updatedAt: at } });
    const lost = await store.applyTransitionOrCurrent(item.id, item.version, { state: 'CLAIMED', ownerId: 'jordan-kim' }, audit('jordan-kim'), []);
    expect(lost).toEqual({ applied: false, current: won.applied && won.item });
    expect((await store.auditOf(item.id)).filter((a) => a.action === 'item.claim').map((a) => a.actor)).toEqual(['chris-park']);
    expect(await store.applyTransitionOrCurrent('no-such-item', 1, { reminderLevel: 1 }, [], [])).toEqual({ applied: false, current: null });
  });

  it('gives every loser of concurrent transitions the winner\'s committed item, not the one it started from', async () => {
    const r = await ingestMessage(ctx(), portalMessage({ externalId: `toc-race-${kind}` }));
    const item = (await store.findItem(r.itemId))!;
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => store.applyTransitionOrCurrent(item.id, item.version, { reminderLevel: i + 1 }, [], [])));
    const winners = outcomes.filter((o) => o.applied);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.applied ? winners[0]!.item : null;
    for (const o of outcomes) if (!o.applied) expect(o.current).toEqual(winner);
  });

  it('reads a message and its thread together inside ingestion, each null when absent', async () => {
    const r = await ingestMessage(ctx(), portalMessage({ externalId: `mt-${kind}`, threadId: `mt-th-${kind}` }));
    const item = await store.findItem(r.itemId);
    const read = (externalId: string, threadKey: string) => store.ingestAtomically((tx) => tx.findMessageAndThread('portal', externalId, threadKey));
    expect(await read(`mt-${kind}`, `portal:mt-th-${kind}`)).toEqual({ message: item, thread: item });
    expect(await read(`mt-${kind}`, 'portal:nothing')).toEqual({ message: item, thread: null });
    expect(await read('unknown', `portal:mt-th-${kind}`)).toEqual({ message: null, thread: item });
    expect(await read('unknown', 'portal:nothing')).toEqual({ message: null, thread: null });
  });

  it('stores and reads instants as UTC whatever the process\'s time zone', async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const r = await ingestMessage(ctx(), portalMessage({ externalId: `tz-${kind}` }));
      const item = (await store.findItem(r.itemId))!;
      const until = new Date('2026-07-01T12:34:56.789Z');
      const out = await store.applyTransitionOrCurrent(item.id, item.version, { snoozedUntil: until, nextReminderAt: until }, [], []);
      expect(out.applied && out.item.snoozedUntil).toEqual(until);
      expect((await store.findItem(item.id))!.snoozedUntil).toEqual(until);
      // Read back through the other path too (Prisma's, for the Prisma store): both agree on the instant.
      expect((await store.listItems({ dueBefore: until, limit: 1_000 })).find((i) => i.id === item.id)?.snoozedUntil).toEqual(until);
      expect((await store.listItems({ dueBefore: new Date(until.getTime() - 1), limit: 1_000 })).some((i) => i.id === item.id)).toBe(false);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});
