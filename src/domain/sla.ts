import { businessMinutesBetween, dueAfter, type BusinessCalendar } from './business-time.ts';
import { earliest, onCallPending } from './on-call.ts';
import type { Priority } from './types.ts';
import type { ItemPatch, WorkItem } from './work-item.ts';

export type ReminderTarget = 'channel' | 'owner-or-lead' | 'manager';
export interface ReminderLevel {
  after: number;
  notify: ReminderTarget;
  repeatEvery?: number | undefined;
}

/** Response-time targets in minutes, for one queue × priority (`*` matches any). */
export interface SlaPolicy {
  queue: string;
  priority: Priority | '*';
  claimWithin: number;
  resolveWithin: number;
  nextResponseWithin?: number | undefined;
  reminders: ReminderLevel[];
}

/** The most specific policy wins: queue+priority, then queue, then priority, then the catch-all. */
export function policyFor(policies: readonly SlaPolicy[], queue: string, priority: Priority): SlaPolicy | undefined {
  const score = (p: SlaPolicy) => (p.queue === queue ? 2 : p.queue === '*' ? 0 : -9) + (p.priority === priority ? 1 : p.priority === '*' ? 0 : -9);
  let best: SlaPolicy | undefined;
  for (const p of policies) if (score(p) >= 0 && (!best || score(p) > score(best))) best = p;
  return best;
}

/** stat/asap run on wall-clock time; everything else on business time (DESIGN.md §3). */
export const runsOnWallClock = (p: Priority) => p === 'stat' || p === 'asap';

export interface SlaContext {
  policies: readonly SlaPolicy[];
  calendar: BusinessCalendar;
}

type SlaEvent = 'created' | 'follow_up' | 'claim' | 'release' | 'reassign' | 'escalate' | 'return' | 'reroute' | 'reopen' | 'snooze' | 'wake' | 'resolve';

/**
 * Deadlines are snapshotted on the item when a clock starts, so a later policy change never
 * rewrites items already in flight. Returns the SLA fields to merge into the patch.
 *
 * `nextReminderAt` is when the sweep must look at the item next: its next reminder, or sooner,
 * the fallback of an on-call offer to the whole pool (on-call.ts). An offer that has ended (the
 * item was claimed, returned, resolved…) has its fallback time cleared.
 */
export function slaPatch(next: WorkItem, event: SlaEvent, ctx: SlaContext, now: Date): ItemPatch {
  const patch = deadlinePatch(next, event, ctx, now);
  const merged = { ...next, ...patch };
  if (onCallPending(merged)) return { ...patch, nextReminderAt: earliest(merged.nextReminderAt, merged.poolFallbackAt) };
  return merged.poolFallbackAt !== null ? { ...patch, poolFallbackAt: null } : patch;
}

function deadlinePatch(next: WorkItem, event: SlaEvent, ctx: SlaContext, now: Date): ItemPatch {
  if (next.state === 'RESOLVED') return { nextReminderAt: null, reminderLevel: 0 };
  if (next.state === 'SNOOZED') return { nextReminderAt: next.snoozedUntil, reminderLevel: 0 };
  const policy = policyFor(ctx.policies, next.queue, next.priority);
  if (!policy) return { claimDueAt: null, resolveDueAt: null, nextReminderAt: null, reminderLevel: 0 };
  const due = (minutes: number) => dueAfter(now, minutes, { cal: ctx.calendar, business: !runsOnWallClock(next.priority) });
  const patch: ItemPatch = {};
  switch (event) {
    case 'created':
      patch.claimDueAt = due(policy.claimWithin);
      patch.resolveDueAt = due(policy.resolveWithin);
      break;
    case 'follow_up':
    case 'reopen':
      // A new patient message restarts the "next response" clock.
      patch.resolveDueAt = due(policy.nextResponseWithin ?? policy.resolveWithin);
      if (next.state === 'OPEN') patch.claimDueAt = due(policy.claimWithin);
      break;
    case 'release':
    case 'reroute':
    case 'return':
      if (next.state === 'OPEN') patch.claimDueAt = due(policy.claimWithin);
      break;
    case 'wake': {
      // Snoozed time does not count: what was left of each deadline when the snooze began
      // (`updatedAt`) is counted again from now, in the same clock the deadline runs on.
      const asleepFrom = next.updatedAt;
      const business = !runsOnWallClock(next.priority);
      const shift = (d: Date | null) => {
        if (!d) return null;
        if (d <= asleepFrom) return new Date(d.getTime() + Math.max(0, now.getTime() - asleepFrom.getTime()));
        const left = business ? businessMinutesBetween(asleepFrom, d, ctx.calendar) : (d.getTime() - asleepFrom.getTime()) / 60_000;
        return dueAfter(now, left, { cal: ctx.calendar, business });
      };
      patch.claimDueAt = shift(next.claimDueAt);
      patch.resolveDueAt = shift(next.resolveDueAt);
      break;
    }
    default:
      break;
  }
  const merged = { ...next, ...patch };
  patch.nextReminderAt = merged.state === 'OPEN' ? merged.claimDueAt : merged.resolveDueAt;
  patch.reminderLevel = 0;
  return patch;
}
