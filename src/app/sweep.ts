import type { AuditRecord } from '../domain/audit.ts';
import { wakePatch } from '../domain/commands.ts';
import { formatDuration } from '../domain/card.ts';
import { earliest, onCallPending } from '../domain/on-call.ts';
import { reminderPlanner, type ReminderPlan } from '../domain/reminders.ts';
import { slaPatch, type ReminderTarget } from '../domain/sla.ts';
import { clearCoverOnOwnerChange, itemRef, type WorkItem } from '../domain/work-item.ts';
import { coverageAt, NO_COVERAGE, type Coverage } from '../domain/availability.ts';
import { awayPeriodsAt } from './availability.ts';
import type { AppContext } from './context.ts';
import { cardUpdates, directMessages, threadNotices } from './outbox-messages.ts';
import type { OutboxMessage, Transition } from './ports.ts';

export interface SweepResult {
  due: number;
  woken: number;
  reminded: number;
  /** On-call offers not claimed in time, now sent to the whole physician pool. */
  toPool: number;
  notifications: number;
  /** Items another sweeper (or a click) changed first; they are picked up next time if still due. */
  skipped: number;
}

const SYSTEM = { actor: 'system', platform: 'scheduler' } as const;

/**
 * What a sweep as of a time does to one due item, decided without writing anything: wake it
 * from its snooze, send reminder levels (the audit events and outbox rows are built here), send
 * an on-call offer nobody claimed in time to the whole physician pool (`pool`, with any reminder
 * levels due too), or `settle` it (nothing left to send, so it stops being found every minute).
 */
export type SweepStep =
  | { kind: 'wake'; item: WorkItem }
  /** `recipients`: whom each fired level DMs (staff keys, null the physician pool), aligned with `plan.fire`. */
  | { kind: 'remind'; item: WorkItem; plan: ReminderPlan; recipients: Array<Array<string | null>>; audit: AuditRecord[]; outbox: OutboxMessage[] }
  | { kind: 'pool'; item: WorkItem; plan: ReminderPlan | null; recipients: Array<Array<string | null>>; audit: AuditRecord[]; outbox: OutboxMessage[] }
  | { kind: 'settle'; item: WorkItem };

/**
 * The plan of one sweep as of `now`: reads the due items and decides each one's step. It writes
 * nothing, so `baton sweep --dry-run` shows exactly what `sweep` would do with the same rules.
 */
export async function planSweep(ctx: AppContext, now: Date, limit = 500): Promise<SweepStep[]> {
  const due = await ctx.store.listItems({ states: ['OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED'], dueBefore: now, limit });
  if (!due.length) return [];
  const planOf = reminderPlanner(ctx.sla, now);
  // Who is away now, read once per sweep: they get no reminders (their lead or the queue does).
  const away = coverageAt(ctx.roster, await awayPeriodsAt(ctx, now), now);
  return due.map((item): SweepStep => {
    if (item.state === 'SNOOZED') return { kind: 'wake', item };
    const plan = planOf(item);
    if (onCallPending(item) && item.poolFallbackAt! <= now) return { kind: 'pool', item, plan, ...toPool(ctx, item, plan, now, away) };
    return plan ? { kind: 'remind', item, plan, ...remind(ctx, item, plan, now, away) } : { kind: 'settle', item };
  });
}

/**
 * One SLA sweep as of `now`: applies `planSweep`'s steps — wakes snoozed items whose time has
 * come and sends the reminder levels that are due, through the outbox. Each item is updated with
 * its version guard, so running the sweep twice, or on two instances at once, never sends a
 * reminder twice.
 */
export async function sweep(ctx: AppContext, now: Date, limit = 500): Promise<SweepResult> {
  const result: SweepResult = { due: 0, woken: 0, reminded: 0, toPool: 0, notifications: 0, skipped: 0 };
  const steps = await planSweep(ctx, now, limit);
  result.due = steps.length;
  if (!steps.length) return result;
  // All of them in one batch (one statement in the SQL store), each still guarded by its version.
  const applied = await ctx.store.applyTransitions(steps.map((step) => transitionOf(ctx, step, now)), now);
  steps.forEach((step, k) => {
    if (!applied[k]) {
      result.skipped++;
      return;
    }
    if (step.kind === 'wake') result.woken++;
    if (step.kind === 'pool') result.toPool++;
    if (step.kind !== 'remind' && step.kind !== 'pool') return;
    if (step.plan?.fire.length) result.reminded++;
    if (step.plan?.fire.some((f) => f.level === 1 && !f.repeat)) ctx.telemetry?.slaBreached(step.item.queue, step.plan.phase);
    result.notifications += notificationsOf(step);
  });
  return result;
}

