import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import type { AppContext } from '../../src/app/context.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { cardForItem } from '../../src/app/item-card.ts';
import type { Store } from '../../src/app/ports.ts';
import { planSweep, reminderRecipients, sweep } from '../../src/app/sweep.ts';
import { describeSweepStep } from '../../src/app/sweep-plan-text.ts';
import type { OnCallRota } from '../../src/domain/on-call.ts';
import { Roster } from '../../src/domain/roster.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { contextFor, FixedClock, portalMessage } from '../support/context.ts';
import { openStore, STORE_KINDS, type OpenedStore } from '../support/stores.ts';

const MIN = 60_000;
/** Weekdays from 08:00 Chicago: Tuesday is Dr. Alvarez's; nobody on Saturdays. 2026-12-01 (the fixed clock's day) is a Tuesday. */
const ROTA: OnCallRota = {
  handover: '08:00',
  weekly: { mon: { physician: 'dr-baker' }, tue: { physician: 'dr-alvarez' }, wed: { physician: 'dr-cho' }, thu: { physician: 'dr-baker' }, fri: { physician: 'dr-cho' } },
  overrides: [],
};
const REASON = 'BP 150/95 with a headache, please advise';

function onCallContext(store: Store, clock: FixedClock, o: { rota?: OnCallRota | undefined; fallback?: number; platforms?: string[] } = {}): AppContext {
  const ctx = contextFor(store, clock, o.platforms ?? ['sandbox', 'slack']);
  return { ...ctx, pool: { ...ctx.pool, onCall: 'rota' in o ? o.rota : ROTA, onCallFallbackAfter: o.fallback ?? 30 } };
}

/** A nursing question, escalated by the nursing lead to the pool (no named physician). */
async function escalatedToPool(ctx: AppContext, n: string) {
  const { itemId } = await ingestMessage(ctx, portalMessage({ externalId: `oc-${n}`, subject: 'question', body: 'My blood pressure reading was high this morning, what should I do?' }));
  const r = await actOnItem(ctx, { itemId, actorKey: 'dana-reyes', platform: 'sandbox', command: { type: 'escalate', reason: REASON } });
  if (!r.ok) throw new Error(r.message);
  return r.item;
}

