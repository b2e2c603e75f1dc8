import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import type { PlannedChange, Store } from '../../src/app/ports.ts';
import type { WorkItem } from '../../src/domain/work-item.ts';
import { contextFor, FixedClock, portalMessage } from '../support/context.ts';
import { openStore, STORE_KINDS, type OpenedStore } from '../support/stores.ts';

/**
 * The store's auto-assignment and "Next item" statements, the same on the memory store, PGlite
 * and PostgreSQL: the cap, the version guard, the round-robin place, the hand-out order, and
 * concurrent callers on one store.
 */

let n = 0;

const claimFor = (who: string, item: Pick<WorkItem, 'id' | 'state'>, at: Date, tag = 'test'): PlannedChange => ({
  patch: { state: 'CLAIMED', ownerId: who, claimedAt: at },
  audit: [{ itemId: item.id, actor: 'baton', platform: 'baton', action: 'item.claim', fromState: item.state, toState: 'CLAIMED', detail: { to: who, tag }, at }],
  outbox: [{ dedupeKey: `dm:test:${item.id}:${who}`, kind: 'dm', itemId: item.id, platform: 'sandbox', payload: { to: who, text: 'assigned' }, nextAttemptAt: at }],
});

describe.each(STORE_KINDS)('assignment statements on %s', (kind) => {
  let opened: OpenedStore;
  let store: Store;
  const clock = new FixedClock();
  beforeAll(async () => {
    opened = await openStore(kind);
    store = opened.store;
  }, 60_000);
  afterAll(async () => opened?.cleanup());

  /** New OPEN items through ingestion, in a manual queue (refills, unless the message says otherwise), a minute apart. */
  async function items(count: number, over: Record<string, unknown> = {}): Promise<WorkItem[]> {
    const ctx = contextFor(store, clock);
    const out: WorkItem[] = [];
    for (let i = 0; i < count; i++) {
      const r = await ingestMessage(ctx, portalMessage({ externalId: `as-${kind}-${++n}`, ...over }));
      out.push((await store.findItem(r.itemId))!);
      clock.advance(60_000);
    }
    return out;
  }
  const assign = (item: WorkItem, who: string, maxOpen: number, queue = 'q-test') =>
    store.assignUnderCap({ itemId: item.id, expectedVersion: item.version, queue, assignee: who, maxOpen, plan: (openBefore) => claimFor(who, item, clock.now(), `open=${openBefore}`) });

  it('assigns under the cap with its audit and outbox rows and moves the round-robin place; refuses at the cap and on a moved version, writing nothing', async () => {
    const [a, b, c] = await items(3);
    expect(await assign(a!, 'cap-1', 2, 'q-one')).toMatchObject({ status: 'assigned', openBefore: 0, item: { id: a!.id, state: 'CLAIMED', ownerId: 'cap-1', version: a!.version + 1 } });
    expect(await assign(b!, 'cap-1', 2, 'q-one')).toMatchObject({ status: 'assigned', openBefore: 1 });
    expect(await assign(c!, 'cap-1', 2, 'q-one')).toEqual({ status: 'full', open: 2 });
    expect(await assign(a!, 'cap-2', 5, 'q-one')).toEqual({ status: 'moved' }); // a moved on when cap-1 got it
    expect((await store.findItem(c!.id))!).toMatchObject({ state: 'OPEN', ownerId: null, version: c!.version });
    expect((await store.auditOf(a!.id)).filter((x) => x.action === 'item.claim').map((x) => x.detail)).toEqual([{ to: 'cap-1', tag: 'open=0' }]);
    expect((await store.auditOf(c!.id)).filter((x) => x.action === 'item.claim')).toEqual([]);
    expect(await store.outboxHas(`dm:test:${b!.id}:cap-1`)).toBe(true);
    expect(await store.outboxHas(`dm:test:${c!.id}:cap-1`)).toBe(false);
    expect((await store.lastAssignees()).get('q-one')).toBe('cap-1');
  });

  it('counts snoozed items as open, in any queue', async () => {
    const [a, b] = await items(2);
    const [nursing] = await items(1, { subject: 'question', body: 'Is a mild rash on my arm for a week normal?' });
    expect(nursing!.queue).toBe('nursing');
    const snoozed = await store.applyTransition(nursing!.id, nursing!.version, { state: 'SNOOZED', ownerId: 'cap-3', resumeState: 'CLAIMED', snoozedUntil: new Date(clock.now().getTime() + 3_600_000) }, [], []);
    expect(snoozed?.state).toBe('SNOOZED');
    expect(await assign(a!, 'cap-3', 2)).toMatchObject({ status: 'assigned', openBefore: 1 });
    expect(await assign(b!, 'cap-3', 2)).toEqual({ status: 'full', open: 2 });
  });

  it('serialises assignments to one person: 20 at once under a cap of 5 give exactly 5', async () => {
    const list = await items(20);
    const results = await Promise.all(list.map((i) => assign(i, 'cap-race', 5)));
    expect(results.filter((r) => r.status === 'assigned')).toHaveLength(5);
    expect(results.filter((r) => r.status === 'full')).toHaveLength(15);
    expect(new Set(results.flatMap((r) => (r.status === 'assigned' ? [r.openBefore] : [])))).toEqual(new Set([0, 1, 2, 3, 4]));
    expect((await store.ownedCounts()).filter((c) => c.staff === 'cap-race')).toEqual([{ staff: 'cap-race', state: 'CLAIMED', count: 5 }]);
  });

  it('keeps the last assignee per queue', async () => {
    const [a, b] = await items(2);
    await assign(a!, 'rr-1', 10, 'q-rr');
    await assign(b!, 'rr-2', 10, 'q-rr');
    expect((await store.lastAssignees()).get('q-rr')).toBe('rr-2');
  });

  it('counts owned items per person and state, in staff-key order; pool escalations are nobody’s', async () => {
    const [a, b, c, d] = await items(4);
    await store.applyTransition(a!.id, a!.version, { state: 'CLAIMED', ownerId: 'wl-b' }, [], []);
    await store.applyTransition(b!.id, b!.version, { state: 'ESCALATED', ownerId: 'wl-a' }, [], []);
    await store.applyTransition(c!.id, c!.version, { state: 'ESCALATED', ownerId: null }, [], []);
    await store.applyTransition(d!.id, d!.version, { state: 'RESOLVED', ownerId: 'wl-a' }, [], []);
    const mine = (await store.ownedCounts()).filter((x) => x.staff.startsWith('wl-'));
    expect(mine).toEqual([{ staff: 'wl-a', state: 'ESCALATED', count: 1 }, { staff: 'wl-b', state: 'CLAIMED', count: 1 }]);
  });

  describe('Next item and the hand-out order', () => {
    let billing: WorkItem[];
    beforeAll(async () => {
      // A queue of its own for these tests: billing (the earlier tests used refills and nursing).
      const bill = { subject: 'Bill', body: 'I was charged twice for my last visit, can you check my bill?' };
      billing = await items(6, bill);
      expect(billing.every((i) => i.queue === 'billing' && i.priority === 'routine')).toBe(true);
      // The newest becomes urgent: it comes first.
      const newest = billing.pop()!;
      const urgent = (await store.applyTransition(newest.id, newest.version, { priority: 'urgent' }, [], []))!;
      billing.unshift(urgent);
    });

    it('lists OPEN items highest priority first, then the oldest', async () => {
      const listed = await store.openItemsOf(['billing'], 100);
      expect(listed.map((i) => i.id)).toEqual(billing.map((i) => i.id));
      expect(await store.openItemsOf([], 10)).toEqual([]);
    });

    it('claims the first in that order, and two at once never get the same item', async () => {
      const plan = (who: string) => (item: WorkItem) => claimFor(who, item, clock.now(), 'next');
      const first = await store.claimNextOpen(['billing'], plan('nx-0'));
      expect(first?.id).toBe(billing[0]!.id);
      const rest = billing.slice(1);
      // More callers than items: each item once, the others get nothing.
      const got = await Promise.all(Array.from({ length: rest.length + 3 }, (_, i) => store.claimNextOpen(['billing'], plan(`nx-${i + 1}`))));
      const ids = got.flatMap((g) => (g ? [g.id] : []));
      expect(ids.sort()).toEqual(rest.map((i) => i.id).sort());
      expect(got.filter((g) => g === null)).toHaveLength(3);
      for (const i of billing) expect((await store.auditOf(i.id)).filter((a) => a.action === 'item.claim')).toHaveLength(1);
      expect(await store.claimNextOpen(['billing'], plan('nx-late'))).toBeNull();
    });

    it('declined by its plan, writes nothing', async () => {
      const [fresh] = await items(1, { subject: 'Bill', body: 'I was charged twice for my last visit, can you check my bill?' });
      expect(await store.claimNextOpen(['billing'], () => null)).toBeNull();
      expect((await store.findItem(fresh!.id))!).toMatchObject({ state: 'OPEN', version: fresh!.version });
    });
  });
});
