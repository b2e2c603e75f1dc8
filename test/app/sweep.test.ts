import { describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { planSweep, sweep } from '../../src/app/sweep.ts';
import { describeSweepStep } from '../../src/app/sweep-plan-text.ts';
import { memoryContext, portalMessage } from '../support/context.ts';

const MIN = 60_000;

// The example config: nursing routine = claim within 2h business time, reminders at +0 (channel), +1h (owner-or-lead), +4h (manager).
async function nursingItem() {
  const m = memoryContext(['sandbox']);
  const r = await ingestMessage(m.ctx, portalMessage({ externalId: 'sw-1', subject: 'question', body: 'I have had a mild rash on my arm for a week, is this normal?' }));
  return { ...m, itemId: r.itemId };
}

describe('SLA sweep', () => {
  it('walks the escalation chain level by level as time passes', async () => {
    const { ctx, store, clock, itemId } = await nursingItem();
    expect((await sweep(ctx, clock.now())).due).toBe(0);

    clock.advance(2 * 60 * MIN); // claim deadline
    const l1 = await sweep(ctx, clock.now());
    expect(l1).toMatchObject({ due: 1, reminded: 1 });
    expect(store.outbox.filter((o) => o.kind === 'thread.note').at(-1)!.payload.text).toMatch(/^Reminder for Nursing: B-\d+ \(routine\): unclaimed, 0m past target$/);

    clock.advance(60 * MIN);
    await sweep(ctx, clock.now());
    const dm = store.outbox.filter((o) => o.kind === 'dm');
    expect(dm.map((o) => o.payload.to)).toEqual(['dana-reyes']); // unclaimed → the queue lead

    // Level 3 is 4 business hours after the deadline: 11:00 → 16:00 Chicago, over the lunch gap.
    clock.advance(3 * 60 * MIN);
    expect((await sweep(ctx, clock.now())).due).toBe(0);
    clock.advance(60 * MIN);
    await sweep(ctx, clock.now());
    expect(store.outbox.filter((o) => o.kind === 'dm').map((o) => o.payload.to)).toEqual(['dana-reyes', 'morgan-lee']);
    expect((await store.auditOf(itemId)).filter((a) => a.action === 'reminder.sent').map((a) => a.detail!.level)).toEqual([1, 2, 3]);
    expect((await store.findItem(itemId))!.nextReminderAt).toBeNull();
  });

  it('sends nothing twice when the same sweep runs again, or two sweepers run at once', async () => {
    const { ctx, store, clock } = await nursingItem();
    clock.advance(4 * 60 * MIN);
    const [a, b] = await Promise.all([sweep(ctx, clock.now()), sweep(ctx, clock.now())]);
    expect(a.reminded + b.reminded).toBe(1);
    const again = await sweep(ctx, clock.now());
    expect(again.due).toBe(0);
    expect(store.audit.filter((e) => e.action === 'reminder.sent')).toHaveLength(2); // levels 1 and 2, once each
  });

  it('DMs the owner, not the lead, once someone has claimed the item', async () => {
    const { ctx, store, clock, itemId } = await nursingItem();
    await actOnItem(ctx, { itemId, actorKey: 'jordan-kim', platform: 'sandbox', command: { type: 'claim' } });
    clock.advance(3 * 24 * 60 * MIN);
    await sweep(ctx, clock.now());
    expect(new Set(store.outbox.filter((o) => o.kind === 'dm').map((o) => o.payload.to))).toEqual(new Set(['jordan-kim', 'morgan-lee']));
  });

  it('wakes a snoozed item when its time comes, without counting the snooze against the SLA', async () => {
    const { ctx, store, clock, itemId } = await nursingItem();
    await actOnItem(ctx, { itemId, actorKey: 'jordan-kim', platform: 'sandbox', command: { type: 'claim' } });
    const before = (await store.findItem(itemId))!;
    clock.advance(30 * MIN);
    await actOnItem(ctx, { itemId, actorKey: 'jordan-kim', platform: 'sandbox', command: { type: 'snooze', until: new Date(clock.now().getTime() + 60 * MIN), reason: 'waiting on pharmacy' } });
    clock.advance(60 * MIN);
    const r = await sweep(ctx, clock.now());
    expect(r.woken).toBe(1);
    const after = (await store.findItem(itemId))!;
    expect(after).toMatchObject({ state: 'CLAIMED', ownerId: 'jordan-kim', snoozedUntil: null });
    // The hour asleep (business hours) pushed the response deadline out by an hour.
    expect(after.resolveDueAt!.getTime() - before.resolveDueAt!.getTime()).toBe(60 * MIN);
    expect(store.audit.at(-1)).toMatchObject({ action: 'item.wake', actor: 'system', toState: 'CLAIMED' });
  });

  it('stops reminding once the item is resolved', async () => {
    const { ctx, store, clock, itemId } = await nursingItem();
    await actOnItem(ctx, { itemId, actorKey: 'jordan-kim', platform: 'sandbox', command: { type: 'resolve' } });
    clock.advance(10 * 24 * 60 * MIN);
    expect((await sweep(ctx, clock.now())).due).toBe(0);
    expect(store.audit.some((a) => a.action === 'reminder.sent')).toBe(false);
  });

  it('plans a sweep without writing anything, and the sweep then does what the plan said', async () => {
    const { ctx, store, clock, itemId } = await nursingItem();
    const snoozed = await ingestMessage(ctx, portalMessage({ externalId: 'sw-2', subject: 'Appointment', body: 'Can I move my visit to Friday?' }));
    await actOnItem(ctx, { itemId: snoozed.itemId, actorKey: 'sam-ortiz', platform: 'sandbox', command: { type: 'claim' } });
    await actOnItem(ctx, { itemId: snoozed.itemId, actorKey: 'sam-ortiz', platform: 'sandbox', command: { type: 'snooze', until: new Date(clock.now().getTime() + 60 * MIN), reason: 'waiting on the schedule' } });
    clock.advance(5 * 60 * MIN); // levels 1 and 2 of the nursing item are due; the snooze has ended
    const before = { audit: store.audit.length, outbox: store.outbox.length, item: await store.findItem(itemId) };

    const steps = await planSweep(ctx, clock.now());
    expect({ audit: store.audit.length, outbox: store.outbox.length, item: await store.findItem(itemId) }).toEqual(before);
    const lines = steps.map((s) => describeSweepStep(ctx, s, clock.now()));
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^B-\d+ nursing \(routine\): unclaimed, 3h past target → level 1: a thread reply shown in the nursing channel, paging the queue's group \(else its lead dana-reyes\); level 2: a DM to dana-reyes \(lead, unclaimed\)$/),
      expect.stringMatching(/^B-\d+ front-desk \(routine\): snoozed until .* → wakes, back to CLAIMED \(owner sam-ortiz\)$/),
    ]));
    expect(lines.join('\n')).not.toMatch(/rash|Friday|Testa|55501234|pharmacy|schedule/); // no patient data, no staff free text

    const r = await sweep(ctx, clock.now());
    expect(r).toMatchObject({ due: 2, reminded: 1, woken: 1, notifications: 2 });
    expect(store.audit.filter((a) => a.action === 'reminder.sent').map((a) => a.detail!.level)).toEqual([1, 2]);
  });
});
