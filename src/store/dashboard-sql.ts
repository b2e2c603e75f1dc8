import { instantAtLocal, localDate } from '../domain/business-time.ts';
import { AGE_BANDS } from '../domain/digest-aggregates.ts';
import type { DashboardAggregates, DashboardQuery, QueueTiming } from '../domain/dashboard-aggregates.ts';
import { Prisma } from './generated/client.ts';

const HOUR = 3_600_000;
const OPEN = Prisma.sql`state IN ('OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED')`;

/** The queue filter as SQL: nothing for every queue, an IN list otherwise (an empty list matches nothing). */
function queues(q: DashboardQuery) {
  if (q.queues === null) return Prisma.empty;
  return q.queues.length ? Prisma.sql`AND queue IN (${Prisma.join(q.queues)})` : Prisma.sql`AND false`;
}

/**
 * Each part finds its rows by the index of the time stamp it counts (createdAt, claimedAt,
 * resolvedAt: the digest's indexes), so a month costs that month's rows however long the
 * history is.
 */
const ms = (end: string) => Prisma.sql`(extract(epoch FROM ${Prisma.raw(`"${end}"`)} - "createdAt") * 1000)::float8`;
const pct = (p: number) => Prisma.sql`percentile_disc(${Prisma.raw(String(p))}::float8) WITHIN GROUP (ORDER BY ms)`;

/**
 * The local days of a query: each day's first instant (local midnight, DST-correct), from the
 * day `from` falls on to the first midnight at or after `to`. Rows are put in their day by
 * `width_bucket` over these instants, a binary search, rather than by converting every row's
 * time stamp to local time (which cost most of the daily read at a million items).
 */
export function dayBounds(q: Pick<DashboardQuery, 'from' | 'to' | 'timezone'>): { days: string[]; bounds: Date[] } {
  const days: string[] = [];
  const bounds: Date[] = [];
  let day = localDate(q.from, q.timezone).date;
  for (;;) {
    const at = instantAtLocal(day, '00:00', q.timezone);
    bounds.push(at);
    if (at >= q.to) break;
    days.push(day);
    day = localDate(instantAtLocal(day, '24:00', q.timezone), q.timezone).date;
  }
  return { days, bounds };
}

export function dailySql(q: DashboardQuery) {
  const { bounds } = dayBounds(q);
  const bucket = (col: string) => Prisma.sql`width_bucket(${Prisma.raw(`"${col}"`)}, ARRAY[${Prisma.join(bounds)}]::timestamp[])`;
  return Prisma.sql`
    SELECT day, queue, sum(created)::int AS created, sum(resolved)::int AS resolved FROM (
      SELECT ${bucket('createdAt')} AS day, queue, count(*) AS created, 0 AS resolved FROM "WorkItem"
      WHERE "createdAt" >= ${q.from} AND "createdAt" < ${q.to} ${queues(q)} GROUP BY 1, 2
      UNION ALL
      SELECT ${bucket('resolvedAt')}, queue, 0, count(*) FROM "WorkItem"
      WHERE state = 'RESOLVED' AND "resolvedAt" >= ${q.from} AND "resolvedAt" < ${q.to} ${queues(q)} GROUP BY 1, 2
    ) d GROUP BY day, queue`;
}

/** `width_bucket` numbers the day whose midnight is at or before the row's time 1, 2, …: back to dates. */
export function toDaily(rows: Array<{ day: number; queue: string; created: number; resolved: number }>, q: DashboardQuery): DashboardAggregates['daily'] {
  const { days } = dayBounds(q);
  return rows.map((r) => ({ ...r, day: days[r.day - 1]! }));
}

export function timingSql(q: DashboardQuery) {
  const stats = (from: string) => Prisma.sql`
    SELECT queue, count(*)::int AS n, ${pct(0.5)} AS p50, ${pct(0.9)} AS p90,
      (count(*) FILTER (WHERE targeted))::int AS targets, (count(*) FILTER (WHERE late))::int AS late
    FROM ${Prisma.raw(from)} GROUP BY queue`;
  return Prisma.sql`
    WITH claimed AS (
      SELECT queue, ${ms('claimedAt')} AS ms, "claimDueAt" IS NOT NULL AS targeted, "claimedAt" > "claimDueAt" AS late FROM "WorkItem"
      WHERE "claimedAt" >= ${q.from} AND "claimedAt" < ${q.to} ${queues(q)}
    ), resolved AS (
      SELECT queue, ${ms('resolvedAt')} AS ms, "resolveDueAt" IS NOT NULL AS targeted, "resolvedAt" > "resolveDueAt" AS late FROM "WorkItem"
      WHERE state = 'RESOLVED' AND "resolvedAt" >= ${q.from} AND "resolvedAt" < ${q.to} ${queues(q)}
    ), c AS (${stats('claimed')}), r AS (${stats('resolved')})
    SELECT coalesce(c.queue, r.queue) AS queue,
      coalesce(c.n, 0) AS "claimCount", c.p50 AS "claimMedianMs", c.p90 AS "claimP90Ms", coalesce(c.targets, 0) AS "claimTargets", coalesce(c.late, 0) AS "claimLate",
      coalesce(r.n, 0) AS "resolveCount", r.p50 AS "resolveMedianMs", r.p90 AS "resolveP90Ms", coalesce(r.targets, 0) AS "resolveTargets", coalesce(r.late, 0) AS "resolveLate"
    FROM c FULL JOIN r ON c.queue = r.queue`;
}

