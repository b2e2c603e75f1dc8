import { describe, expect, it } from 'vitest';
import { actOnCard, cardForPerson, checkCardAction, judgeClick, type ClickVerdict, type FormCommand, type SeenState } from '../../src/app/act-on-card.ts';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { cardForItem } from '../../src/app/item-card.ts';
import type { CommandType } from '../../src/domain/commands.ts';
import type { ItemState, WorkItem } from '../../src/domain/work-item.ts';
import { memoryContext, portalMessage } from '../support/context.ts';

const now = new Date('2026-12-01T15:00:00Z');

function item(state: ItemState, ownerId: string | null, version: number): WorkItem {
  return {
    id: 'i-1', seq: 12, threadKey: 'portal:t1', queue: 'nursing', category: 'clinical-question', priority: 'routine', redFlags: [], clinicalContent: false,
    state, resumeState: null, ownerId, escalatedBy: null, escalationReason: null, onCallId: null, poolFallbackAt: null, snoozedUntil: null,
    patientId: 'pt-1', patientToken: 'T.P. …1234', patientPcp: 'dr-cho', link: null, version, messageCount: 1, everEscalated: state === 'ESCALATED',
    firstMessageAt: now, lastMessageAt: now, createdAt: now, updatedAt: now, claimedAt: null, resolvedAt: null,
    claimDueAt: null, resolveDueAt: null, nextReminderAt: null, reminderLevel: 0,
  };
}

const seen = (state: ItemState, ownerId: string | null, version?: number): SeenState => ({ state, ownerId, ...(version === undefined ? {} : { version }) });

type Row = [situation: string, now: WorkItem, actor: string, command: CommandType | FormCommand, seen: SeenState | undefined, answer: ClickVerdict];

// [situation, the item now, who clicks, which button, what the card showed, the answer]
const table: Row[] = [
  ['the card is at the item’s version', item('OPEN', null, 3), 'jordan-kim', 'claim', seen('OPEN', null, 3), 'fresh'],
  ['a reminder moved the version on, state and owner as shown', item('CLAIMED', 'jordan-kim', 5), 'jordan-kim', 'release', seen('CLAIMED', 'jordan-kim', 4), 'fresh'],
  ['a follow-up message moved the version on, still open', item('OPEN', null, 9), 'jordan-kim', 'snooze', seen('OPEN', null, 2), 'fresh'],
  ['released and claimed back by the same person since: the card still tells the truth', item('CLAIMED', 'dana-reyes', 6), 'dana-reyes', 'resolve', seen('CLAIMED', 'dana-reyes', 4), 'fresh'],
  ['the card showed claimed, the item was released since', item('OPEN', null, 5), 'dana-reyes', 'release', seen('CLAIMED', 'jordan-kim', 4), 'stale'],
  ['the card showed one owner, another holds it now', item('CLAIMED', 'dana-reyes', 5), 'morgan-lee', 'reassign', seen('CLAIMED', 'jordan-kim', 4), 'stale'],
  ['the card showed open, the item was resolved since', item('RESOLVED', 'jordan-kim', 5), 'dana-reyes', 'escalate', seen('OPEN', null, 4), 'stale'],
  ['the card showed the pool, a physician took it since', item('ESCALATED', 'dr-cho', 5), 'dr-baker', 'return', seen('ESCALATED', null, 4), 'stale'],
  ['Claim on an open card, someone else claimed it since: the domain names the owner', item('CLAIMED', 'dana-reyes', 4), 'jordan-kim', 'claim', seen('OPEN', null, 3), 'fresh'],
  ['Claim on a pool card, a physician took it since: the domain names the owner', item('ESCALATED', 'dr-cho', 4), 'dr-baker', 'claim', seen('ESCALATED', null, 3), 'fresh'],
  ['Claim on an open card, the item was snoozed since', item('SNOOZED', null, 4), 'jordan-kim', 'claim', seen('OPEN', null, 3), 'stale'],
  ['Claim on an open card, the item was escalated since', item('ESCALATED', null, 4), 'jordan-kim', 'claim', seen('OPEN', null, 3), 'stale'],
  ['a double Claim by the person who got it', item('CLAIMED', 'jordan-kim', 4), 'jordan-kim', 'claim', seen('OPEN', null, 3), 'already-yours'],
  ['a second Claim from the card that already shows it as yours', item('CLAIMED', 'jordan-kim', 4), 'jordan-kim', 'claim', seen('CLAIMED', 'jordan-kim', 4), 'already-yours'],
  ['a physician’s double Claim on a pool card', item('ESCALATED', 'dr-cho', 4), 'dr-cho', 'claim', seen('ESCALATED', null, 3), 'already-yours'],
  ['Claim on an item resolved by you is not "yours": resolved work is reopened, not claimed', item('RESOLVED', 'jordan-kim', 4), 'jordan-kim', 'claim', seen('OPEN', null, 3), 'stale'],
  ['no version (an adapter that does not send it yet): judged by state and owner', item('CLAIMED', 'jordan-kim', 5), 'jordan-kim', 'release', seen('CLAIMED', 'jordan-kim'), 'fresh'],
  ['no version, the state changed', item('OPEN', null, 5), 'jordan-kim', 'release', seen('CLAIMED', 'jordan-kim'), 'stale'],
  ['nothing seen (an API call, not a card): the domain decides', item('RESOLVED', null, 5), 'jordan-kim', 'release', undefined, 'fresh'],
];

