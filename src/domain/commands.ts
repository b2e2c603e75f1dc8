import { localTimeLabel } from './business-time.ts';
import type { PoolOffer } from './on-call.ts';
import { fail, type Failure, type Result } from './result.ts';
import type { Roster, StaffMember } from './roster.ts';
import type { ItemPatch, ItemState, WorkItem } from './work-item.ts';

/** Domain commands; their names are also the button action ids / verbs (`item.<type>`). */
export type Command =
  | { type: 'claim' }
  | { type: 'release' }
  | { type: 'reassign'; to: string }
  | { type: 'snooze'; until: Date; reason: string }
  | { type: 'escalate'; reason: string; to?: string | undefined }
  | { type: 'return'; instructions: string }
  | { type: 'resolve'; note?: string | undefined }
  | { type: 'reroute'; queue: string }
  | { type: 'reopen' }
  | { type: 'wake' };

export type CommandType = Command['type'];

export interface Transition {
  patch: ItemPatch;
  /** Free-text reason recorded in the audit (escalation reason, note, instructions). */
  reason?: string | undefined;
  detail?: Record<string, unknown>;
}

/** What a decision reads besides the item, the command and who sent it. */
export interface DecideContext {
  roster: Roster;
  now: Date;
  /** The organisation's IANA zone: the times a refusal names ("snoozed until Thu 3 Dec, 09:00 CST") are in it. */
  timezone: string;
  /** Who an escalation to no named physician goes to first now (the on-call rota), or null for the whole pool; asked only by escalate. */
  poolOffer?: (() => PoolOffer | null) | undefined;
}

type Decider<C extends Command> = (item: WorkItem, cmd: C, actor: StaffMember, roster: Roster, now: Date, zone: string, c: DecideContext) => Result<Transition>;

const denied = (what: string) => fail('item.not_authorized', `You are not allowed to ${what}.`);
/**
 * A command the item's state does not allow. A snoozed item says until when and how to act on it
 * now (Wake now), rather than only that it cannot: the time is the organisation's, never free text.
 */
const badState = (item: WorkItem, what: string, zone: string) =>
  item.state === 'SNOOZED'
    ? fail('item.invalid_transition', `This item is snoozed${item.snoozedUntil ? ` until ${localTimeLabel(item.snoozedUntil, zone)}` : ''}, so it cannot be ${what}. Press Wake now first.`)
    : fail('item.invalid_transition', `This item is ${item.state.toLowerCase()}, so it cannot be ${what}.`);

/** Team members act in their own queue; leads and managers supervise it. */
const worksQueue = (r: Roster, a: StaffMember, q: string) => r.isMember(a.key, q) || r.supervises(a.key, q);
const ownsOrSupervises = (r: Roster, a: StaffMember, i: WorkItem) => i.ownerId === a.key || r.supervises(a.key, i.queue);
/** Escalated work belongs to physicians (the assignee, or any physician for the pool) and to leads. */
const mayActOnEscalated = (r: Roster, a: StaffMember, i: WorkItem) =>
  (a.physician && (i.ownerId === null || i.ownerId === a.key)) || r.supervises(a.key, i.queue);

function alreadyClaimed(item: WorkItem, roster: Roster): Failure {
  const owner = item.ownerId ? (roster.member(item.ownerId)?.name ?? item.ownerId) : 'someone else';
  return fail('item.already_claimed', `Already claimed by ${owner}.`, { ownerId: item.ownerId ?? undefined });
}

const claim: Decider<{ type: 'claim' }> = (item, _c, actor, roster, now, zone) => {
  if (item.state === 'CLAIMED') return alreadyClaimed(item, roster);
  if (item.state === 'ESCALATED') {
    if (item.ownerId !== null && item.ownerId !== actor.key) return alreadyClaimed(item, roster);
    if (!actor.physician) return denied('take an item escalated to physicians');
    return { ok: true, patch: { ownerId: actor.key } };
  }
  if (item.state !== 'OPEN') return badState(item, 'claimed', zone);
  if (!worksQueue(roster, actor, item.queue)) return denied(`claim items in this queue; ask a lead to add you to it`);
  return { ok: true, patch: { state: 'CLAIMED', ownerId: actor.key, claimedAt: now } };
};

const release: Decider<{ type: 'release' }> = (item, _c, actor, roster, _now, zone) => {
  if (item.state !== 'CLAIMED') return badState(item, 'released', zone);
  if (!ownsOrSupervises(roster, actor, item)) return denied("release someone else's item");
  return { ok: true, patch: { state: 'OPEN', ownerId: null } };
};

