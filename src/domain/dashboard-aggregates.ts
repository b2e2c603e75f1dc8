import { localDate } from './business-time.ts';
import { ageBand, AGE_BANDS, currentDeadline, durationStats, type DurationStats } from './digest-aggregates.ts';
import type { WorkItem } from './work-item.ts';

/** One dashboard read: a period of whole local days, optionally some queues, and "now" for the backlog. */
export interface DashboardQuery {
  /** First instant of the period (inclusive). */
  from: Date;
  /** End of the period (exclusive): the end of its last day, or now when that is sooner. */
  to: Date;
  /** The backlog and the work people hold are counted as of now. */
  now: Date;
  /** Days are the organisation's local days. */
  timezone: string;
  /** Only these queues; null for all (including queues no longer on the roster). */
  queues: string[] | null;
}

/** How one queue's work went in the period. Late counts use the deadline stored on the item. */
export interface QueueTiming {
  queue: string;
  /** Items claimed in the period: claimedAt − createdAt. */
  claim: DurationStats;
  /** Items resolved in the period: resolvedAt − createdAt. */
  resolve: DurationStats;
  /** Of the claims, how many had a claim target, and how many came after it. */
  claimTargets: number;
  claimLate: number;
  resolveTargets: number;
  resolveLate: number;
}

/**
 * The dashboard's numbers before names and labels: what the SQL store computes in the database
 * and `aggregateDashboard` computes from items, so both give the same page.
 */
export interface DashboardAggregates {
  /** Per local day and queue with any: items created, and items resolved (and still resolved). */
  daily: Array<{ day: string; queue: string; created: number; resolved: number }>;
  /** Per queue with a claim or a resolution in the period. */
  timing: QueueTiming[];
  /** Open items now per queue that has any, by AGE_BANDS band of first message, and how many are past their current deadline. */
  backlog: Array<{ queue: string; bands: number[]; past: number }>;
  created: number;
  /** Of those created in the period, how many ever reached a physician. */
  createdEscalated: number;
  resolved: number;
  resolvedWithoutPhysician: number;
  /** Per person: resolutions in the period (as owner), and open items they hold now. Unowned work is left out. */
  people: Array<{ staff: string; resolved: number; holding: number }>;
}

const OPEN_STATES = new Set(['OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED']);

/** The dashboard's numbers from items (the in-memory store's way; the SQL store's must match it). */
export function aggregateDashboard(items: readonly WorkItem[], q: DashboardQuery): DashboardAggregates {
  const inQueue = (i: WorkItem) => q.queues === null || q.queues.includes(i.queue);
  const within = (d: Date | null) => d !== null && d >= q.from && d < q.to;
  const mine = items.filter(inQueue);
  const created = mine.filter((i) => within(i.createdAt));
  const resolved = mine.filter((i) => i.state === 'RESOLVED' && within(i.resolvedAt));
  const claimed = mine.filter((i) => within(i.claimedAt));

  const daily = new Map<string, { day: string; queue: string; created: number; resolved: number }>();
  const dayRow = (at: Date, queue: string) => {
    const day = localDate(at, q.timezone).date;
    const k = `${day}|${queue}`;
    const row = daily.get(k) ?? { day, queue, created: 0, resolved: 0 };
    daily.set(k, row);
    return row;
  };
  for (const i of created) dayRow(i.createdAt, i.queue).created++;
  for (const i of resolved) dayRow(i.resolvedAt!, i.queue).resolved++;

  const timing = new Map<string, { claims: WorkItem[]; resolutions: WorkItem[] }>();
  const slot = (queue: string) => timing.get(queue) ?? timing.set(queue, { claims: [], resolutions: [] }).get(queue)!;
  for (const i of claimed) slot(i.queue).claims.push(i);
  for (const i of resolved) slot(i.queue).resolutions.push(i);

  const open = mine.filter((i) => OPEN_STATES.has(i.state) && i.createdAt <= q.now);
  const backlog = new Map<string, { queue: string; bands: number[]; past: number }>();
  for (const i of open) {
    const row = backlog.get(i.queue) ?? { queue: i.queue, bands: AGE_BANDS.map(() => 0), past: 0 };
    row.bands[ageBand(q.now.getTime() - i.firstMessageAt.getTime())]! += 1;
    const d = currentDeadline(i);
    if (d !== null && d < q.now) row.past++;
    backlog.set(i.queue, row);
  }

  const people = new Map<string, { staff: string; resolved: number; holding: number }>();
  const person = (k: string) => people.get(k) ?? people.set(k, { staff: k, resolved: 0, holding: 0 }).get(k)!;
  for (const i of resolved) if (i.ownerId) person(i.ownerId).resolved++;
  for (const i of open) if (i.ownerId) person(i.ownerId).holding++;

  const late = (xs: WorkItem[], due: (i: WorkItem) => Date | null, done: (i: WorkItem) => Date) => ({
    targets: xs.filter((i) => due(i) !== null).length,
    late: xs.filter((i) => due(i) !== null && done(i) > due(i)!).length,
  });
  return {
    daily: [...daily.values()],
    timing: [...timing].map(([queue, t]) => {
      const c = late(t.claims, (i) => i.claimDueAt, (i) => i.claimedAt!);
      const r = late(t.resolutions, (i) => i.resolveDueAt, (i) => i.resolvedAt!);
      return {
        queue,
        claim: durationStats(t.claims.map((i) => i.claimedAt!.getTime() - i.createdAt.getTime())),
        resolve: durationStats(t.resolutions.map((i) => i.resolvedAt!.getTime() - i.createdAt.getTime())),
        claimTargets: c.targets,
        claimLate: c.late,
        resolveTargets: r.targets,
        resolveLate: r.late,
      };
    }),
    backlog: [...backlog.values()],
    created: created.length,
    createdEscalated: created.filter((i) => i.everEscalated).length,
    resolved: resolved.length,
    resolvedWithoutPhysician: resolved.filter((i) => !i.everEscalated).length,
    people: [...people.values()],
  };
}