describe('judging a card click', () => {
  it.each(table)('%s', (_situation, current, actor, command, shown, answer) => {
    expect(judgeClick(current, actor, command, shown)).toBe(answer);
  });
});

async function claimedItem(platforms?: string[]) {
  const m = memoryContext(platforms);
  const r = await ingestMessage(m.ctx, portalMessage({ externalId: 'c-1', threadId: 'th-1' }));
  const claimed = await actOnItem(m.ctx, { itemId: r.itemId, actorKey: 'jordan-kim', platform: 'test', command: { type: 'claim' } });
  if (!claimed.ok) throw new Error(claimed.message);
  return { ...m, itemId: r.itemId, card: seen('CLAIMED', 'jordan-kim', claimed.item.version) };
}

describe('a card action', () => {
  it('goes through when only a follow-up message moved the version on', async () => {
    const { ctx, store, itemId, card } = await claimedItem();
    await ingestMessage(ctx, portalMessage({ externalId: 'c-2', threadId: 'th-1', body: 'Also, the pharmacy changed its hours.' }));
    expect((await store.findItem(itemId))!.version).toBe(card.version! + 1);
    const r = await actOnCard(ctx, { itemId, actorKey: 'jordan-kim', platform: 'teams', command: { type: 'release' }, seen: card });
    expect(r).toMatchObject({ ok: true, item: { state: 'OPEN', ownerId: null } });
    expect(store.audit.some((a) => a.action === 'item.denied')).toBe(false);
  });

  it('is refused on a stale card with the state as it is now, and the refusal is audited', async () => {
    const { ctx, store, itemId, card } = await claimedItem();
    await actOnItem(ctx, { itemId, actorKey: 'jordan-kim', platform: 'test', command: { type: 'release' } });
    const r = await actOnCard(ctx, { itemId, actorKey: 'dana-reyes', platform: 'sandbox', command: { type: 'reassign', to: 'dana-reyes' }, seen: card });
    expect(r).toEqual({ ok: false, code: 'item.stale', message: 'Nothing was changed: this card was out of date. B-1 is now unclaimed.' });
    expect(store.audit.at(-1)).toMatchObject({ action: 'item.denied', actor: 'dana-reyes', platform: 'sandbox', detail: { command: 'reassign', code: 'item.stale' } });
    expect((await store.findItem(itemId))!.state).toBe('OPEN');
  });

  it('answers the owner’s double Claim as done: no second transition, no denial in the audit, nothing sent', async () => {
    const { ctx, store, itemId } = await claimedItem(['teams']);
    const before = { audit: store.audit.length, outbox: store.outbox.length };
    const r = await actOnCard(ctx, { itemId, actorKey: 'jordan-kim', platform: 'teams', command: { type: 'claim' }, seen: seen('OPEN', null, 1) });
    expect(r).toMatchObject({ ok: true, unchanged: true, item: { ownerId: 'jordan-kim' } });
    expect({ audit: store.audit.length, outbox: store.outbox.length }).toEqual(before);
  });

  it('tells a second claimer who has it, from a card that still looked open', async () => {
    const { ctx, itemId } = await claimedItem();
    const r = await actOnCard(ctx, { itemId, actorKey: 'dana-reyes', platform: 'teams', command: { type: 'claim' }, seen: seen('OPEN', null, 1) });
    expect(r).toMatchObject({ ok: false, code: 'item.already_claimed', message: 'Already claimed by Jordan Kim, RN.' });
  });

  it('refuses to open a form on a stale card, naming the state in the sentence the card uses', async () => {
    const { ctx, store, itemId, card } = await claimedItem();
    await actOnItem(ctx, { itemId, actorKey: 'jordan-kim', platform: 'test', command: { type: 'escalate', reason: 'dose check' } });
    const r = await checkCardAction(ctx, { itemId, actorKey: 'jordan-kim', platform: 'slack', command: 'snooze', seen: card });
    expect(r).toEqual({ ok: false, code: 'item.stale', message: 'Nothing was changed: this card was out of date. B-1 is now with a physician (physician pool).' });
    expect(store.audit.at(-1)).toMatchObject({ action: 'item.denied', detail: { command: 'snooze', code: 'item.stale' } });
  });

  it('opens a form on a card a reminder moved on', async () => {
    const { ctx, store, itemId, card } = await claimedItem();
    const it = (await store.findItem(itemId))!;
    // The sweep's reminder: a version bump that changes neither state nor owner.
    await store.applyTransition(itemId, it.version, { reminderLevel: 1 }, [], []);
    const r = await checkCardAction(ctx, { itemId, actorKey: 'jordan-kim', platform: 'slack', command: 'snooze', seen: card });
    expect(r).toMatchObject({ ok: true, item: { version: card.version! + 1 } });
  });
});

