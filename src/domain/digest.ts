import { formatDuration } from './card.ts';
import { AGE_BANDS, aggregateDigest, type DigestAggregates, type DurationStats } from './digest-aggregates.ts';
import { itemRef, type WorkItem } from './work-item.ts';
import { workloadOf, type Workload } from './workload.ts';

export { AGE_BANDS, percentile } from './digest-aggregates.ts';

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
  /** Open items each person holds now, by state, most loaded first; `open` (claimed + snoozed) is what auto-assignment caps. */
  workload: Workload[];
  escalation: { items: number; escalated: number; rate: number | null };
  oldest: Array<{ ref: string; itemId: string; queue: string; age: string; patientToken: string }>;
  physicianMinutesSaved: number;
  /** The console's dashboard for the digest's day (`BATON_PUBLIC_URL` set and the console on); a date is all it carries. */
  dashboardUrl?: string | undefined;
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

export type DigestLabels = Omit<DigestInput, 'items' | 'oldestCount'>;

function minutes(s: DurationStats): Percentiles {
  const m = (ms: number | null) => (ms === null ? null : ms / 60_000);
  return { count: s.count, medianMinutes: m(s.medianMs), p90Minutes: m(s.p90Ms) };
}

/** The digest from its numbers (computed by the store, or by aggregateDigest): names, labels, formatting. */
export function digestFromAggregates(a: DigestAggregates, input: DigestLabels): DigestModel {
  const t = input.now.getTime();
  const bandsOf = new Map(a.backlog.map((b) => [b.queue, b.bands]));
  const day = new Map(a.last24h.resolvedBy.map((p) => [p.staff, p.count]));
  const { created, createdEscalated } = a.last7d;
  return {
    at: input.now.toISOString(),
    organization: input.organization,
    backlog: input.queues.map((q) => {
      const bands = [...(bandsOf.get(q.key) ?? AGE_BANDS.map(() => 0))];
      return { queue: q.key, queueName: q.name, bands, total: bands.reduce((x, y) => x + y, 0) };
    }),
    bandLabels: AGE_BANDS.map((b) => b.label),
    pastSla: a.pastSla,
    timeToClaim: { last24h: minutes(a.last24h.claim), last7d: minutes(a.last7d.claim) },
    timeToResolve: { last24h: minutes(a.last24h.resolve), last7d: minutes(a.last7d.resolve) },
    resolvedPerPerson: a.last7d.resolvedBy
      .map((p) => ({ staff: p.staff, name: input.staffName(p.staff), last24h: day.get(p.staff) ?? 0, last7d: p.count }))
      .sort((x, y) => y.last7d - x.last7d || x.staff.localeCompare(y.staff)),
    workload: workloadOf(a.workload, input.staffName),
    escalation: { items: created, escalated: createdEscalated, rate: created ? createdEscalated / created : null },
    oldest: a.oldest.map((i) => ({ ref: itemRef(i), itemId: i.itemId, queue: i.queue, age: formatDuration(t - i.firstMessageAt.getTime()), patientToken: i.patientToken })),
    physicianMinutesSaved: Math.round(a.last7d.resolvedWithoutPhysician * input.physicianMinutesPerMessage),
  };
}

export function buildDigest(input: DigestInput): DigestModel {
  return digestFromAggregates(aggregateDigest(input.items, input.now, input.oldestCount ?? 5), input);
}