/**
 * The write a step makes: a settled item stops being found (unless an on-call offer's fallback
 * is still to come); a reminder moves its level on; the fallback to the pool clears its time, so
 * no second sweep, on this instance or another, sends it again (the version guard covers a race).
 */
function transitionOf(ctx: AppContext, step: SweepStep, now: Date): Transition {
  const { item } = step;
  const guard = { itemId: item.id, expectedVersion: item.version };
  // Found again at the offer's fallback time, if that comes before the next reminder.
  const fallback = onCallPending(item) ? item.poolFallbackAt : null;
  if (step.kind === 'wake') return { ...guard, ...wake(ctx, item, now) };
  if (step.kind === 'settle') return { ...guard, patch: { nextReminderAt: fallback }, audit: [], outbox: [] };
  if (step.kind === 'pool') {
    // No reminder due yet: the item is next looked at when its deadline passes.
    const deadline = item.resolveDueAt && item.resolveDueAt > now ? item.resolveDueAt : null;
    const patch = step.plan
      ? { poolFallbackAt: null, reminderLevel: step.plan.reminderLevel, nextReminderAt: step.plan.nextReminderAt }
      : { poolFallbackAt: null, nextReminderAt: deadline };
    return { ...guard, patch, audit: step.audit, outbox: step.outbox };
  }
  return { ...guard, patch: { reminderLevel: step.plan.reminderLevel, nextReminderAt: earliest(step.plan.nextReminderAt, fallback) }, audit: step.audit, outbox: step.outbox };
}

/**
 * An on-call offer nobody claimed within `physicianPool.onCallFallbackAfter`: the escalation goes
 * to the whole physician pool, as it would have without a rota (a pool post, or a DM to every
 * physician), once. Audited as `escalation.pool_fallback`, with a line in the card's thread.
 * Reminder levels due at the same time are sent too, except a DM to the pool: the fallback post
 * is that notice already.
 */
function toPool(ctx: AppContext, item: WorkItem, plan: ReminderPlan | null, now: Date, away: Coverage) {
  const version = item.version + 1;
  const onCall = item.onCallId ?? '';
  const onCallName = ctx.roster.member(onCall)?.name ?? onCall;
  const audit: AuditRecord[] = [{ ...SYSTEM, itemId: item.id, action: 'escalation.pool_fallback', fromState: item.state, toState: item.state, detail: { onCall, fallbackAt: item.poolFallbackAt!.toISOString() }, at: now }];
  const outbox: OutboxMessage[] = [
    ...directMessages(ctx.platforms, item.id, version, null, `Escalated to the physician pool; ${onCallName}, on call, has not taken it: ${item.escalationReason ?? 'escalated'}`, now),
    ...cardUpdates(ctx.platforms, item.id, item.queue, version, now, `${onCallName} (on call) has not taken it: now with the whole physician pool`),
  ];
  let recipients: Array<Array<string | null>> = [];
  if (plan) {
    const levels = remind(ctx, { ...item, poolFallbackAt: null }, plan, now, away);
    recipients = levels.recipients;
    audit.push(...levels.audit);
    const keys = new Set(outbox.map((o) => o.dedupeKey));
    outbox.push(...levels.outbox.filter((o) => !keys.has(o.dedupeKey) && !(o.kind === 'dm' && o.payload.to === null)));
  }
  return { recipients, audit, outbox };
}

function wake(ctx: AppContext, item: WorkItem, now: Date) {
  const base = clearCoverOnOwnerChange(item, wakePatch(item));
  const next = { ...item, ...base };
  const patch = { ...base, ...slaPatch(next, 'wake', ctx.sla, now) };
  const audit: AuditRecord = { ...SYSTEM, itemId: item.id, action: 'item.wake', fromState: item.state, toState: next.state, at: now };
  const outbox = cardUpdates(ctx.platforms, item.id, item.queue, item.version + 1, now, 'Snooze ended: back to work');
  return { patch, audit: [audit], outbox };
}