describe('Wake now', () => {
  const HOUR = 3_600_000;
  async function snoozedBy(owner: string) {
    const m = await claimedItem(['slack']);
    if (owner !== 'jordan-kim') await actOnItem(m.ctx, { itemId: m.itemId, actorKey: 'chris-park', platform: 'test', command: { type: 'reassign', to: owner } });
    const snoozed = await actOnItem(m.ctx, { itemId: m.itemId, actorKey: owner, platform: 'test', command: { type: 'snooze', until: new Date(m.clock.now().getTime() + 4 * HOUR), reason: 'waiting on patient' } });
    if (!snoozed.ok) throw new Error(snoozed.message);
    return { ...m, snoozed: snoozed.item };
  }

  it('puts the owner’s item back in their hands, audited, with the card redrawn and a line in its thread', async () => {
    const { ctx, store, clock, itemId, snoozed } = await snoozedBy('jordan-kim');
    clock.advance(HOUR);
    const r = await actOnCard(ctx, { itemId, actorKey: 'jordan-kim', platform: 'slack', command: { type: 'wake' }, seen: seen('SNOOZED', 'jordan-kim', snoozed.version) });
    expect(r).toMatchObject({ ok: true, item: { state: 'CLAIMED', ownerId: 'jordan-kim', snoozedUntil: null, resumeState: null, nextReminderAt: expect.any(Date) } });
    expect(store.audit.at(-1)).toMatchObject({ action: 'item.wake', actor: 'jordan-kim', platform: 'slack', fromState: 'SNOOZED', toState: 'CLAIMED' });
    const rows = store.outbox.filter((o) => o.itemId === itemId && o.kind !== 'card.post').slice(-2);
    expect(rows.map((o) => o.kind)).toEqual(['card.update', 'thread.note']);
    expect(rows[1]!.payload.text).toBe('Woken by Jordan Kim, RN: back to work');
  });

  it('counts only the time asleep: the response deadline moves out by the hour the item slept, as the scheduler’s wake does', async () => {
    const { ctx, store, clock, itemId } = await snoozedBy('jordan-kim');
    const before = (await store.findItem(itemId))!;
    clock.advance(HOUR);
    await actOnCard(ctx, { itemId, actorKey: 'jordan-kim', platform: 'sandbox', command: { type: 'wake' } });
    const after = (await store.findItem(itemId))!;
    expect(after.resolveDueAt!.getTime() - before.resolveDueAt!.getTime()).toBe(HOUR);
  });

  it('is refused to a teammate on someone else’s item, and the refusal is audited', async () => {
    const { ctx, store, itemId } = await snoozedBy('taylor-brooks');
    const r = await actOnCard(ctx, { itemId, actorKey: 'jordan-kim', platform: 'teams', command: { type: 'wake' } });
    expect(r).toMatchObject({ ok: false, code: 'item.not_authorized', message: 'You are not allowed to wake this item.' });
    expect(store.audit.at(-1)).toMatchObject({ action: 'item.denied', actor: 'jordan-kim', detail: { command: 'wake', code: 'item.not_authorized' } });
  });

  it('answers a click from a card drawn before the snooze with until when it sleeps', async () => {
    const { ctx, itemId, card } = await snoozedBy('jordan-kim');
    const r = await actOnCard(ctx, { itemId, actorKey: 'jordan-kim', platform: 'teams', command: { type: 'release' }, seen: card });
    expect(r).toMatchObject({ ok: false, code: 'item.stale', message: 'Nothing was changed: this card was out of date. B-1 is now snoozed until Tue 1 Dec, 13:00 CST.' });
  });
});

