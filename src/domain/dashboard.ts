import { DateTime } from 'luxon';
import { instantAtLocal } from './business-time.ts';
import { AGE_BANDS, type DurationStats } from './digest-aggregates.ts';
import type { DashboardAggregates } from './dashboard-aggregates.ts';

/** The default period: the last 30 days, today included. */
export const DEFAULT_DAYS = 30;
/** A year and a day: long enough for a year's trend, short enough for one chart. */
export const MAX_DAYS = 366;

export interface Period {
  /** Local dates, inclusive. */
  fromDate: string;
  toDate: string;
  days: string[];
}

export type PeriodResult = ({ ok: true } & Period) | { ok: false; problems: Array<{ field: string; message: string }> };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDate(field: string, v: string | undefined, problems: Array<{ field: string; message: string }>): DateTime | undefined {
  if (v === undefined || v === '') return undefined;
  const d = DATE.test(v) ? DateTime.fromISO(v, { zone: 'UTC' }) : null;
  if (!d?.isValid || d.year < 2000 || d.year > 2200) {
    problems.push({ field, message: `expected a date like 2026-12-01 (got "${v.slice(0, 40)}")` });
    return undefined;
  }
  return d;
}

/**
 * The period a dashboard shows, from its form's `from` and `to` (local dates, both optional):
 * `to` defaults to today, `from` to 30 days before it. Every problem is listed.
 */
export function parsePeriod(input: { from?: string | undefined; to?: string | undefined }, today: string): PeriodResult {
  const problems: Array<{ field: string; message: string }> = [];
  const to = parseDate('to', input.to, problems) ?? DateTime.fromISO(today, { zone: 'UTC' });
  const from = parseDate('from', input.from, problems) ?? to.minus({ days: DEFAULT_DAYS - 1 });
  if (!problems.length) {
    const span = Math.round(to.diff(from, 'days').days) + 1;
    if (span < 1) problems.push({ field: 'from', message: `must be on or before the end of the period (${to.toISODate()})` });
    else if (span > MAX_DAYS) problems.push({ field: 'from', message: `the period may be at most ${MAX_DAYS} days (this one is ${span})` });
  }
  if (problems.length) return { ok: false, problems };
  const days: string[] = [];
  for (let d = from; d <= to; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
  return { ok: true, fromDate: from.toISODate()!, toDate: to.toISODate()!, days };
}

/** The instants of a period in the organisation's zone: its first midnight, and the midnight after its last day. */
export function periodInstants(p: Period, zone: string): { from: Date; end: Date } {
  return { from: instantAtLocal(p.fromDate, '00:00', zone), end: instantAtLocal(p.toDate, '24:00', zone) };
}

export interface Minutes {
  count: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
}

const minutes = (s: DurationStats): Minutes => ({
  count: s.count,
  medianMinutes: s.medianMs === null ? null : s.medianMs / 60_000,
  p90Minutes: s.p90Ms === null ? null : s.p90Ms / 60_000,
});

const rate = (part: number, whole: number) => (whole ? part / whole : null);

/** What the dashboard page draws: one series or row per chart, named, in roster order. No patient data. */
export interface DashboardModel {
  period: Period;
  queues: Array<{ key: string; name: string }>;
  daily: { created: Array<{ queue: string; name: string; counts: number[] }>; resolved: number[]; createdTotal: number[] };
  timing: Array<{ queue: string; name: string; claim: Minutes; resolve: Minutes; claimLateRate: number | null; resolveLateRate: number | null; claimLate: number; claimTargets: number; resolveLate: number; resolveTargets: number }>;
  backlog: { bandLabels: string[]; rows: Array<{ queue: string; name: string; bands: number[]; total: number; past: number }> };
  physician: { created: number; escalated: number; share: number | null; resolvedWithoutPhysician: number; minutesPerMessage: number; minutesSaved: number };
  people: Array<{ staff: string; name: string; resolved: number; holding: number }>;
  totals: { created: number; resolved: number; open: number; pastTarget: number };
}

export interface DashboardLabels {
  period: Period;
  /** The queues shown, in roster order (with names). Aggregates of other queues are left out. */
  queues: Array<{ key: string; name: string }>;
  staffName: (key: string) => string;
  physicianMinutesPerMessage: number;
}

/** The page from its numbers: names, zero-filled series, rates and the physician time saved. */
export function dashboardFromAggregates(a: DashboardAggregates, l: DashboardLabels): DashboardModel {
  const shown = new Set(l.queues.map((q) => q.key));
  const dayIndex = new Map(l.period.days.map((d, i) => [d, i]));
  const zeros = () => l.period.days.map(() => 0);
  const created = new Map(l.queues.map((q) => [q.key, zeros()]));
  const resolved = zeros();
  for (const r of a.daily) {
    const i = dayIndex.get(r.day);
    if (i === undefined || !shown.has(r.queue)) continue;
    created.get(r.queue)![i]! += r.created;
    resolved[i]! += r.resolved;
  }
  const timingOf = new Map(a.timing.map((t) => [t.queue, t]));
  const backlogOf = new Map(a.backlog.map((b) => [b.queue, b]));
  const none = { count: 0, medianMs: null, p90Ms: null };
  const timing = l.queues.map((q) => {
    const t = timingOf.get(q.key);
    return {
      queue: q.key,
      name: q.name,
      claim: minutes(t?.claim ?? none),
      resolve: minutes(t?.resolve ?? none),
      claimLateRate: rate(t?.claimLate ?? 0, t?.claimTargets ?? 0),
      resolveLateRate: rate(t?.resolveLate ?? 0, t?.resolveTargets ?? 0),
      claimLate: t?.claimLate ?? 0,
      claimTargets: t?.claimTargets ?? 0,
      resolveLate: t?.resolveLate ?? 0,
      resolveTargets: t?.resolveTargets ?? 0,
    };
  });
  const backlogRows = l.queues.map((q) => {
    const b = backlogOf.get(q.key);
    const bands = [...(b?.bands ?? AGE_BANDS.map(() => 0))];
    return { queue: q.key, name: q.name, bands, total: bands.reduce((x, y) => x + y, 0), past: b?.past ?? 0 };
  });
  const series = l.queues.map((q) => ({ queue: q.key, name: q.name, counts: created.get(q.key)! }));
  return {
    period: l.period,
    queues: l.queues,
    daily: { created: series, resolved, createdTotal: l.period.days.map((_, i) => series.reduce((s, q) => s + q.counts[i]!, 0)) },
    timing,
    backlog: { bandLabels: AGE_BANDS.map((b) => b.label), rows: backlogRows },
    physician: {
      created: a.created,
      escalated: a.createdEscalated,
      share: rate(a.createdEscalated, a.created),
      resolvedWithoutPhysician: a.resolvedWithoutPhysician,
      minutesPerMessage: l.physicianMinutesPerMessage,
      // As the digest counts it: items resolved without a physician × the configured minutes each.
      minutesSaved: Math.round(a.resolvedWithoutPhysician * l.physicianMinutesPerMessage),
    },
    people: a.people
      .map((p) => ({ ...p, name: l.staffName(p.staff) }))
      .sort((x, y) => y.resolved + y.holding - (x.resolved + x.holding) || x.name.localeCompare(y.name)),
    totals: {
      created: a.created,
      resolved: a.resolved,
      open: backlogRows.reduce((s, r) => s + r.total, 0),
      pastTarget: backlogRows.reduce((s, r) => s + r.past, 0),
    },
  };
}