const reassign: Decider<{ type: 'reassign'; to: string }> = (item, cmd, actor, roster, now, zone) => {
  const target = roster.member(cmd.to);
  if (!target) return fail('item.invalid_target', 'That person is not on the roster.');
  if (item.state === 'ESCALATED') {
    if (!mayActOnEscalated(roster, actor, item)) return denied('hand this escalation to another physician');
    if (!target.physician) return fail('item.invalid_target', `${target.name} is not a physician.`);
    return { ok: true, patch: { ownerId: target.key }, detail: { to: target.key } };
  }
  if (item.state !== 'OPEN' && item.state !== 'CLAIMED') return badState(item, 'reassigned', zone);
  const mayAssign = item.state === 'CLAIMED' ? ownsOrSupervises(roster, actor, item) : worksQueue(roster, actor, item.queue);
  if (!mayAssign) return denied("reassign someone else's item");
  if (!worksQueue(roster, target, item.queue)) return fail('item.invalid_target', `${target.name} does not work this queue.`);
  return { ok: true, patch: { state: 'CLAIMED', ownerId: target.key, claimedAt: item.claimedAt ?? now }, detail: { to: target.key } };
};

/** The longest snooze, in minutes, whichever way it is given (a duration or an end time): 30 days. */
export const MAX_SNOOZE_MINUTES = 30 * 24 * 60;

const snooze: Decider<{ type: 'snooze'; until: Date; reason: string }> = (item, cmd, actor, roster, now, zone) => {
  if (item.state !== 'OPEN' && item.state !== 'CLAIMED') return badState(item, 'snoozed', zone);
  if (item.state === 'CLAIMED' ? !ownsOrSupervises(roster, actor, item) : !worksQueue(roster, actor, item.queue))
    return denied('snooze this item');
  if (!cmd.reason.trim()) return fail('item.reason_required', 'Say what the item is waiting on.');
  if (!(cmd.until.getTime() > now.getTime())) return fail('item.invalid_target', 'Snooze until a time in the future.');
  if (cmd.until.getTime() > now.getTime() + MAX_SNOOZE_MINUTES * 60_000) return fail('item.invalid_target', 'Snooze for at most 30 days.');
  return { ok: true, patch: { state: 'SNOOZED', resumeState: item.state, snoozedUntil: cmd.until }, reason: cmd.reason, detail: { until: cmd.until.toISOString() } };
};

/**
 * Escalate: to a named physician, or to the pool. A pool escalation made while someone is on call
 * is offered to her first: it stays unowned (any physician may still take it), and records who
 * was on call and when the whole pool gets it if still unclaimed (the sweep does that).
 */
const escalate: Decider<{ type: 'escalate'; reason: string; to?: string | undefined }> = (item, cmd, actor, roster, now, zone, c) => {
  if (item.state !== 'OPEN' && item.state !== 'CLAIMED') return badState(item, 'escalated', zone);
  if (item.state === 'CLAIMED' ? !ownsOrSupervises(roster, actor, item) : !worksQueue(roster, actor, item.queue))
    return denied('escalate this item');
  if (!cmd.reason.trim()) return fail('item.reason_required', 'Give the physician a reason for the escalation.');
  let to: string | null = null;
  if (cmd.to) {
    const doc = roster.member(cmd.to);
    if (!doc?.physician) return fail('item.invalid_target', 'Escalations go to a physician on the roster.');
    to = doc.key;
  }
  const offer = to ? null : (c.poolOffer?.() ?? null);
  return {
    ok: true,
    patch: {
      state: 'ESCALATED', ownerId: to, escalatedBy: actor.key, escalationReason: cmd.reason, everEscalated: true, claimedAt: item.claimedAt ?? now,
      onCallId: offer?.physician ?? null, poolFallbackAt: offer?.fallbackAt ?? null,
    },
    reason: cmd.reason,
    detail: { to: to ?? 'physician-pool', ...(offer ? { onCall: offer.physician } : {}) },
  };
};

const returnToTeam: Decider<{ type: 'return'; instructions: string }> = (item, cmd, actor, roster, _now, zone) => {
  if (item.state !== 'ESCALATED') return badState(item, 'returned to the team', zone);
  if (!mayActOnEscalated(roster, actor, item)) return denied('return this escalation');
  if (!cmd.instructions.trim()) return fail('item.reason_required', 'Tell the team what to do next.');
  // Back to whoever escalated it, if they still work the queue; otherwise to the queue.
  const back = item.escalatedBy && roster.member(item.escalatedBy) && roster.isMember(item.escalatedBy, item.queue) ? item.escalatedBy : null;
  return { ok: true, patch: { state: back ? 'CLAIMED' : 'OPEN', ownerId: back }, reason: cmd.instructions, detail: { to: back ?? 'queue' } };
};

