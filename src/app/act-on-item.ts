import type { AuditRecord } from '../domain/audit.ts';
import { escalationTarget } from '../domain/availability.ts';
import { channelStaffText, formatDuration, ownerLabel } from '../domain/card.ts';
import { decide, type Command, type CommandType, type DecideContext, type Transition as DecidedTransition } from '../domain/commands.ts';
import { onCallPending, poolOffer } from '../domain/on-call.ts';
import { fail, type Failure } from '../domain/result.ts';
import type { StaffMember } from '../domain/roster.ts';
import { localTimeLabel } from '../domain/business-time.ts';
import { slaPatch } from '../domain/sla.ts';
import { clearCoverOnOwnerChange, type ItemPatch, type WorkItem } from '../domain/work-item.ts';
import { coverage } from './availability.ts';
import type { AppContext } from './context.ts';
import type { PlannedChange } from './ports.ts';
import { cardUpdates, directMessages } from './outbox-messages.ts';

export interface ActRequest {
  itemId: string;
  /** Staff key, already mapped from the platform's user id by the adapter. */
  actorKey: string;
  platform: string;
  command: Command;
}

export type ActOutcome = { ok: true; item: WorkItem } | Failure;

/**
 * The thread line each transition posts in the card's channel thread ("Claimed by Dana Reyes").
 * Staff names, no patient data. Reasons, notes and instructions are staff free text that often
 * quotes the patient, so they are treated like message text (DESIGN.md §6): with
 * `card.messageText: none` the thread says only that one was recorded; the assignee gets it in
 * their DM and anyone allowed reads it in View message.
 */
function threadNote(cmd: Command, actor: StaffMember, after: WorkItem, ctx: AppContext, redirect: Redirect | null): string {
  const awayNote = redirect && !redirect.coveringFor ? ` (${ctx.roster.member(redirect.addressedTo)?.name ?? redirect.addressedTo} is away)` : '';
  const name = (key: string | null) => (key === after.ownerId ? ownerLabel(after, ctx.roster) : key ? (ctx.roster.member(key)?.name ?? key) : null) ?? `the physician pool${awayNote}`;
  const show = channelStaffText(ctx.card.messageText) === 'show';
  const free = (text: string, what: 'reason' | 'note' | 'instructions') => (show ? `: ${text}` : ` — ${what} recorded`);
  switch (cmd.type) {
    case 'claim': return `Claimed by ${actor.name}`;
    case 'release': return `Released by ${actor.name}`;
    case 'reassign': return `${actor.name} handed this to ${name(after.ownerId)}`;
    case 'snooze': return `Snoozed by ${actor.name} until ${localTimeLabel(cmd.until, ctx.sla.calendar.timezone)}${free(cmd.reason, 'reason')}`;
    case 'escalate': return `Escalated by ${actor.name} to ${name(after.ownerId)}${onCallPending(after) ? ` (on call: ${name(after.onCallId)})` : ''}${free(cmd.reason, 'reason')}`;
    case 'return': return `Returned to the team by ${actor.name}${after.ownerId ? ` (to ${name(after.ownerId)})` : ''}${free(cmd.instructions, 'instructions')}`;
    case 'resolve': return `Resolved by ${actor.name}${cmd.note ? free(cmd.note, 'note') : ''}`;
    case 'reroute': return `Moved to ${ctx.roster.queue(cmd.queue)?.name ?? cmd.queue} by ${actor.name}`;
    case 'reopen': return `Reopened by ${actor.name}`;
    case 'wake': return `Woken by ${actor.name}: back to work`;
  }
}

/** What `decide` reads from the app's context: the roster, the time, the organisation's zone for the times it names, and who is on call. */
export const decideContext = (ctx: AppContext, now: Date): DecideContext => ({
  roster: ctx.roster,
  now,
  timezone: ctx.sla.calendar.timezone,
  poolOffer: () => poolOffer(ctx.pool.onCall, ctx.pool.onCallFallbackAfter, ctx.roster, ctx.sla.calendar.timezone, now),
});

/** The DM an escalation sends: to the physician it is for, or — offered to whoever is on call — to her, first. */
function escalationDm(ctx: AppContext, after: WorkItem, reason: string | undefined, now: Date, redirect: Redirect | null) {
  const offered = after.ownerId === null && onCallPending(after) ? after.onCallId : null;
  const covering = redirect?.coveringFor ? `, covering for ${ctx.roster.member(redirect.coveringFor)?.name ?? redirect.coveringFor}` : '';
  const text = offered
    ? `On call: escalated to the physician pool, to you first (the whole pool gets it if nobody has claimed it within ${formatDuration(ctx.pool.onCallFallbackAfter * 60_000)}): ${reason ?? 'escalated'}`
    : `Escalated to you${covering}: ${reason ?? 'handed over'}`;
  return directMessages(ctx.platforms, after.id, after.version, after.ownerId ?? offered, text, now);
}
/**
 * An escalation addressed to a physician who is away goes to her covering physician, or to the
 * physician pool when nobody covers (src/domain/availability.ts `escalationTarget`).
 * `addressedTo`: whom the person chose; `coveringFor`: recorded on the item when a cover takes it.
 */
interface Redirect {
  addressedTo: string;
  coveringFor: string | null;
}

