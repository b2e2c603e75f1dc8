import { AGE_BANDS, type DigestAggregates, type DigestWindow } from '../domain/digest-aggregates.ts';
import { Prisma } from './generated/client.ts';

const HOUR = 3_600_000;

/** Open states spelled out (not `<> 'RESOLVED'`) so the (state, queue, createdAt) index finds the open backlog. */
const OPEN = Prisma.sql`state IN ('OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED')`;

/**
 * Open items per queue and age band, with how many are past their current deadline. The band
 * bounds are instants computed once (first message later than now − 4h is under 4h old, …).
 */
export function backlogSql(now: Date) {
  const bounds = AGE_BANDS.filter((b) => Number.isFinite(b.maxHours)).map((b) => new Date(now.getTime() - b.maxHours * HOUR));
  const band = Prisma.sql`CASE ${Prisma.join(bounds.map((at, i) => Prisma.sql`WHEN "firstMessageAt" > ${at} THEN ${i}::int`), ' ')} ELSE ${bounds.length}::int END`;
  return Prisma.sql`
    SELECT queue, band, count(*)::int AS n, (count(*) FILTER (WHERE deadline < ${now}))::int AS past
    FROM (SELECT queue, ${band} AS band,
            CASE state WHEN 'OPEN' THEN "claimDueAt" WHEN 'SNOOZED' THEN NULL ELSE "resolveDueAt" END AS deadline
          FROM "WorkItem" WHERE ${OPEN} AND "createdAt" <= ${now}) o
    GROUP BY queue, band`;
}

/** Open items per owner and state, ordered as `workloadCounts` orders them (byte order, not the database's collation). */
export function workloadSql(now: Date) {
  return Prisma.sql`
    SELECT "ownerId" AS staff, state::text AS state, count(*)::int AS count FROM "WorkItem"
    WHERE state IN ('CLAIMED', 'SNOOZED', 'ESCALATED') AND "createdAt" <= ${now} AND "ownerId" IS NOT NULL AND "ownerId" <> ''
    GROUP BY "ownerId", state ORDER BY "ownerId" COLLATE "C", state::text COLLATE "C"`;
}

export function oldestSql(now: Date, limit: number) {
  return Prisma.sql`
    SELECT id AS "itemId", seq, queue, "firstMessageAt", "patientToken" FROM "WorkItem"
    WHERE ${OPEN} AND "createdAt" <= ${now} ORDER BY "firstMessageAt", seq LIMIT ${limit}`;
}

/**
 * One window (`from`, `to`]: claim and resolve times with percentile_disc (nearest rank, as
 * `percentile` in the domain), resolutions per owner, new items and their escalations. Each part
 * finds its rows by its own time stamp's index. `since` keeps the set the JS digest reads (open,
 * or created or resolved since then), so a claim on an item resolved before it counts the same.
 */
export function windowSql(from: Date, to: Date, since: Date) {
  const read = Prisma.sql`(state <> 'RESOLVED' OR "createdAt" >= ${since} OR "resolvedAt" >= ${since})`;
  const ms = (end: string) => Prisma.sql`(extract(epoch FROM ${Prisma.raw(`"${end}"`)} - "createdAt") * 1000)::float8`;
  const pct = (p: number) => Prisma.sql`percentile_disc(${Prisma.raw(String(p))}::float8) WITHIN GROUP (ORDER BY ms)`;
  return Prisma.sql`
    WITH claimed AS (
      SELECT ${ms('claimedAt')} AS ms FROM "WorkItem" WHERE "claimedAt" > ${from} AND "claimedAt" <= ${to} AND ${read}
    ), resolved AS (
      SELECT "ownerId", "everEscalated", ${ms('resolvedAt')} AS ms FROM "WorkItem"
      WHERE state = 'RESOLVED' AND "resolvedAt" > ${from} AND "resolvedAt" <= ${to} AND ${read}
    )
    SELECT c.*, r.*, e.*, p.*
    FROM (SELECT count(*)::int AS "claimCount", ${pct(0.5)} AS "claimMedianMs", ${pct(0.9)} AS "claimP90Ms" FROM claimed) c,
      (SELECT count(*)::int AS "resolveCount", ${pct(0.5)} AS "resolveMedianMs", ${pct(0.9)} AS "resolveP90Ms",
         (count(*) FILTER (WHERE NOT "everEscalated"))::int AS "withoutPhysician" FROM resolved) r,
      (SELECT count(*)::int AS created, (count(*) FILTER (WHERE "everEscalated"))::int AS "createdEscalated"
         FROM "WorkItem" WHERE "createdAt" > ${from} AND "createdAt" <= ${to} AND ${read}) e,
      (SELECT coalesce(json_agg(json_build_object('staff', "ownerId", 'count', n)), '[]'::json) AS "resolvedBy"
         FROM (SELECT "ownerId", count(*)::int AS n FROM resolved WHERE "ownerId" <> '' GROUP BY "ownerId") o) p`;
}

export interface BacklogRow { queue: string; band: number; n: number; past: number }
export interface WindowRow {
  claimCount: number; claimMedianMs: number | null; claimP90Ms: number | null;
  resolveCount: number; resolveMedianMs: number | null; resolveP90Ms: number | null; withoutPhysician: number;
  created: number; createdEscalated: number; resolvedBy: string | Array<{ staff: string; count: number }>;
}

export function toWindow(r: WindowRow): DigestWindow {
  return {
    claim: { count: r.claimCount, medianMs: r.claimMedianMs, p90Ms: r.claimP90Ms },
    resolve: { count: r.resolveCount, medianMs: r.resolveMedianMs, p90Ms: r.resolveP90Ms },
    // A driver may hand json back as text.
    resolvedBy: typeof r.resolvedBy === 'string' ? JSON.parse(r.resolvedBy) : r.resolvedBy,
    created: r.created,
    createdEscalated: r.createdEscalated,
    resolvedWithoutPhysician: r.withoutPhysician,
  };
}

export function toBacklog(rows: BacklogRow[]): Pick<DigestAggregates, 'backlog' | 'pastSla'> {
  const byQueue = new Map<string, number[]>();
  let pastSla = 0;
  for (const r of rows) {
    const bands = byQueue.get(r.queue) ?? AGE_BANDS.map(() => 0);
    bands[r.band] = r.n;
    byQueue.set(r.queue, bands);
    pastSla += r.past;
  }
  return { backlog: [...byQueue].map(([queue, bands]) => ({ queue, bands })), pastSla };
}