describe('a card drawn for one person', () => {
  async function escalatedToPool() {
    const m = memoryContext();
    const r = await ingestMessage(m.ctx, portalMessage({ externalId: 'p-1', threadId: 'th-p', body: 'My blood pressure readings are 150 over 95 this week.', subject: 'BP' }));
    const item0 = (await m.store.findItem(r.itemId))!;
    const by = m.ctx.roster.queue(item0.queue)!.members.find((k) => k !== m.ctx.roster.queue(item0.queue)!.lead)!;
    const esc = await actOnItem(m.ctx, { itemId: r.itemId, actorKey: by, platform: 'test', command: { type: 'escalate', reason: 'Needs a physician' } });
    if (!esc.ok) throw new Error(esc.message);
    return { ...m, item: esc.item, by };
  }
  const commands = (c: { actions: Array<{ command: string }> }) => c.actions.map((a) => a.command);

  it('after escalating, shows the nurse who escalated only View message, a physician Claim and the rest, the lead the override', async () => {
    const { ctx, item, by } = await escalatedToPool();
    const shared = await cardForItem(ctx, item, 'channel');
    expect(commands(shared)).toEqual(['item.view']); // the team's channel card
    const forPerson = (key: string) => commands(cardForPerson(ctx, item, ctx.roster.member(key)!, shared));
    expect(forPerson(by)).toEqual(['item.view']);
    expect(forPerson('dr-baker')).toEqual(['item.claim', 'item.resolve', 'item.return', 'item.reassign', 'item.view']);
    const lead = ctx.roster.queue(item.queue)!.lead!;
    expect(forPerson(lead)).toEqual(['item.resolve', 'item.return', 'item.reassign', 'item.view']); // no Claim: leads are no physicians
  });

  it('offers Wake now only to those who may wake the item', async () => {
    const { ctx, store, itemId, clock } = await claimedItem();
    await actOnItem(ctx, { itemId, actorKey: 'jordan-kim', platform: 'test', command: { type: 'snooze', until: new Date(clock.now().getTime() + 3_600_000), reason: 'waiting on patient' } });
    const item = (await store.findItem(itemId))!;
    const shared = await cardForItem(ctx, item, 'channel');
    expect(commands(shared)).toEqual(['item.wake', 'item.view']);
    expect(commands(cardForPerson(ctx, item, ctx.roster.member('jordan-kim')!, shared))).toEqual(['item.wake', 'item.view']);
    expect(commands(cardForPerson(ctx, item, ctx.roster.member('chris-park')!, shared))).toEqual(['item.wake', 'item.view']); // the Refills lead
    expect(commands(cardForPerson(ctx, item, ctx.roster.member('taylor-brooks')!, shared))).toEqual(['item.view']); // a teammate: not theirs to wake
    expect(commands(cardForPerson(ctx, item, ctx.roster.member('dana-reyes')!, shared))).toEqual(['item.view']); // leads Nursing, not Refills
  });
});