function remind(ctx: AppContext, item: WorkItem, plan: ReminderPlan, now: Date, away: Coverage) {
  const version = item.version + 1;
  const queue = ctx.roster.queue(item.queue);
  const late = formatDuration(now.getTime() - plan.deadline.getTime());
  const what = `${itemRef(item)} (${item.priority}${item.redFlags.length ? ', red flag' : ''}): ${plan.phase === 'claim' ? 'unclaimed' : 'no response'}, ${late} past target`;
  const audit: AuditRecord[] = [];
  const outbox: OutboxMessage[] = [];
  const recipients: Array<Array<string | null>> = [];
  for (const f of plan.fire) {
    audit.push({ ...SYSTEM, itemId: item.id, action: 'reminder.sent', fromState: item.state, toState: item.state, detail: { level: f.level, notify: f.notify, phase: plan.phase, repeat: f.repeat }, at: now });
    const to = f.notify === 'channel' ? [] : reminderRecipients(ctx, item, f.notify, away);
    recipients.push(to);
    if (f.notify === 'channel') continue; // the card update + thread line below reach the channel
    for (const key of to) {
      const rows = directMessages(ctx.platforms, item.id, version, key, `Reminder (level ${f.level}): ${what}`, now);
      outbox.push(...rows.map((r) => ({ ...r, kind: 'dm' as const, dedupeKey: `${r.dedupeKey}:L${f.level}` })));
    }
  }
  outbox.push(...cardUpdates(ctx.platforms, item.id, item.queue, version, now));
  // Level 1 (and the STAT repeat, which repeats it): a thread reply shown in the channel that pages
  // the queue's group (or its lead) and, for claimed work, the owner. A thread line alone notifies
  // nobody on either platform.
  const channelLevel = plan.fire.find((f) => f.notify === 'channel');
  if (channelLevel) {
    const text = `${channelLevel.repeat ? 'Still waiting' : 'Reminder'} for ${queue?.name ?? item.queue}: ${what}`;
    const owner = item.ownerId && !away.away.has(item.ownerId) ? [item.ownerId] : [];
    const lead = ctx.roster.queue(item.queue)?.lead;
    const mention = { queue: item.queue, people: owner, ...(lead && away.away.has(lead) ? { except: [lead] } : {}) };
    outbox.push(...threadNotices(ctx.platforms, item.id, item.queue, version, `L${channelLevel.level}`, text, { broadcast: true, mention }, now));
  }
  return { recipients, audit, outbox };
}

/**
 * Who a DM reminder level reaches: every manager (`manager`); else the owner, the physician
 * pool (`null`) for an unowned escalation, or the queue's lead while nobody has claimed it.
 * Nobody who is away (`away`): an away owner's reminder goes to the queue's lead instead — an
 * away physician's to her covering physician, else the pool — and away managers and leads are
 * left out (the channel's reminder still reaches the queue).
 */
export function reminderRecipients(ctx: AppContext, item: WorkItem, notify: Exclude<ReminderTarget, 'channel'>, away: Coverage = NO_COVERAGE): Array<string | null> {
  const isIn = (key: string) => !away.away.has(key);
  if (notify === 'manager') return ctx.roster.managers().map((m) => m.key).filter(isIn);
  const lead = ctx.roster.queue(item.queue)?.lead;
  const leadIfIn = lead && isIn(lead) ? [lead] : [];
  if (item.ownerId && isIn(item.ownerId)) return [item.ownerId];
  if (item.state === 'ESCALATED') {
    // Offered to the physician on call first: her reminder while it waits (the pool's after the fallback).
    if (!item.ownerId) return [onCallPending(item) && item.onCallId && isIn(item.onCallId) ? item.onCallId : null];
    const cover = away.covers.get(item.ownerId);
    return [cover?.physician && isIn(cover.key) ? cover.key : null];
  }
  return leadIfIn.filter((k) => k !== item.ownerId);
}

/** How many notifications (DMs and channel replies, per platform) a step queues; card redraws aside. */
export const notificationsOf = (step: SweepStep) => (step.kind === 'remind' || step.kind === 'pool' ? step.outbox.filter((o) => o.kind !== 'card.update').length : 0);
