import type { AuditRecord } from '../domain/audit.ts';
import { escalationTarget } from '../domain/availability.ts';
import { channelStaffText, ownerLabel } from '../domain/card.ts';
import { decide, type Command, type CommandType, type DecideContext } from '../domain/commands.ts';
import { fail, type Failure } from '../domain/result.ts';
import type { StaffMember } from '../domain/roster.ts';
import { localTimeLabel } from '../domain/business-time.ts';
import { slaPatch } from '../domain/sla.ts';
import { clearCoverOnOwnerChange, type ItemPatch, type WorkItem } from '../domain/work-item.ts';
import { coverage } from './availability.ts';
import type { AppContext } from './context.ts';
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
    case 'escalate': return `Escalated by ${actor.name} to ${name(after.ownerId)}${free(cmd.reason, 'reason')}`;
    case 'return': return `Returned to the team by ${actor.name}${after.ownerId ? ` (to ${name(after.ownerId)})` : ''}${free(cmd.instructions, 'instructions')}`;
    case 'resolve': return `Resolved by ${actor.name}${cmd.note ? free(cmd.note, 'note') : ''}`;
    case 'reroute': return `Moved to ${ctx.roster.queue(cmd.queue)?.name ?? cmd.queue} by ${actor.name}`;
    case 'reopen': return `Reopened by ${actor.name}`;
    case 'wake': return `Woken by ${actor.name}: back to work`;
  }
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

/** What `decide` reads from the app's context: the roster, the time, and the organisation's zone for the times it names. */
export const decideContext = (ctx: AppContext, now: Date): DecideContext => ({ roster: ctx.roster, now, timezone: ctx.sla.calendar.timezone });

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

/**
 * Applies one command from any platform. Two people clicking at once: the conditional update
 * lets exactly one win; the other re-reads and gets the domain's answer for the new state
 * (e.g. `item.already_claimed` naming the owner). Denials are audited.
 */
export async function actOnItem(ctx: AppContext, req: ActRequest): Promise<ActOutcome> {
  const actor = ctx.roster.member(req.actorKey);
  // A lost race answers with the item as it is now: the next attempt decides on that, without reading again.
  let item = await ctx.store.findItem(req.itemId);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!item) return deny(ctx, req, null, fail('item.not_found', 'That item no longer exists.'));
    if (!actor) return deny(ctx, req, item, fail('staff.unknown', 'You are not on the Baton roster; ask your practice manager to add you.'));
    const now = ctx.clock.now();
    const routed = await redirectAway(ctx, item, req.command, now);
    if ('ok' in routed) return deny(ctx, req, item, routed);
    const { command, redirect } = routed;
    const decision = decide(item, command, actor, decideContext(ctx, now));
    if (!decision.ok) return deny(ctx, req, item, decision);

    const decided: ItemPatch = redirect ? { ...decision.patch, coveringFor: redirect.coveringFor } : clearCoverOnOwnerChange(item, decision.patch);
    const next = { ...item, ...decided };
    const patch = { ...decided, ...slaPatch(next, req.command.type, ctx.sla, now) };
    const after = { ...next, ...patch, version: item.version + 1 };
    const audit: AuditRecord = {
      itemId: item.id,
      actor: actor.key,
      platform: req.platform,
      action: `item.${req.command.type}`,
      fromState: item.state,
      toState: after.state,
      reason: decision.reason ?? null,
      // The audit says when someone away was passed over: whom it was addressed to, and whom the cover covers for.
      detail: redirect ? { ...decision.detail, addressedTo: redirect.addressedTo, ...(redirect.coveringFor ? { coveringFor: redirect.coveringFor } : { away: true }) } : decision.detail,
      at: now,
    };
    // Thread lines go where the card lives: its original queue's channel, even when rerouted.
    const outbox = cardUpdates(ctx.platforms, item.id, item.queue, after.version, now, threadNote(command, actor, after, ctx, redirect));
    if (req.command.type === 'escalate' || (req.command.type === 'reassign' && item.state === 'ESCALATED')) {
      const covering = redirect?.coveringFor ? `, covering for ${ctx.roster.member(redirect.coveringFor)?.name ?? redirect.coveringFor}` : '';
      outbox.push(...directMessages(ctx.platforms, item.id, after.version, after.ownerId, `Escalated to you${covering}: ${decision.reason ?? 'handed over'}`, now));
    }
    // The instructions go to the person the item goes back to, who may not see them in the channel.
    if (req.command.type === 'return' && after.ownerId) {
      outbox.push(...directMessages(ctx.platforms, item.id, after.version, after.ownerId, `Returned to you by ${actor.name}: ${req.command.instructions}`, now));
    }
    const outcome = await ctx.store.applyTransitionOrCurrent(item.id, item.version, patch, [audit], outbox);
    if (outcome.applied) {
      ctx.telemetry?.acted(req.command.type, 'ok');
      if (req.command.type === 'claim' && item.state === 'OPEN') ctx.telemetry?.claimed(item.queue, (now.getTime() - item.createdAt.getTime()) / 1000);
      return { ok: true, item: outcome.item };
    }
    item = outcome.current;
  }
  return fail('item.stale', 'This item is changing quickly; refresh and try again.');
}
