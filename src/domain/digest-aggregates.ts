import type { WorkItem } from './work-item.ts';
import type { WorkloadCount } from './workload.ts';

/** Age bands of the open backlog, in hours (upper bounds; the last band is open-ended). */
export const AGE_BANDS = [
  { label: '< 4h', maxHours: 4 },
  { label: '4–24h', maxHours: 24 },
  { label: '1–3d', maxHours: 72 },
  { label: '> 3d', maxHours: Infinity },
] as const;

const HOUR = 3_600_000;

/** Durations in milliseconds: how many, and their nearest-rank median and p90. */
export interface DurationStats {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

/** What happened in one window ending now (claims, resolutions, new items), counted by its time stamp. */
export interface DigestWindow {
  /** Claimed in the window: claimedAt − createdAt. */
  claim: DurationStats;
  /** Resolved in the window: resolvedAt − createdAt. */
  resolve: DurationStats;
  /** Items resolved in the window per owner (unowned ones left out), in no particular order. */
  resolvedBy: Array<{ staff: string; count: number }>;
  created: number;
  /** Of those created in the window, how many ever reached a physician. */
  createdEscalated: number;
  resolvedWithoutPhysician: number;
}

/**
 * The digest's numbers before names, labels and formatting: what the SQL store computes in the
 * database and `aggregateDigest` computes from items, so both give the same digest.
 */
export interface DigestAggregates {
  /** Open items per queue that has any, counted per AGE_BANDS band by first message. */
  backlog: Array<{ queue: string; bands: number[] }>;
  /** Open items past their current deadline (claim if OPEN, response if claimed or escalated; none while snoozed). */
  pastSla: number;
  last24h: DigestWindow;
  last7d: DigestWindow;
  /** The oldest open items by first message (ties by seq). */
  oldest: Array<{ itemId: string; seq: number; queue: string; firstMessageAt: Date; patientToken: string }>;
  /** Open items each person owns, per state (CLAIMED, SNOOZED, ESCALATED), sorted by staff key then state (code-unit order). */
  workload: WorkloadCount[];
}

const codeUnitOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Owned open items per owner and state; an escalation to the pool (no owner) is nobody's. */
export function workloadCounts(open: WorkItem[]): WorkloadCount[] {
  const by = new Map<string, WorkloadCount>();
  for (const i of open) {
    if (!i.ownerId || (i.state !== 'CLAIMED' && i.state !== 'SNOOZED' && i.state !== 'ESCALATED')) continue;
    const k = `${i.ownerId}\u0000${i.state}`;
    const c = by.get(k) ?? by.set(k, { staff: i.ownerId, state: i.state, count: 0 }).get(k)!;
    c.count++;
  }
  return [...by.values()].sort((a, b) => codeUnitOrder(a.staff, b.staff) || codeUnitOrder(a.state, b.state));
}

/** Nearest-rank percentile: defined for any non-empty list, no interpolation surprises (PostgreSQL's percentile_disc). */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function durationStats(ms: number[]): DurationStats {
  const m = [...ms].sort((a, b) => a - b);
  return { count: m.length, medianMs: percentile(m, 50), p90Ms: percentile(m, 90) };
}

/** Index into AGE_BANDS of an open item first written `ageMs` ago. */
export function ageBand(ageMs: number): number {
  const hours = ageMs / HOUR;
  return AGE_BANDS.findIndex((b) => hours < b.maxHours);
}

/** Deadline an open item is measured against now. */
export function currentDeadline(i: Pick<WorkItem, 'state' | 'claimDueAt' | 'resolveDueAt'>): Date | null {
  return i.state === 'OPEN' ? i.claimDueAt : i.state === 'SNOOZED' ? null : i.resolveDueAt;
}

function windowOf(items: WorkItem[], t: number, ms: number): DigestWindow {
  const within = (d: Date | null) => d !== null && d.getTime() > t - ms && d.getTime() <= t;
  const resolved = items.filter((i) => i.state === 'RESOLVED' && within(i.resolvedAt));
  const created = items.filter((i) => within(i.createdAt));
  const by = new Map<string, number>();
  for (const i of resolved) if (i.ownerId) by.set(i.ownerId, (by.get(i.ownerId) ?? 0) + 1);
  return {
    claim: durationStats(items.filter((i) => within(i.claimedAt)).map((i) => i.claimedAt!.getTime() - i.createdAt.getTime())),
    resolve: durationStats(resolved.map((i) => i.resolvedAt!.getTime() - i.createdAt.getTime())),
    resolvedBy: [...by].map(([staff, count]) => ({ staff, count })),
    created: created.length,
    createdEscalated: created.filter((i) => i.everEscalated).length,
    resolvedWithoutPhysician: resolved.filter((i) => !i.everEscalated).length,
  };
}

/** The digest's numbers from items: open items plus those created or resolved in the last 7 days. */
export function aggregateDigest(items: WorkItem[], now: Date, oldestCount = 5): DigestAggregates {
  const t = now.getTime();
  const open = items.filter((i) => i.state !== 'RESOLVED' && i.createdAt.getTime() <= t);
  const backlog = new Map<string, number[]>();
  for (const i of open) {
    const bands = backlog.get(i.queue) ?? AGE_BANDS.map(() => 0);
    bands[ageBand(t - i.firstMessageAt.getTime())]! += 1;
    backlog.set(i.queue, bands);
  }
  return {
    backlog: [...backlog].map(([queue, bands]) => ({ queue, bands })),
    pastSla: open.filter((i) => {
      const d = currentDeadline(i);
      return d !== null && d.getTime() < t;
    }).length,
    last24h: windowOf(items, t, 24 * HOUR),
    last7d: windowOf(items, t, 7 * 24 * HOUR),
    oldest: [...open]
      .sort((a, b) => a.firstMessageAt.getTime() - b.firstMessageAt.getTime() || a.seq - b.seq)
      .slice(0, oldestCount)
      .map((i) => ({ itemId: i.id, seq: i.seq, queue: i.queue, firstMessageAt: i.firstMessageAt, patientToken: i.patientToken })),
    workload: workloadCounts(open),
  };
}