/** The command as it goes to `decide` (addressed to the cover, or the pool, instead of someone away), and why. */
async function redirectAway(ctx: AppContext, item: WorkItem, cmd: Command, now: Date): Promise<{ command: Command; redirect: Redirect | null } | Failure> {
  const handsEscalation = cmd.type === 'escalate' || (cmd.type === 'reassign' && item.state === 'ESCALATED');
  const to = handsEscalation && 'to' in cmd ? cmd.to : undefined;
  const physician = to ? ctx.roster.member(to) : undefined;
  if (!physician?.physician) return { command: cmd, redirect: null };
  const target = escalationTarget(physician, await coverage(ctx, now));
  if (target.to === physician) return { command: cmd, redirect: null };
  const redirect = { addressedTo: physician.key, coveringFor: target.coveringFor };
  if (cmd.type === 'escalate') return { command: { ...cmd, to: target.to?.key }, redirect };
  // Handing an escalation over has no "to the pool": say so instead of handing it to someone away.
  if (!target.to) return fail('item.invalid_target', `${physician.name} is away and nobody covers for them; hand this to another physician.`);
  return { command: { ...cmd, to: target.to.key } as Command, redirect };
}


/** Records a refused attempt (who, which command, why) in the audit trail and counts it. Shared by every entry point. */
export async function auditDenial(
  ctx: AppContext,
  who: { actorKey: string; platform: string },
  command: CommandType | 'view',
  item: WorkItem | null,
  f: Failure,
): Promise<Failure> {
  const record: AuditRecord = {
    itemId: item?.id ?? null,
    actor: who.actorKey,
    platform: who.platform,
    action: 'item.denied',
    fromState: item?.state ?? null,
    toState: item?.state ?? null,
    detail: { command, code: f.code },
    at: ctx.clock.now(),
  };
  await ctx.store.appendAudit([record]);
  ctx.telemetry?.acted(command, f.code);
  return f;
}

const deny = (ctx: AppContext, req: ActRequest, item: WorkItem | null, f: Failure) => auditDenial(ctx, req, req.command.type, item, f);

/** What a decided command writes: the patch with its SLA fields, the audit event, and the card's outbox rows. */
export function planTransition(ctx: AppContext, item: WorkItem, actor: StaffMember, command: Command, platform: string, decision: DecidedTransition, now: Date, redirect: Redirect | null = null): { change: PlannedChange; after: WorkItem } {
  const decided: ItemPatch = redirect ? { ...decision.patch, coveringFor: redirect.coveringFor } : clearCoverOnOwnerChange(item, decision.patch);
  const next = { ...item, ...decided };
  const patch = { ...decided, ...slaPatch(next, command.type, ctx.sla, now) };
  const after = { ...next, ...patch, version: item.version + 1 };
  const audit: AuditRecord = {
    itemId: item.id,
    actor: actor.key,
    platform,
    action: `item.${command.type}`,
    fromState: item.state,
    toState: after.state,
    reason: decision.reason ?? null,
    // The audit says when someone away was passed over: whom it was addressed to, and whom the cover covers for.
    detail: redirect ? { ...decision.detail, addressedTo: redirect.addressedTo, ...(redirect.coveringFor ? { coveringFor: redirect.coveringFor } : { away: true }) } : decision.detail,
    at: now,
  };
  // Thread lines go where the card lives: its original queue's channel, even when rerouted.
  const outbox = cardUpdates(ctx.platforms, item.id, item.queue, after.version, now, threadNote(command, actor, after, ctx, redirect));
  if (command.type === 'escalate' || (command.type === 'reassign' && item.state === 'ESCALATED')) {
    outbox.push(...escalationDm(ctx, after, decision.reason, now, redirect));
  }
  // The instructions go to the person the item goes back to, who may not see them in the channel.
  if (command.type === 'return' && after.ownerId) {
    outbox.push(...directMessages(ctx.platforms, item.id, after.version, after.ownerId, `Returned to you by ${actor.name}: ${command.instructions}`, now));
  }
  return { change: { patch, audit: [audit], outbox }, after };
}

/** Counts an applied command (and a claim's wait) for metrics. */
export function countApplied(ctx: AppContext, command: CommandType, before: WorkItem, now: Date): void {
  ctx.telemetry?.acted(command, 'ok');
  if (command === 'claim' && before.state === 'OPEN') ctx.telemetry?.claimed(before.queue, (now.getTime() - before.createdAt.getTime()) / 1000);
}

/**
 * Applies one command from any platform. Two people clicking at once: the conditional update
 * lets exactly one win; the other re-reads and gets the domain's answer for the new state
 * (e.g. `item.already_claimed` naming the owner). Denials are audited.
 */
export async function actOnItem(ctx: AppContext, req: ActRequest, read?: WorkItem | null): Promise<ActOutcome> {
  const actor = ctx.roster.member(req.actorKey);
  // `read`: the item as the caller just read it (a card click), so it is not read twice. A lost
  // race answers with the item as it is now: the next attempt decides on that, without reading again.
  let item = read !== undefined ? read : await ctx.store.findItem(req.itemId);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!item) return deny(ctx, req, null, fail('item.not_found', 'That item no longer exists.'));
    if (!actor) return deny(ctx, req, item, fail('staff.unknown', 'You are not on the Baton roster; ask your practice manager to add you.'));
    const now = ctx.clock.now();
    const routed = await redirectAway(ctx, item, req.command, now);
    if ('ok' in routed) return deny(ctx, req, item, routed);
    const { command, redirect } = routed;
    const decision = decide(item, command, actor, decideContext(ctx, now));
    if (!decision.ok) return deny(ctx, req, item, decision);

    const { change } = planTransition(ctx, item, actor, command, req.platform, decision, now, redirect);
    const outcome = await ctx.store.applyTransitionOrCurrent(item.id, item.version, change.patch, change.audit, change.outbox);
    if (outcome.applied) {
      countApplied(ctx, req.command.type, item, now);
      return { ok: true, item: outcome.item };
    }
    item = outcome.current;
  }
  return fail('item.stale', 'This item is changing quickly; refresh and try again.');
}
