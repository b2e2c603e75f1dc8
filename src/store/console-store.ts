import type { ConsoleLogin, ConsoleSession, ConsoleStore, SessionLookup } from '../app/console-ports.ts';
import type { AuditHit, AuditQuery } from '../domain/audit-search.ts';
import type { DashboardAggregates, DashboardQuery } from '../domain/dashboard-aggregates.ts';
import { Prisma, type PrismaClient, type WorkItem as WorkItemRow } from './generated/client.ts';
import type { HotSql } from './hot-sql.ts';
import { backlogSql, dailySql, peopleSql, timingSql, toBacklogRows, toDaily, toTiming, totalsSql, type BacklogBandRow, type TimingRow, type TotalsRow } from './dashboard-sql.ts';
import { toAudit, toItem } from './mappers.ts';

type AuditRow = Parameters<typeof toAudit>[0] & { itemSeq: number | null; itemQueue: string | null };

/** One page of the audit search: each filter is an index's prefix (item, actor or action with id; at). */
export function auditSearchSql(q: AuditQuery) {
  const where: Prisma.Sql[] = [];
  if (q.beforeId !== undefined) where.push(Prisma.sql`a.id < ${q.beforeId}`);
  if (q.itemSeq !== undefined) where.push(Prisma.sql`a."itemId" = (SELECT id FROM "WorkItem" WHERE seq = ${q.itemSeq})`);
  if (q.actor !== undefined) where.push(Prisma.sql`a.actor = ${q.actor}`);
  if (q.action !== undefined) where.push(Prisma.sql`a.action = ${q.action}`);
  if (q.from) where.push(Prisma.sql`a.at >= ${q.from}`);
  if (q.to) where.push(Prisma.sql`a.at < ${q.to}`);
  if (q.queues !== null) where.push(q.queues.length ? Prisma.sql`w.queue IN (${Prisma.join(q.queues)})` : Prisma.sql`false`);
  return Prisma.sql`
    SELECT a.*, w.seq AS "itemSeq", w.queue AS "itemQueue"
    FROM "AuditEvent" a LEFT JOIN "WorkItem" w ON w.id = a."itemId"
    ${where.length ? Prisma.sql`WHERE ${Prisma.join(where, ' AND ')}` : Prisma.empty}
    ORDER BY a.id DESC LIMIT ${q.limit}`;
}

/** The console's part of the Store port on PGlite and PostgreSQL (PrismaStore delegates to it). */
export class SqlConsoleStore implements ConsoleStore {
  constructor(
    private readonly db: PrismaClient,
    private readonly hot: HotSql,
  ) {}

  async dashboardAggregates(q: DashboardQuery): Promise<DashboardAggregates> {
    const [daily, timing, backlog, totals, people] = await Promise.all([
      this.db.$queryRaw<Parameters<typeof toDaily>[0]>(dailySql(q)),
      this.db.$queryRaw<TimingRow[]>(timingSql(q)),
      this.db.$queryRaw<BacklogBandRow[]>(backlogSql(q)),
      this.db.$queryRaw<TotalsRow[]>(totalsSql(q)),
      this.db.$queryRaw<DashboardAggregates['people']>(peopleSql(q)),
    ]);
    return { daily: toDaily(daily, q), timing: timing.map(toTiming), backlog: toBacklogRows(backlog), ...totals[0]!, people };
  }

  async searchAudit(q: AuditQuery): Promise<AuditHit[]> {
    const rows = await this.hot.rows<AuditRow>(auditSearchSql(q));
    return rows.map((r) => ({ ...toAudit(r), id: BigInt(r.id), itemSeq: r.itemSeq, itemQueue: r.itemQueue }));
  }

  async findItemBySeq(seq: number) {
    const rows = await this.hot.rows<WorkItemRow>(Prisma.sql`SELECT * FROM "WorkItem" WHERE seq = ${seq}`);
    return rows[0] ? toItem(rows[0]) : null;
  }

  async saveConsoleLogin(l: ConsoleLogin) {
    await this.db.consoleLogin.deleteMany({ where: { expiresAt: { lt: l.createdAt } } });
    await this.db.consoleLogin.create({ data: l });
  }

  async takeConsoleLogin(id: string, now: Date) {
    const rows = await this.hot.rows<ConsoleLogin>(Prisma.sql`DELETE FROM "ConsoleLogin" WHERE id = ${id} RETURNING *`);
    const l = rows[0];
    return l && l.expiresAt > now ? l : null;
  }

  async createConsoleSession(s: ConsoleSession) {
    // Sessions that ended over a day ago are of no further use: the audit trail keeps the sign-ins and sign-outs.
    await this.db.consoleSession.deleteMany({ where: { expiresAt: { lt: new Date(s.createdAt.getTime() - 24 * 3_600_000) } } });
    await this.db.consoleSession.create({ data: s });
  }

  async touchConsoleSession(id: string, now: Date, idleMs: number): Promise<SessionLookup> {
    const idleSince = new Date(now.getTime() - idleMs);
    const [active] = await this.hot.rows<ConsoleSession>(Prisma.sql`
      UPDATE "ConsoleSession" SET "lastSeenAt" = ${now}
      WHERE id = ${id} AND "endedAt" IS NULL AND "lastSeenAt" > ${idleSince} AND "expiresAt" > ${now} RETURNING *`);
    if (active) return { status: 'active', session: active };
    // Not usable: end it here, once (a concurrent request on another instance finds it ended).
    const [ended] = await this.hot.rows<ConsoleSession>(Prisma.sql`
      UPDATE "ConsoleSession" SET "endedAt" = ${now}, "endReason" = CASE WHEN "expiresAt" <= ${now} THEN 'expired' ELSE 'idle' END
      WHERE id = ${id} AND "endedAt" IS NULL RETURNING *`);
    if (ended) return { status: 'ended', session: ended, justNow: true };
    const [old] = await this.hot.rows<ConsoleSession>(Prisma.sql`SELECT * FROM "ConsoleSession" WHERE id = ${id}`);
    return old ? { status: 'ended', session: old, justNow: false } : { status: 'unknown' };
  }

  async endConsoleSession(id: string, now: Date, reason: string) {
    const [ended] = await this.hot.rows<ConsoleSession>(Prisma.sql`
      UPDATE "ConsoleSession" SET "endedAt" = ${now}, "endReason" = ${reason} WHERE id = ${id} AND "endedAt" IS NULL RETURNING *`);
    return ended ?? null;
  }
}
