import type { AuditRecord } from '../domain/audit.ts';
import { instantAtLocal, localDate } from '../domain/business-time.ts';
import { digestFromAggregates, type DigestModel } from '../domain/digest.ts';
import type { StaffMember } from '../domain/roster.ts';
import type { AppContext } from './context.ts';
import type { OutboxMessage } from './ports.ts';

const WEEK_MS = 7 * 24 * 3_600_000;
const OLDEST_COUNT = 5;

export interface DigestSettings {
  organization: string;
  timezone: string;
  physicianMinutesPerMessage: number;
  /** A digest missed at its time (Baton was down) still goes out this many minutes later, not after (default 240). */
  catchUpMinutes?: number;
  /** `BATON_PUBLIC_URL` when the console is on: each digest links to the console's dashboard for its day. */
  consoleUrl?: string | undefined;
}

/** The dashboard of the 30 days up to a digest's local date. Only a date in the address: no patient data. */
export const dashboardLink = (consoleUrl: string, date: string) => `${consoleUrl.replace(/\/$/, '')}/console/dashboard?to=${encodeURIComponent(date)}`;

const DEFAULT_CATCH_UP_MINUTES = 240;

export async function digestModel(ctx: AppContext, s: DigestSettings, now: Date): Promise<DigestModel> {
  // Aggregated by the store (in SQL for the database): the digest never reads the backlog itself.
  const aggregates = await ctx.store.digestAggregates(now, new Date(now.getTime() - WEEK_MS), OLDEST_COUNT);
  return digestFromAggregates(aggregates, {
    now,
    organization: s.organization,
    queues: ctx.roster.queues.map((q) => ({ key: q.key, name: q.name })),
    staffName: (k) => ctx.roster.member(k)?.name ?? k,
    physicianMinutesPerMessage: s.physicianMinutesPerMessage,
  });
}

/** Managers whose digest time has come today (their local date), with that date. */
export function dueManagers(ctx: AppContext, s: DigestSettings, now: Date, all = false): Array<{ manager: StaffMember; date: string }> {
  const out: Array<{ manager: StaffMember; date: string }> = [];
  for (const m of ctx.roster.managers()) {
    const zone = m.timezone ?? s.timezone;
    const today = localDate(now, zone);
    if (all) {
      out.push({ manager: m, date: today.date });
      continue;
    }
    if (!m.digest || !m.digest.days.includes(today.weekday)) continue;
    // Due from its time until the catch-up window closes: Baton started at 14:00 sends the 13:45
    // digest it missed, but one started in the evening does not send the morning's digest then.
    const at = instantAtLocal(today.date, m.digest.at, zone);
    const lateMs = now.getTime() - at.getTime();
    if (lateMs >= 0 && lateMs <= (s.catchUpMinutes ?? DEFAULT_CATCH_UP_MINUTES) * 60_000) out.push({ manager: m, date: today.date });
  }
  return out;
}

/**
 * Queues today's digest for each due manager on every platform. The dedupe key (manager and
 * local date) means a restarted scheduler, a second instance or a repeated CLI run never sends
 * the same manager two digests for one day.
 */
export async function sendDigests(ctx: AppContext, s: DigestSettings, now: Date, opts: { all?: boolean } = {}) {
  // The scheduler asks every minute: skip managers whose digest for today is already queued
  // before building the model, which reads the whole open backlog.
  const key = (platform: string, manager: string, date: string) => `digest:${platform}:${manager}:${date}`;
  const due: ReturnType<typeof dueManagers> = [];
  for (const d of dueManagers(ctx, s, now, opts.all)) {
    const done = await Promise.all(ctx.platforms.map((p) => ctx.store.outboxHas(key(p, d.manager.key, d.date))));
    if (!done.every(Boolean)) due.push(d);
  }
  if (!due.length) return { queued: 0, managers: [] as string[] };
  const model = await digestModel(ctx, s, now);
  let queued = 0;
  const managers: string[] = [];
  for (const { manager, date } of due) {
    const rows: OutboxMessage[] = ctx.platforms.map((platform) => ({
      dedupeKey: key(platform, manager.key, date),
      kind: 'digest',
      itemId: null,
      platform,
      payload: { to: manager.key, date, lane: `dm:${manager.key}`, digest: (s.consoleUrl ? { ...model, dashboardUrl: dashboardLink(s.consoleUrl, date) } : model) as unknown as Record<string, unknown> },
      nextAttemptAt: now,
    }));
    const added = await ctx.store.enqueue(rows);
    if (!added) continue;
    queued += added;
    managers.push(manager.key);
    const audit: AuditRecord = { itemId: null, actor: 'system', platform: 'scheduler', action: 'digest.queued', detail: { to: manager.key, date }, at: now };
    await ctx.store.appendAudit([audit]);
  }
  return { queued, managers };
}