const resolve: Decider<{ type: 'resolve'; note?: string | undefined }> = (item, cmd, actor, roster, now, zone) => {
  const allowed =
    item.state === 'ESCALATED' ? mayActOnEscalated(roster, actor, item)
    : item.state === 'CLAIMED' ? ownsOrSupervises(roster, actor, item)
    : item.state === 'OPEN' ? worksQueue(roster, actor, item.queue)
    : null;
  if (allowed === null) return badState(item, 'resolved', zone);
  if (!allowed) return denied('resolve this item');
  const ownerId = item.ownerId ?? actor.key;
  return { ok: true, patch: { state: 'RESOLVED', ownerId, resolvedAt: now, nextReminderAt: null, snoozedUntil: null }, reason: cmd.note };
};

const reroute: Decider<{ type: 'reroute'; queue: string }> = (item, cmd, actor, roster, _now, zone) => {
  if (item.state !== 'OPEN' && item.state !== 'CLAIMED') return badState(item, 'moved to another queue', zone);
  if (!roster.queue(cmd.queue)) return fail('item.invalid_target', 'There is no such queue.');
  if (cmd.queue === item.queue) return fail('item.invalid_target', 'The item is already in that queue.');
  if (!worksQueue(roster, actor, item.queue)) return denied('move items out of this queue');
  return { ok: true, patch: { state: 'OPEN', queue: cmd.queue, ownerId: null }, detail: { from: item.queue, to: cmd.queue } };
};

const reopen: Decider<{ type: 'reopen' }> = (item, _c, actor, roster, _now, zone) => {
  if (item.state !== 'RESOLVED') return badState(item, 'reopened', zone);
  if (!worksQueue(roster, actor, item.queue) && !actor.physician) return denied('reopen this item');
  return { ok: true, patch: { state: 'OPEN', ownerId: null, resolvedAt: null } };
};

/**
 * Wake now: a person ends a snooze early (the patient called, the fax came). Whoever could have
 * snoozed it may wake it: owned work its owner, the queue's lead or a manager; unowned work
 * anyone who works the queue. It resumes exactly as the scheduler's wake at the snooze's end does.
 */
const wake: Decider<{ type: 'wake' }> = (item, _c, actor, roster, _now, zone) => {
  if (item.state !== 'SNOOZED') return badState(item, 'woken', zone);
  const resumesOwned = resumeStateOf(item) === 'CLAIMED';
  if (resumesOwned ? !ownsOrSupervises(roster, actor, item) : !worksQueue(roster, actor, item.queue)) return denied('wake this item');
  return { ok: true, patch: wakePatch(item), detail: item.snoozedUntil ? { until: item.snoozedUntil.toISOString() } : undefined };
};

const deciders: { [K in CommandType]: Decider<Extract<Command, { type: K }>> } = {
  claim, release, reassign, snooze, escalate, return: returnToTeam, resolve, reroute, reopen, wake,
};

/**
 * Decide what a command does to an item, or why it cannot. Pure: the caller applies the patch
 * with an optimistic-concurrency guard on `item.version` and records the audit event.
 */
export function decide(item: WorkItem, cmd: Command, actor: StaffMember, c: DecideContext): Result<Transition> {
  const decider = deciders[cmd.type] as Decider<Command>;
  return decider(item, cmd, actor, c.roster, c.now, c.timezone, c);
}

/** States a snoozed item may resume to. */
export function resumeStateOf(item: WorkItem): ItemState {
  return item.resumeState === 'CLAIMED' && item.ownerId ? 'CLAIMED' : 'OPEN';
}

/**
 * A snoozed item back in its pre-snooze state: owned work stays with its owner, unowned work
 * returns to the queue. One transition for every way a snooze ends — its time passing (the
 * sweep), the patient writing again (a follow-up), a person pressing Wake now. The caller adds
 * the SLA fields (`slaPatch(…, 'wake')`: snoozed time does not count).
 */
export function wakePatch(item: WorkItem): ItemPatch {
  const state = resumeStateOf(item);
  return { state, resumeState: null, snoozedUntil: null, ownerId: state === 'OPEN' ? null : item.ownerId };
}