describe('pool escalations with a physician on call (fixed clock)', () => {
  const setup = (o?: Parameters<typeof onCallContext>[2]) => {
    const store = new MemoryStore();
    const clock = new FixedClock();
    return { store, clock, ctx: onCallContext(store, clock, o) };
  };
  const dms = (store: MemoryStore, itemId: string) => store.outbox.filter((r) => r.kind === 'dm' && r.itemId === itemId);

  it('goes to the physician on call first: a DM to her, and the card and thread say who is on call', async () => {
    const { ctx, store, clock } = setup();
    const item = await escalatedToPool(ctx, 'first');
    expect(item).toMatchObject({ state: 'ESCALATED', ownerId: null, onCallId: 'dr-alvarez', poolFallbackAt: new Date(clock.now().getTime() + 30 * MIN) });
    // The sweep looks at it again at the fallback, before its response deadline.
    expect(item.nextReminderAt).toEqual(item.poolFallbackAt);
    expect(item.resolveDueAt!.getTime()).toBeGreaterThan(item.poolFallbackAt!.getTime());
    expect(dms(store, item.id).map((r) => [r.platform, r.payload.to])).toEqual([['sandbox', 'dr-alvarez'], ['slack', 'dr-alvarez']]);
    expect(String(dms(store, item.id)[0]!.payload.text)).toBe(`On call: escalated to the physician pool, to you first (the whole pool gets it if nobody has claimed it within 30m): ${REASON}`);
    expect((await cardForItem(ctx, item)).statusLine).toBe('With a physician (on call: Dr. Elena Alvarez)');
    const note = store.outbox.find((r) => r.kind === 'thread.note' && r.itemId === item.id)!;
    expect(note.payload.text).toBe('Escalated by Dana Reyes, RN to the physician pool (on call: Dr. Elena Alvarez) — reason recorded');
    expect((await store.auditOf(item.id)).find((a) => a.action === 'item.escalate')!.detail).toEqual({ to: 'physician-pool', onCall: 'dr-alvarez' });
  });

  it('falls back to the whole pool once onCallFallbackAfter has passed unclaimed, exactly once, audited', async () => {
    const { ctx, store, clock } = setup();
    const item = await escalatedToPool(ctx, 'fallback');
    clock.advance(29 * MIN);
    expect(await sweep(ctx, clock.now())).toMatchObject({ due: 0, toPool: 0 });
    clock.advance(MIN);
    const dry = await planSweep(ctx, clock.now());
    expect(dry.map((s) => describeSweepStep(ctx, s, clock.now()))).toEqual([expect.stringMatching(/^B-\d+ nursing \(routine\): offered on call to dr-alvarez, unclaimed → to the whole physician pool$/)]);
    expect(await sweep(ctx, clock.now())).toMatchObject({ due: 1, toPool: 1, skipped: 0 });
    expect(dms(store, item.id).map((r) => [r.platform, r.payload.to])).toEqual([['sandbox', 'dr-alvarez'], ['slack', 'dr-alvarez'], ['sandbox', null], ['slack', null]]);
    expect(String(dms(store, item.id).at(-1)!.payload.text)).toBe(`Escalated to the physician pool; Dr. Elena Alvarez, on call, has not taken it: ${REASON}`);
    const after = (await store.findItem(item.id))!;
    expect(after).toMatchObject({ state: 'ESCALATED', ownerId: null, onCallId: 'dr-alvarez', poolFallbackAt: null, nextReminderAt: item.resolveDueAt, resolveDueAt: item.resolveDueAt });
    expect((await cardForItem(ctx, after)).statusLine).toBe('With a physician (physician pool)');
    const audit = await store.auditOf(item.id);
    expect(audit.filter((a) => a.action === 'escalation.pool_fallback')).toEqual([
      expect.objectContaining({ actor: 'system', platform: 'scheduler', detail: { onCall: 'dr-alvarez', fallbackAt: item.poolFallbackAt!.toISOString() } }),
    ]);
    expect(store.outbox.filter((r) => r.kind === 'thread.note' && r.itemId === item.id).at(-1)!.payload.text).toBe('Dr. Elena Alvarez (on call) has not taken it: now with the whole physician pool');

    // Later sweeps, this scheduler's or another's, post nothing again.
    const rows = store.outbox.length;
    clock.advance(MIN);
    expect(await sweep(ctx, clock.now())).toMatchObject({ due: 0, toPool: 0 });
    expect(await sweep(onCallContext(store, clock), clock.now())).toMatchObject({ due: 0, toPool: 0 });
    expect(store.outbox.length).toBe(rows);
  });

  it('two schedulers sweeping at the same moment send it to the pool once', async () => {
    const { ctx, store, clock } = setup();
    const item = await escalatedToPool(ctx, 'race');
    clock.advance(31 * MIN);
    const [a, b] = await Promise.all([sweep(ctx, clock.now()), sweep(onCallContext(store, clock), clock.now())]);
    expect(a.toPool + b.toPool).toBe(1);
    expect(dms(store, item.id).filter((r) => r.payload.to === null)).toHaveLength(2); // one per platform
    expect((await store.auditOf(item.id)).filter((a) => a.action === 'escalation.pool_fallback')).toHaveLength(1);
  });

  it('does not fall back once a physician has claimed it', async () => {
    const { ctx, store, clock } = setup();
    const item = await escalatedToPool(ctx, 'claimed');
    clock.advance(10 * MIN);
    const claimed = await actOnItem(ctx, { itemId: item.id, actorKey: 'dr-alvarez', platform: 'sandbox', command: { type: 'claim' } });
    expect(claimed.ok && claimed.item).toMatchObject({ ownerId: 'dr-alvarez', poolFallbackAt: null, nextReminderAt: item.resolveDueAt });
    clock.advance(60 * MIN);
    expect((await sweep(ctx, clock.now())).toPool).toBe(0);
    expect(dms(store, item.id).some((r) => r.payload.to === null)).toBe(false);
  });

  it('sends a reminder due while it waits on call to the physician on call, not the pool', async () => {
    const { ctx } = setup();
    const item = await escalatedToPool(ctx, 'remind');
    expect(reminderRecipients(ctx, item, 'owner-or-lead')).toEqual(['dr-alvarez']);
    expect(reminderRecipients(ctx, { ...item, poolFallbackAt: null }, 'owner-or-lead')).toEqual([null]);
  });

  it('is offered to no one on call when escalated to a named physician', async () => {
    const { ctx, store } = setup();
    const { itemId } = await ingestMessage(ctx, portalMessage({ externalId: 'oc-named', subject: 'question', body: 'Is this rash something to worry about?' }));
    const r = await actOnItem(ctx, { itemId, actorKey: 'dana-reyes', platform: 'sandbox', command: { type: 'escalate', reason: REASON, to: 'dr-cho' } });
    expect(r.ok && r.item).toMatchObject({ ownerId: 'dr-cho', onCallId: null, poolFallbackAt: null });
    expect(dms(store, itemId).map((d) => d.payload.to)).toEqual(['dr-cho', 'dr-cho']);
  });

  it.each([
    ['no rota is configured', { rota: undefined }, () => {}],
    ['the rota names nobody at that moment (Saturday)', {}, (clock: FixedClock) => (clock.t = new Date('2026-12-05T16:00:00Z'))],
    ['the physician on call is not active', {}, (_c: FixedClock, ctx: AppContext) => {
      ctx.roster = new Roster(ctx.roster.staff.map((s) => (s.key === 'dr-alvarez' ? { ...s, active: false } : s)), ctx.roster.queues);
    }],
  ] as const)('goes to the whole pool at once, as without on call, when %s', async (_what, o, arrange) => {
    const { ctx, store, clock } = setup(o);
    arrange(clock, ctx);
    const item = await escalatedToPool(ctx, `none-${Math.random()}`);
    expect(item).toMatchObject({ onCallId: null, poolFallbackAt: null, nextReminderAt: item.resolveDueAt });
    expect(dms(store, item.id).map((r) => r.payload.to)).toEqual([null, null]);
    expect((await cardForItem(ctx, item)).statusLine).toBe('With a physician (physician pool)');
    clock.advance(60 * MIN);
    expect((await sweep(ctx, clock.now())).toPool).toBe(0);
  });
});

