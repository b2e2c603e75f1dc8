import { describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { claimNextItem } from '../../src/app/next-item.ts';
import { memoryContext, portalMessage } from '../support/context.ts';
import { withAssignment } from '../support/assignment.ts';

/** "Next item" as a use case (memory store, fixed clock); the store contract covers the SQL stores and the race. */

const MIN = 60_000;
let n = 0;
const QUESTION = { subject: 'question', body: 'Is a mild rash on my arm for a week normal?' };
const URGENT_REFILL = { subject: 'Refill today', body: 'I am out of my insulin today, I need a refill urgently.' };

function setup() {
  const m = memoryContext(['sandbox']);
  const ingest = async (over: Record<string, unknown> = {}) => {
    const id = (await ingestMessage(m.ctx, portalMessage({ externalId: `nx-${++n}`, ...over }))).itemId;
    m.clock.advance(MIN);
    return id;
  };
  const next = (actorKey: string) => claimNextItem(m.ctx, { actorKey, platform: 'sandbox' });
  return { ...m, ingest, next };
}

describe('Next item', () => {
  it('claims the highest priority, then the oldest, across every queue the person works', async () => {
    const { ingest, next, store } = setup();
    const oldNursing = await ingest(QUESTION); // nursing, routine
    const refill = await ingest(); // refills, routine
    const urgent = await ingest(URGENT_REFILL); // refills, higher priority
    expect((await store.findItem(urgent))!.priority).not.toBe('routine');
    // Jordan Kim works nursing and refills.
    const got = [];
    for (let i = 0; i < 4; i++) {
      const r = await next('jordan-kim');
      if (!r.ok) throw new Error(r.message);
      got.push(r.item?.id ?? null);
    }
    expect(got).toEqual([urgent, oldNursing, refill, null]);
    expect((await store.findItem(urgent))!).toMatchObject({ state: 'CLAIMED', ownerId: 'jordan-kim' });
  });

  it('is the person’s claim: audited as theirs with via next, the card updated with "Claimed by"', async () => {
    const { ingest, next, store } = setup();
    const id = await ingest();
    const r = await next('taylor-brooks');
    expect(r).toMatchObject({ ok: true, item: { id, ownerId: 'taylor-brooks' } });
    expect((await store.auditOf(id)).at(-1)).toMatchObject({ action: 'item.claim', actor: 'taylor-brooks', platform: 'sandbox', fromState: 'OPEN', toState: 'CLAIMED', detail: { via: 'next' } });
    expect(store.outbox.filter((o) => o.itemId === id && o.kind === 'thread.note').map((o) => o.payload.text)).toEqual(['Claimed by Taylor Brooks, MA']);
  });

  it('passes over claimed and snoozed items, and queues the person does not work', async () => {
    const { ctx, ingest, next } = setup();
    const snoozed = await ingest();
    await actOnItem(ctx, { itemId: snoozed, actorKey: 'chris-park', platform: 'sandbox', command: { type: 'snooze', until: new Date(ctx.clock.now().getTime() + 60 * MIN), reason: 'pharmacy' } });
    const claimed = await ingest();
    await actOnItem(ctx, { itemId: claimed, actorKey: 'chris-park', platform: 'sandbox', command: { type: 'claim' } });
    await ingest({ subject: 'Bill', body: 'I was charged twice for my last visit, can you check my bill?' }); // billing
    const r = await next('taylor-brooks'); // refills only
    expect(r).toMatchObject({ ok: true, item: null });
    if (r.ok) expect(r.queues.map((q) => q.key)).toEqual(['refills']);
  });

  it('is allowed over the auto-assignment cap: a deliberate choice, not Baton handing work out', async () => {
    const { ctx, ingest, next } = setup();
    ctx.roster = withAssignment(ctx.roster, 'refills', { policy: 'round-robin', maxOpen: 1 }, { members: ['taylor-brooks'] });
    const first = await ingest();
    expect((await ctx.store.findItem(first))!.ownerId).toBe('taylor-brooks'); // auto-assigned: at the cap
    const second = await ingest();
    expect((await ctx.store.findItem(second))!.ownerId).toBeNull(); // Baton stops at the cap
    expect(await next('taylor-brooks')).toMatchObject({ ok: true, item: { id: second, ownerId: 'taylor-brooks' } });
  });

  it('refuses, and audits, someone who works no queue or is not on the roster', async () => {
    const { ingest, next, store } = setup();
    await ingest();
    expect(await next('dr-cho')).toMatchObject({ ok: false, code: 'item.not_authorized', message: 'You do not work any queue, so Baton has no next item for you.' });
    expect(await next('morgan-lee')).toMatchObject({ ok: false, code: 'item.not_authorized' }); // a manager supervises; has no work queue
    expect(await next('nobody')).toMatchObject({ ok: false, code: 'staff.unknown' });
    expect(store.audit.filter((a) => a.action === 'item.denied').map((a) => [a.actor, a.itemId, a.detail])).toEqual([
      ['dr-cho', null, { command: 'claim', code: 'item.not_authorized' }],
      ['morgan-lee', null, { command: 'claim', code: 'item.not_authorized' }],
      ['nobody', null, { command: 'claim', code: 'staff.unknown' }],
    ]);
  });

  it('two people pressing at once get two different items', async () => {
    const { ingest, next } = setup();
    const a = await ingest();
    const b = await ingest();
    const [x, y] = await Promise.all([next('chris-park'), next('taylor-brooks')]);
    const ids = [x, y].map((r) => (r.ok ? r.item?.id : null));
    expect(new Set(ids)).toEqual(new Set([a, b]));
  });
});
