import { dueAfter } from './business-time.ts';
import { policyFor, runsOnWallClock, type ReminderLevel, type ReminderTarget, type SlaContext } from './sla.ts';
import type { WorkItem } from './work-item.ts';

export interface ReminderPlan {
  /** Levels to notify now (1-based level numbers), each at most once per sweep. */
  fire: Array<{ level: number; notify: ReminderTarget; repeat: boolean }>;
  reminderLevel: number;
  nextReminderAt: Date | null;
  /** Which deadline was missed, for the message. */
  phase: 'claim' | 'response';
  deadline: Date;
}

/**
 * What a sweep does for one due item (DESIGN.md §3 escalation chain). Level i fires once at
 * deadline + `after` (business time for routine/urgent work); a late sweep fires each missed
 * level once rather than replaying repeats; the highest fired level with `repeatEvery`
 * re-pings (red flags) until the item changes state, which restarts the chain.
 */
export function planReminders(item: WorkItem, ctx: SlaContext, now: Date): ReminderPlan | null {
  return reminderPlanner(ctx, now)(item);
}

/**
 * `planReminders` for many items as of one time (a sweep): each policy's levels are sorted once,
 * and each reminder time (deadline + `after`, in business time for routine/urgent work) is
 * computed once per deadline, not once per item — the calendar maths is the sweep's CPU cost.
 */
export function reminderPlanner(ctx: SlaContext, now: Date): (item: WorkItem) => ReminderPlan | null {
  const sortedLevels = new Map<object, ReminderLevel[]>();
  const dueTimes = new Map<string, Date>();
  return (item) => {
    if (item.state === 'RESOLVED' || item.state === 'SNOOZED') return null;
    const phase = item.state === 'OPEN' ? 'claim' : 'response';
    const deadline = phase === 'claim' ? item.claimDueAt : item.resolveDueAt;
    const policy = policyFor(ctx.policies, item.queue, item.priority);
    if (!deadline || !policy || deadline > now) return null;
    let levels = sortedLevels.get(policy);
    if (!levels) sortedLevels.set(policy, (levels = [...policy.reminders].sort((a, b) => a.after - b.after)));
    const business = !runsOnWallClock(item.priority);
    const at = (l: ReminderLevel) => {
      const key = `${deadline.getTime()}:${l.after}:${business}`;
      let due = dueTimes.get(key);
      if (!due) dueTimes.set(key, (due = dueAfter(deadline, l.after, { cal: ctx.calendar, business })));
      return due;
    };

    const fire: ReminderPlan['fire'] = [];
    let fired = item.reminderLevel;
    while (fired < levels.length && at(levels[fired]!) <= now) {
      fire.push({ level: fired + 1, notify: levels[fired]!.notify, repeat: false });
      fired++;
    }
    const repeating = [...levels.slice(0, fired)].reverse().find((l) => l.repeatEvery);
    const repeatLevel = repeating ? levels.indexOf(repeating) + 1 : 0;
    if (!fire.length && repeating) fire.push({ level: repeatLevel, notify: repeating.notify, repeat: true });

    const upcoming = fired < levels.length ? at(levels[fired]!) : null;
    const repeatAt = repeating ? new Date(now.getTime() + repeating.repeatEvery! * 60_000) : null;
    const nextReminderAt = [upcoming, repeatAt].filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
    return { fire, reminderLevel: fired, nextReminderAt, phase, deadline };
  };
}