describe.each(STORE_KINDS)('the on-call fallback on %s', (kind) => {
  let opened: OpenedStore | undefined;
  beforeAll(async () => {
    opened = await openStore(kind);
  });
  afterAll(async () => opened?.cleanup());

  it('stores the offer, and the fallback happens once however many sweeps run', async () => {
    const store = opened!.store;
    const clock = new FixedClock();
    const ctx = onCallContext(store, clock, { platforms: ['sandbox'] });
    const item = await escalatedToPool(ctx, `store-${kind}`);
    expect(await store.findItem(item.id)).toMatchObject({ onCallId: 'dr-alvarez', poolFallbackAt: item.poolFallbackAt, nextReminderAt: item.poolFallbackAt });
    expect(await store.outboxHas(`dm:sandbox:${item.id}:v${item.version}:dr-alvarez`)).toBe(true);
    expect(await store.outboxHas(`dm:sandbox:${item.id}:v${item.version}:pool`)).toBe(false);
    clock.advance(30 * MIN);
    const runs = await Promise.all([sweep(ctx, clock.now()), sweep(onCallContext(store, clock, { platforms: ['sandbox'] }), clock.now())]);
    expect(runs.reduce((n, r) => n + r.toPool, 0)).toBe(1);
    expect(await sweep(ctx, clock.now())).toMatchObject({ toPool: 0 });
    const after = (await store.findItem(item.id))!;
    expect(after).toMatchObject({ version: item.version + 1, poolFallbackAt: null, onCallId: 'dr-alvarez', nextReminderAt: item.resolveDueAt });
    expect(await store.outboxHas(`dm:sandbox:${item.id}:v${after.version}:pool`)).toBe(true);
    expect((await store.auditOf(item.id)).filter((a) => a.action === 'escalation.pool_fallback')).toHaveLength(1);
  });
});
