import { localDate } from '../domain/business-time.ts';
import { visibleQueues, type ConsoleScope } from '../domain/console-access.ts';
import { dashboardFromAggregates, parsePeriod, periodInstants, type DashboardModel } from '../domain/dashboard.ts';
import type { AppContext } from './context.ts';

export interface DashboardSettings {
  timezone: string;
  physicianMinutesPerMessage: number;
}

export interface DashboardForm {
  from?: string | undefined;
  to?: string | undefined;
  /** A queue key, or empty for every queue the viewer sees. */
  queue?: string | undefined;
}

export type DashboardOutcome = { ok: true; model: DashboardModel; queue: string | null } | { ok: false; problems: Array<{ field: string; message: string }> };

/**
 * The dashboard a viewer asked for: the period and queue of the form (every problem listed),
 * within what their scope sees — a lead only the queues they lead. Aggregated by the store.
 */
export async function dashboardFor(ctx: AppContext, scope: ConsoleScope, form: DashboardForm, s: DashboardSettings): Promise<DashboardOutcome> {
  const now = ctx.clock.now();
  const period = parsePeriod(form, localDate(now, s.timezone).date);
  const problems = period.ok ? [] : [...period.problems];
  const visible = visibleQueues(ctx.roster, scope);
  const queue = form.queue?.trim() || null;
  if (queue && !visible.some((q) => q.key === queue)) {
    problems.push({ field: 'queue', message: scope.all ? `no queue "${queue.slice(0, 60)}"` : `you see only the queues you lead: ${visible.map((q) => q.name).join(', ')}` });
  }
  if (!period.ok || problems.length) return { ok: false, problems };
  const { from, end } = periodInstants(period, s.timezone);
  const queues = queue ? [queue] : scope.all ? null : visible.map((q) => q.key);
  const aggregates = await ctx.store.dashboardAggregates({ from, to: end < now ? end : now, now, timezone: s.timezone, queues });
  // A manager's view keeps work in queues no longer on the roster, under their keys.
  const shown = queue ? visible.filter((q) => q.key === queue) : [...visible];
  if (scope.all && !queue) {
    const known = new Set(shown.map((q) => q.key));
    const seen = [...aggregates.daily, ...aggregates.timing, ...aggregates.backlog].map((r) => r.queue);
    for (const k of new Set(seen)) if (!known.has(k)) shown.push({ key: k, name: k } as (typeof shown)[number]);
  }
  const model = dashboardFromAggregates(aggregates, {
    period,
    queues: shown.map((q) => ({ key: q.key, name: q.name })),
    staffName: (k) => ctx.roster.staff.find((m) => m.key === k)?.name ?? k,
    physicianMinutesPerMessage: s.physicianMinutesPerMessage,
  });
  return { ok: true, model, queue };
}
