import { describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { assignmentSweep } from '../../src/app/auto-assign.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import type { AssignmentSettings } from '../../src/domain/roster.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { memoryContext, portalMessage } from '../support/context.ts';
import { withAssignment } from '../support/assignment.ts';

/**
 * Auto-assignment as a use case: the memory store, a fixed clock (Tue 1 Dec 2026, 09:00 in
 * Chicago), the example roster with the refills queue (Chris Park, Taylor Brooks, Jordan Kim, in
 * that order) or the nursing queue (red flags) assigning automatically.
 */

const MIN = 60_000;
const REFILL = { subject: 'Refill request', body: 'I ran out of my blood pressure pills, please send a refill to my pharmacy.' };
const RED_FLAG = { subject: 'Chest', body: 'I have crushing chest pain since this morning and my left arm feels numb.' };
let n = 0;

function setup(queue: string, a: Partial<AssignmentSettings> & { policy: AssignmentSettings['policy'] }, o: Parameters<typeof withAssignment>[3] = {}) {
  const m = memoryContext(['slack', 'teams']);
  m.ctx.roster = withAssignment(m.ctx.roster, queue, a, o);
  const ingest = async (over: Record<string, unknown> = {}) => (await ingestMessage(m.ctx, portalMessage({ externalId: `aa-${++n}`, ...REFILL, ...over }))).itemId;
  const owner = async (id: string) => (await m.store.findItem(id))!.ownerId;
  return { ...m, ingest, owner };
}

describe('round-robin', () => {
  it('assigns each new item at ingest to the next member in turn, wrapping around', async () => {
    const { ingest, owner } = setup('refills', { policy: 'round-robin' });
    const owners = [];
    for (let i = 0; i < 4; i++) owners.push(await owner(await ingest()));
    expect(owners).toEqual(['chris-park', 'taylor-brooks', 'jordan-kim', 'chris-park']);
  });

  it('is a claim by the assignee, audited as Baton with the policy, with a thread line and a DM on every platform', async () => {
    const { ingest, store } = setup('refills', { policy: 'round-robin', maxOpen: 4 });
    const id = await ingest();
    const item = (await store.findItem(id))!;
    expect(item).toMatchObject({ state: 'CLAIMED', ownerId: 'chris-park', claimedAt: item.createdAt, version: 2 });
    const audit = (await store.auditOf(id)).map((a) => ({ action: a.action, actor: a.actor, from: a.fromState, to: a.toState, detail: a.detail }));
    expect(audit).toEqual([
      { action: 'item.created', actor: 'ingest:portal', from: null, to: 'OPEN', detail: expect.any(Object) },
      { action: 'item.claim', actor: 'baton', from: 'OPEN', to: 'CLAIMED', detail: { to: 'chris-park', policy: 'round-robin', openBefore: 0, maxOpen: 4, summary: 'auto-assigned: round-robin, 0 open' } },
    ]);
    const rows = store.outbox.filter((o) => o.itemId === id).map((o) => `${o.kind} ${o.platform}`);
    expect(rows).toEqual(['card.post slack', 'card.post teams', 'card.update slack', 'thread.note slack', 'card.update teams', 'thread.note teams', 'dm slack', 'dm teams']);
    const note = store.outbox.find((o) => o.itemId === id && o.kind === 'thread.note')!;
    expect(note.payload.text).toBe('Auto-assigned to Chris Park, MA (round-robin, 0 open)');
    const dm = store.outbox.find((o) => o.itemId === id && o.kind === 'dm')!;
    expect(dm.payload).toEqual({ to: 'chris-park', lane: 'dm:chris-park', notice: 'Assigned to you', text: `Baton assigned B-${item.seq} (Refills, routine) to you. Release it from the card if you cannot take it.` });
  });

  it('skips whoever is unavailable and whoever is at the cap, and keeps its place', async () => {
    const { ctx, ingest, owner } = setup('refills', { policy: 'round-robin', maxOpen: 1 }, { inactive: ['taylor-brooks'] });
    expect(await owner(await ingest())).toBe('chris-park');
    // Taylor is away; Chris is at the cap of 1: Jordan.
    expect(await owner(await ingest())).toBe('jordan-kim');
    // Everyone available is at the cap: it waits in the channel.
    const waiting = await ingest();
    expect(await owner(waiting)).toBeNull();
    // Chris resolves his item: the sweep gives him the waiting one.
    const [chris] = await ctx.store.listItems({ ownerId: 'chris-park', states: ['CLAIMED'] });
    await actOnItem(ctx, { itemId: chris!.id, actorKey: 'chris-park', platform: 'sandbox', command: { type: 'resolve' } });
    expect(await assignmentSweep(ctx, ctx.clock.now())).toEqual({ considered: 1, assigned: 1, unassigned: 0, moved: 0 });
    expect(await owner(waiting)).toBe('chris-park');
  });

  it('counts snoozed work against the cap, in any queue, but not an escalation', async () => {
    const { ctx, ingest, owner, store } = setup('refills', { policy: 'round-robin', maxOpen: 1 }, { members: ['jordan-kim'] });
    // Jordan's nursing item, claimed and snoozed: one open item.
    const nursing = (await ingestMessage(ctx, portalMessage({ externalId: `aa-${++n}`, subject: 'question', body: 'Is a mild rash on my arm for a week normal?' }))).itemId;
    expect((await store.findItem(nursing))!.queue).toBe('nursing');
    await actOnItem(ctx, { itemId: nursing, actorKey: 'jordan-kim', platform: 'sandbox', command: { type: 'claim' } });
    await actOnItem(ctx, { itemId: nursing, actorKey: 'jordan-kim', platform: 'sandbox', command: { type: 'snooze', until: new Date(ctx.clock.now().getTime() + 60 * MIN), reason: 'waiting on a photo' } });
    const refill = await ingest();
    expect(await owner(refill)).toBeNull();
    // Escalated, it is the physician's: Jordan has room again.
    await actOnItem(ctx, { itemId: nursing, actorKey: 'jordan-kim', platform: 'sandbox', command: { type: 'wake' } });
    await actOnItem(ctx, { itemId: nursing, actorKey: 'jordan-kim', platform: 'sandbox', command: { type: 'escalate', reason: 'needs a doctor' } });
    await assignmentSweep(ctx, ctx.clock.now());
    expect(await owner(refill)).toBe('jordan-kim');
  });
});

describe('least-loaded', () => {
  it('gives each item to whoever holds the fewest open items, ties by turn after the last assignee', async () => {
    const { ctx, ingest, owner } = setup('refills', { policy: 'manual' });
    // Load before auto-assignment starts: Chris 2, Taylor 1, Jordan 0.
    for (const who of ['chris-park', 'chris-park', 'taylor-brooks']) {
      const id = await ingest();
      await actOnItem(ctx, { itemId: id, actorKey: who, platform: 'sandbox', command: { type: 'claim' } });
    }
    ctx.roster = withAssignment(ctx.roster, 'refills', { policy: 'least-loaded' });
    const owners = [];
    for (let i = 0; i < 6; i++) owners.push(await owner(await ingest()));
    // 2/1/0 → Jordan; 2/1/1 → Taylor (tie with Jordan, Taylor comes first after Jordan);
    // 2/2/1 → Jordan; 2/2/2 → Chris (first after Jordan); 3/2/2 → Taylor; 3/3/2 → Jordan.
    expect(owners).toEqual(['jordan-kim', 'taylor-brooks', 'jordan-kim', 'chris-park', 'taylor-brooks', 'jordan-kim']);
  });

  it('records the load the assignee was chosen on', async () => {
    const { ingest, store } = setup('refills', { policy: 'least-loaded' }, { members: ['taylor-brooks'] });
    await ingest();
    await ingest();
    const third = await ingest();
    expect((await store.auditOf(third)).at(-1)!.detail).toMatchObject({ policy: 'least-loaded', openBefore: 2, summary: 'auto-assigned: least-loaded, 2 open' });
    expect(store.outbox.find((o) => o.itemId === third && o.kind === 'thread.note')!.payload.text).toBe('Auto-assigned to Taylor Brooks, MA (least-loaded, 2 open)');
  });
});

describe('when nobody can take it', () => {
  it('leaves the item unclaimed in the channel, as a manual queue does: its card post only, nothing audited as a claim', async () => {
    const { ctx, ingest, store } = setup('refills', { policy: 'least-loaded' }, { inactive: ['chris-park', 'taylor-brooks', 'jordan-kim'] });
    const id = await ingest();
    expect((await store.findItem(id))!).toMatchObject({ state: 'OPEN', ownerId: null, version: 1 });
    expect((await store.auditOf(id)).map((a) => a.action)).toEqual(['item.created']);
    expect(store.outbox.filter((o) => o.itemId === id).map((o) => o.kind)).toEqual(['card.post', 'card.post']);
    expect(await assignmentSweep(ctx, ctx.clock.now())).toEqual({ considered: 1, assigned: 0, unassigned: 1, moved: 0 });
  });

  it('a manual queue (the default) is never auto-assigned, at ingest or by the sweep', async () => {
    const { ctx, store } = memoryContext();
    const id = (await ingestMessage(ctx, portalMessage({ externalId: `aa-${++n}` }))).itemId;
    expect(await assignmentSweep(ctx, ctx.clock.now())).toEqual({ considered: 0, assigned: 0, unassigned: 0, moved: 0 });
    expect((await store.findItem(id))!.state).toBe('OPEN');
  });
});

describe('red flags', () => {
  it('are offered to the channel at once and assigned only when still unclaimed after redFlagAssignAfter', async () => {
    const { ctx, ingest, store, clock, owner } = setup('nursing', { policy: 'round-robin', redFlagAssignAfter: 5 });
    const id = await ingest(RED_FLAG);
    const item = (await store.findItem(id))!;
    expect(item).toMatchObject({ queue: 'nursing', state: 'OPEN', ownerId: null });
    expect(item.redFlags.length).toBeGreaterThan(0);
    // The card pages the queue at once, as without auto-assignment.
    expect(store.outbox.find((o) => o.itemId === id && o.kind === 'card.post')!.payload.mention).toEqual({ queue: 'nursing', people: [] });
    clock.advance(4 * MIN);
    expect(await assignmentSweep(ctx, clock.now())).toMatchObject({ considered: 0, assigned: 0 });
    expect(await owner(id)).toBeNull();
    clock.advance(MIN);
    expect(await assignmentSweep(ctx, clock.now())).toMatchObject({ considered: 1, assigned: 1 });
    expect(await owner(id)).toBe('dana-reyes');
  });

  it('claimed by someone in the channel meanwhile: never assigned', async () => {
    const { ctx, ingest, clock, owner } = setup('nursing', { policy: 'round-robin', redFlagAssignAfter: 5 });
    const id = await ingest(RED_FLAG);
    await actOnItem(ctx, { itemId: id, actorKey: 'jordan-kim', platform: 'sandbox', command: { type: 'claim' } });
    clock.advance(10 * MIN);
    expect(await assignmentSweep(ctx, clock.now())).toMatchObject({ considered: 0 });
    expect(await owner(id)).toBe('jordan-kim');
  });
});

describe('the sweep', () => {
  it('hands out the highest priority first, then the oldest', async () => {
    const { ctx, ingest, owner, clock, store } = setup('refills', { policy: 'manual' });
    const oldRoutine = await ingest();
    clock.advance(MIN);
    const urgent = await ingest({ subject: 'Refill today', body: 'I am out of my insulin today, I need a refill urgently.' });
    clock.advance(MIN);
    const newRoutine = await ingest();
    expect((await store.findItem(urgent))!.priority).not.toBe('routine');
    ctx.roster = withAssignment(ctx.roster, 'refills', { policy: 'round-robin', maxOpen: 1 }, { members: ['taylor-brooks', 'chris-park'] });
    await assignmentSweep(ctx, clock.now());
    expect([await owner(urgent), await owner(oldRoutine), await owner(newRoutine)]).toEqual(['taylor-brooks', 'chris-park', null]);
  });

  it('continues the rotation where it stopped, across contexts on the same store (a restart)', async () => {
    const first = setup('refills', { policy: 'round-robin' });
    await first.ingest();
    expect(await first.store.lastAssignees()).toEqual(new Map([['refills', 'chris-park']]));
    const restarted = { ...first.ctx };
    const id = (await ingestMessage(restarted, portalMessage({ externalId: `aa-${++n}` }))).itemId;
    expect(await first.owner(id)).toBe('taylor-brooks');
  });
});

describe('a failure while assigning', () => {
  it('never fails the ingestion: the message is stored, the item waits for the next pass, and the metric counts it', async () => {
    const { ctx, store } = setup('refills', { policy: 'round-robin' });
    const counted: string[] = [];
    ctx.telemetry = { claimed: () => {}, slaBreached: () => {}, acted: (command, outcome) => counted.push(`${command} ${outcome}`) };
    const real = store.assignUnderCap.bind(store);
    store.assignUnderCap = async () => {
      throw new Error('database went away');
    };
    const r = await ingestMessage(ctx, portalMessage({ externalId: `aa-${++n}` }));
    expect((await store.findItem(r.itemId))!).toMatchObject({ state: 'OPEN', ownerId: null });
    expect(counted).toEqual(['auto-assign error']);
    store.assignUnderCap = real;
    expect(await assignmentSweep(ctx, ctx.clock.now())).toMatchObject({ assigned: 1 });
    expect(counted).toEqual(['auto-assign error', 'claim ok']);
  });
});

describe('the scheduler', () => {
  it('runs the assignment pass on each tick it leads, and wakes the outbox when it assigned something', async () => {
    const { ctx, ingest, owner } = setup('refills', { policy: 'manual' });
    const id = await ingest();
    ctx.roster = withAssignment(ctx.roster, 'refills', { policy: 'least-loaded' });
    let kicked = 0;
    const scheduler = new Scheduler(() => ctx, { logger: createLogger({ level: 'silent' }), onWork: () => kicked++ });
    await scheduler.tick();
    expect(await owner(id)).toBe('chris-park');
    expect(kicked).toBe(1);
    await scheduler.stop();
  });
});
