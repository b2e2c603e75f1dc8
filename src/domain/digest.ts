import { formatDuration } from './card.ts';
import { itemRef, type WorkItem } from './work-item.ts';

/** Age bands of the open backlog, in hours (upper bounds; the last band is open-ended). */
export const AGE_BANDS = [
  { label: '< 4h', maxHours: 4 },
  { label: '4–24h', maxHours: 24 },
  { label: '1–3d', maxHours: 72 },
  { label: '> 3d', maxHours: Infinity },
] as const;

export interface Percentiles {
  count: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
}

/** A manager's daily digest: aggregates and item references only — never message text (DOMAIN.md §4.3 #14). */
export interface DigestModel {
  at: string;
  organization: string;
  backlog: Array<{ queue: string; queueName: string; bands: number[]; total: number }>;
  bandLabels: string[];
  pastSla: number;
  timeToClaim: { last24h: Percentiles; last7d: Percentiles };
  timeToResolve: { last24h: Percentiles; last7d: Percentiles };
  resolvedPerPerson: Array<{ staff: string; name: string; last24h: number; last7d: number }>;
  escalation: { items: number; escalated: number; rate: number | null };
  oldest: Array<{ ref: string; itemId: string; queue: string; age: string; patientToken: string }>;
  physicianMinutesSaved: number;
}

export interface DigestInput {
  /** Open items plus items created or resolved in the last 7 days. */
  items: WorkItem[];
  now: Date;
  organization: string;
  queues: Array<{ key: string; name: string }>;
  staffName: (key: string) => string;
  physicianMinutesPerMessage: number;
  oldestCount?: number;
}

/** Nearest-rank percentile: defined for any non-empty list, no interpolation surprises. */
export function percentile(sortedMinutes: number[], p: number): number | null {
  if (!sortedMinutes.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sortedMinutes.length));
  return sortedMinutes[rank - 1]!;
}

function stats(durationsMs: number[]): Percentiles {
  const m = durationsMs.map((d) => d / 60_000).sort((a, b) => a - b);
  return { count: m.length, medianMinutes: percentile(m, 50), p90Minutes: percentile(m, 90) };
}

const HOUR = 3_600_000;

export function buildDigest(input: DigestInput): DigestModel {
  const { items, now } = input;
  const t = now.getTime();
  const since = (ms: number) => (d: Date | null) => d !== null && d.getTime() > t - ms && d.getTime() <= t;
  const in24h = since(24 * HOUR);
  const in7d = since(7 * 24 * HOUR);
  const open = items.filter((i) => i.state !== 'RESOLVED' && i.createdAt.getTime() <= t);

  const backlog = input.queues.map((q) => {
    const bands = AGE_BANDS.map(() => 0);
    for (const i of open.filter((x) => x.queue === q.key)) {
      const hours = (t - i.firstMessageAt.getTime()) / HOUR;
      bands[AGE_BANDS.findIndex((b) => hours < b.maxHours)]! += 1;
    }
    return { queue: q.key, queueName: q.name, bands, total: bands.reduce((a, b) => a + b, 0) };
  });

  const deadlineOf = (i: WorkItem) => (i.state === 'OPEN' ? i.claimDueAt : i.state === 'SNOOZED' ? null : i.resolveDueAt);
  const pastSla = open.filter((i) => {
    const d = deadlineOf(i);
    return d !== null && d.getTime() < t;
  }).length;

  const claimTimes = (window: (d: Date | null) => boolean) => items.filter((i) => window(i.claimedAt)).map((i) => i.claimedAt!.getTime() - i.createdAt.getTime());
  const resolveTimes = (window: (d: Date | null) => boolean) =>
    items.filter((i) => i.state === 'RESOLVED' && window(i.resolvedAt)).map((i) => i.resolvedAt!.getTime() - i.createdAt.getTime());

  const people = new Map<string, { last24h: number; last7d: number }>();
  for (const i of items) {
    if (i.state !== 'RESOLVED' || !i.ownerId || !in7d(i.resolvedAt)) continue;
    const p = people.get(i.ownerId) ?? { last24h: 0, last7d: 0 };
    p.last7d++;
    if (in24h(i.resolvedAt)) p.last24h++;
    people.set(i.ownerId, p);
  }

  const recent = items.filter((i) => in7d(i.createdAt));
  const escalated = recent.filter((i) => i.everEscalated).length;
  const resolvedWithoutPhysician = items.filter((i) => i.state === 'RESOLVED' && !i.everEscalated && in7d(i.resolvedAt)).length;

  return {
    at: now.toISOString(),
    organization: input.organization,
    backlog,
    bandLabels: AGE_BANDS.map((b) => b.label),
    pastSla,
    timeToClaim: { last24h: stats(claimTimes(in24h)), last7d: stats(claimTimes(in7d)) },
    timeToResolve: { last24h: stats(resolveTimes(in24h)), last7d: stats(resolveTimes(in7d)) },
    resolvedPerPerson: [...people].map(([staff, c]) => ({ staff, name: input.staffName(staff), ...c })).sort((a, b) => b.last7d - a.last7d || a.staff.localeCompare(b.staff)),
    escalation: { items: recent.length, escalated, rate: recent.length ? escalated / recent.length : null },
    oldest: [...open]
      .sort((a, b) => a.firstMessageAt.getTime() - b.firstMessageAt.getTime())
      .slice(0, input.oldestCount ?? 5)
      .map((i) => ({ ref: itemRef(i), itemId: i.id, queue: i.queue, age: formatDuration(t - i.firstMessageAt.getTime()), patientToken: i.patientToken })),
    physicianMinutesSaved: Math.round(resolvedWithoutPhysician * input.physicianMinutesPerMessage),
  };
}