export function backlogSql(q: DashboardQuery) {
  const bounds = AGE_BANDS.filter((b) => Number.isFinite(b.maxHours)).map((b) => new Date(q.now.getTime() - b.maxHours * HOUR));
  const band = Prisma.sql`CASE ${Prisma.join(bounds.map((at, i) => Prisma.sql`WHEN "firstMessageAt" > ${at} THEN ${i}::int`), ' ')} ELSE ${bounds.length}::int END`;
  return Prisma.sql`
    SELECT queue, band, count(*)::int AS n, (count(*) FILTER (WHERE deadline < ${q.now}))::int AS past
    FROM (SELECT queue, ${band} AS band,
            CASE state WHEN 'OPEN' THEN "claimDueAt" WHEN 'SNOOZED' THEN NULL ELSE "resolveDueAt" END AS deadline
          FROM "WorkItem" WHERE ${OPEN} AND "createdAt" <= ${q.now} ${queues(q)}) o
    GROUP BY queue, band`;
}

export function totalsSql(q: DashboardQuery) {
  const created = Prisma.sql`"createdAt" >= ${q.from} AND "createdAt" < ${q.to}`;
  const resolved = Prisma.sql`state = 'RESOLVED' AND "resolvedAt" >= ${q.from} AND "resolvedAt" < ${q.to}`;
  return Prisma.sql`
    SELECT (count(*) FILTER (WHERE ${created}))::int AS created, (count(*) FILTER (WHERE ${created} AND "everEscalated"))::int AS "createdEscalated",
      (count(*) FILTER (WHERE ${resolved}))::int AS resolved, (count(*) FILTER (WHERE ${resolved} AND NOT "everEscalated"))::int AS "resolvedWithoutPhysician"
    FROM "WorkItem" WHERE ((${created}) OR (${resolved})) ${queues(q)}`;
}

export function peopleSql(q: DashboardQuery) {
  return Prisma.sql`
    SELECT staff, sum(resolved)::int AS resolved, sum(holding)::int AS holding FROM (
      SELECT "ownerId" AS staff, count(*) AS resolved, 0 AS holding FROM "WorkItem"
      WHERE state = 'RESOLVED' AND "resolvedAt" >= ${q.from} AND "resolvedAt" < ${q.to} AND "ownerId" <> '' ${queues(q)} GROUP BY 1
      UNION ALL
      SELECT "ownerId", 0, count(*) FROM "WorkItem" WHERE ${OPEN} AND "createdAt" <= ${q.now} AND "ownerId" <> '' ${queues(q)} GROUP BY 1
    ) p GROUP BY staff`;
}

export interface TimingRow {
  queue: string;
  claimCount: number; claimMedianMs: number | null; claimP90Ms: number | null; claimTargets: number; claimLate: number;
  resolveCount: number; resolveMedianMs: number | null; resolveP90Ms: number | null; resolveTargets: number; resolveLate: number;
}
export interface BacklogBandRow { queue: string; band: number; n: number; past: number }
export type TotalsRow = Pick<DashboardAggregates, 'created' | 'createdEscalated' | 'resolved' | 'resolvedWithoutPhysician'>;

export function toTiming(r: TimingRow): QueueTiming {
  return {
    queue: r.queue,
    claim: { count: r.claimCount, medianMs: r.claimMedianMs, p90Ms: r.claimP90Ms },
    resolve: { count: r.resolveCount, medianMs: r.resolveMedianMs, p90Ms: r.resolveP90Ms },
    claimTargets: r.claimTargets,
    claimLate: r.claimLate,
    resolveTargets: r.resolveTargets,
    resolveLate: r.resolveLate,
  };
}

export function toBacklogRows(rows: BacklogBandRow[]): DashboardAggregates['backlog'] {
  const byQueue = new Map<string, { queue: string; bands: number[]; past: number }>();
  for (const r of rows) {
    const row = byQueue.get(r.queue) ?? { queue: r.queue, bands: AGE_BANDS.map(() => 0), past: 0 };
    row.bands[r.band] = r.n;
    row.past += r.past;
    byQueue.set(r.queue, row);
  }
  return [...byQueue.values()];
}
