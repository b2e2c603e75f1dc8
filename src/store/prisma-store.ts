import type { AuditRecord } from '../domain/audit.ts';
import type { AwayPeriod } from '../domain/availability.ts';
import type { DigestAggregates } from '../domain/digest-aggregates.ts';
import type { ItemPatch, ItemState, WorkItem } from '../domain/work-item.ts';
import type { CappedAssignment, CappedOutcome, IngestOutcome, IngestTx, IngestWrite, ItemQuery, OutboxMessage, OutboxRow, OwnedCount, PlannedChange, PlatformPostRef, Store, Transition, TransitionOutcome } from '../app/ports.ts';
import type { Database } from './database.ts';
import { Prisma, type PrismaClient, type WorkItem as WorkItemRow } from './generated/client.ts';
import type { HotSql } from './hot-sql.ts';
import { insertAuditSql, insertMessageSql, insertNewItemSql, transitionOrCurrentSql, transitionSql } from './ingest-sql.ts';
import { messageItemSql, SqlIngestTx } from './ingest-tx.ts';
import { backlogSql, oldestSql, toBacklog, toWindow, windowSql, workloadSql, type BacklogRow, type WindowRow } from './digest-sql.ts';
import { applyTransitionsSql, dueItemsSql } from './sweep-sql.ts';
import { cursorsSql, cursorUpsertSql, lockAssigneeSql, nextOpenSql, openCountSql, openItemsSql, ownedCountsSql } from './assign-sql.ts';
import { takeOutboxSql, type OutboxRecord } from './outbox-sql.ts';
import { outboxData, toAudit, toItem, toMessage, toOutboxRow } from './mappers.ts';
import { isTransientConflict, isUniqueViolation } from './store-errors.ts';
import { awayPeriodsSql, dueAwayStartsSql, endAwaySql, markAwayStartedSql, saveAwaySql } from './away-sql.ts';
import { SqlConsoleStore } from './console-store.ts';
import type { ConsoleLogin, ConsoleSession } from '../app/console-ports.ts';
import type { AuditQuery } from '../domain/audit-search.ts';
import type { DashboardQuery } from '../domain/dashboard-aggregates.ts';

/** The database as the store needs it: Prisma for the cold paths, the driver directly for the hot ones (hot-sql.ts). */
export type StoreDatabase = Pick<Database, 'prisma' | 'hot'>;

export class PrismaStore implements Store {
  private readonly db: PrismaClient;
  private readonly hot: HotSql;
  private readonly consoleSql: SqlConsoleStore;
  constructor(database: StoreDatabase) {
    this.db = database.prisma;
    this.hot = database.hot;
    this.consoleSql = new SqlConsoleStore(database.prisma, database.hot);
  }

  // The console's reads and sessions (console-store.ts).
  dashboardAggregates(q: DashboardQuery) { return this.consoleSql.dashboardAggregates(q); }
  searchAudit(q: AuditQuery) { return this.consoleSql.searchAudit(q); }
  findItemBySeq(seq: number) { return this.consoleSql.findItemBySeq(seq); }
  saveConsoleLogin(l: ConsoleLogin) { return this.consoleSql.saveConsoleLogin(l); }
  takeConsoleLogin(id: string, now: Date) { return this.consoleSql.takeConsoleLogin(id, now); }
  createConsoleSession(s: ConsoleSession) { return this.consoleSql.createConsoleSession(s); }
  touchConsoleSession(id: string, now: Date, idleMs: number) { return this.consoleSql.touchConsoleSession(id, now, idleMs); }
  endConsoleSession(id: string, now: Date, reason: string) { return this.consoleSql.endConsoleSession(id, now, reason); }

  // The hot paths (ingestion, clicks, the outbox) go to the driver directly (hot-sql.ts): Prisma
  // costs a few milliseconds per query, several times the database's own work here.
  async findMessageItem(source: string, externalId: string) {
    const rows = await this.hot.rows<WorkItemRow>(messageItemSql(source, externalId));
    return rows[0] ? toItem(rows[0]) : null;
  }

  async findItem(id: string) {
    const rows = await this.hot.rows<WorkItemRow>(Prisma.sql`SELECT * FROM "WorkItem" WHERE id = ${id}`);
    return rows[0] ? toItem(rows[0]) : null;
  }

  async findItemByThread(threadKey: string) {
    const rows = await this.hot.rows<WorkItemRow>(Prisma.sql`SELECT * FROM "WorkItem" WHERE "threadKey" = ${threadKey}`);
    return rows[0] ? toItem(rows[0]) : null;
  }

  async findThreadOfResource(source: string, resourceId: string) {
    const m = await this.db.portalMessage.findFirst({ where: { source, resourceId }, select: { threadKey: true } });
    return m?.threadKey ?? null;
  }

  async listItems(q: ItemQuery) {
    // The sweep's read, every minute: plain SQL (Prisma's model query costs more than the read itself).
    if (q.dueBefore && q.states && q.queue === undefined && q.ownerId === undefined) {
      const rows = await this.hot.rows<WorkItemRow>(dueItemsSql(q.states, q.dueBefore, q.limit ?? 200));
      return rows.map(toItem);
    }
    // dueBefore uses the nextReminderAt index: a sweep costs what is due, not what is open.
    const rows = await this.db.workItem.findMany({
      where: { state: q.states ? { in: q.states } : undefined, queue: q.queue, ownerId: q.ownerId, nextReminderAt: q.dueBefore ? { lte: q.dueBefore } : undefined },
      orderBy: q.dueBefore ? { nextReminderAt: 'asc' } : { createdAt: 'asc' },
      take: q.limit ?? 200,
    });
    return rows.map(toItem);
  }

  async countByQueueAndState() {
    const rows = await this.db.workItem.groupBy({ by: ['queue', 'state'], _count: { _all: true } });
    return rows.map((r) => ({ queue: r.queue, state: r.state as ItemState, count: r._count._all }));
  }

  async messagesOf(itemId: string) {
    const rows = await this.db.portalMessage.findMany({ where: { itemId }, orderBy: { sentAt: 'asc' } });
    return rows.map(toMessage);
  }

  async auditOf(itemId: string) {
    const rows = await this.db.auditEvent.findMany({ where: { itemId }, orderBy: { id: 'asc' } });
    return rows.map(toAudit);
  }

  async saveIngest(w: IngestWrite): Promise<IngestOutcome> {
    const now = w.message.receivedAt;
    try {
      if (w.kind === 'new') {
        const rows = await this.hot.rows<WorkItemRow>(insertNewItemSql(w.item, w.message, w.audit, w.outbox, now));
        return { status: 'stored', item: toItem(rows[0]!) };
      }
      const item = await this.hot.transaction(async (tx) => {
        // The update, its audit and outbox rows as one statement; nothing when the version moved on.
        const [row] = await tx.rows<WorkItemRow>(transitionSql(w.itemId, w.expectedVersion, w.patch, w.audit, w.outbox, now));
        if (row) await tx.rows(insertMessageSql(w.message));
        return row;
      });
      return item ? { status: 'stored', item: toItem(item) } : { status: 'conflict' };
    } catch (e) {
      if (isUniqueViolation(e)) {
        const dup = await this.findMessageItem(w.message.source, w.message.externalId);
        return dup ? { status: 'duplicate' } : { status: 'conflict' };
      }
      throw e;
    }
  }

  async ingestAtomically<T>(fn: (tx: IngestTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        // Requests queue for a connection (PostgreSQL) or the single session (PGlite) while others hold a thread's lock.
        return await this.hot.transaction((tx) => fn(new SqlIngestTx(tx)));
      } catch (e) {
        if (attempt >= 5 || !isTransientConflict(e)) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  async applyTransition(itemId: string, expectedVersion: number, patch: ItemPatch, audit: AuditRecord[], outbox: OutboxMessage[]) {
    const now = audit[0]?.at ?? new Date();
    // One statement (see transitionSql): clicks are the latency that people feel.
    const rows = await this.hot.rows<WorkItemRow>(transitionSql(itemId, expectedVersion, patch, audit, outbox, now));
    return rows[0] ? toItem(rows[0]) : null;
  }

  async applyTransitionOrCurrent(itemId: string, expectedVersion: number, patch: ItemPatch, audit: AuditRecord[], outbox: OutboxMessage[]): Promise<TransitionOutcome> {
    const now = audit[0]?.at ?? new Date();
    const [row] = await this.hot.rows<WorkItemRow & { _applied: boolean }>(transitionOrCurrentSql(itemId, expectedVersion, patch, audit, outbox, now));
    if (!row) return { applied: false, current: null };
    const { _applied, ...item } = row;
    return _applied ? { applied: true, item: toItem(item) } : { applied: false, current: toItem(item) };
  }

  async applyTransitions(batch: Transition[], now: Date) {
    if (!batch.length) return [];
    // One statement for the whole batch (see applyTransitionsSql): a sweep of 100 due items is
    // one round trip, not 100.
    const rows = await this.hot.rows<WorkItemRow & { batchOrd: number }>(applyTransitionsSql(batch, now));
    const out: Array<WorkItem | null> = batch.map(() => null);
    for (const { batchOrd, ...row } of rows) out[batchOrd] = toItem(row);
    return out;
  }

  async assignUnderCap(a: CappedAssignment): Promise<CappedOutcome> {
    // See assign-sql.ts: the lock, then the count in its own statement, then the guarded claim.
    return this.hot.transaction(async (tx) => {
      await tx.rows(lockAssigneeSql(a.assignee));
      const [{ n }] = (await tx.rows<{ n: number }>(openCountSql(a.assignee))) as [{ n: number }];
      if (n >= a.maxOpen) return { status: 'full', open: n };
      const p = a.plan(n);
      const now = p.audit[0]?.at ?? new Date();
      const [row] = await tx.rows<WorkItemRow>(transitionSql(a.itemId, a.expectedVersion, p.patch, p.audit, p.outbox, now));
      if (!row) return { status: 'moved' };
      await tx.rows(cursorUpsertSql(a.queue, a.assignee, now));
      return { status: 'assigned', item: toItem(row), openBefore: n };
    });
  }

  async claimNextOpen(queues: string[], plan: (item: WorkItem) => PlannedChange | null) {
    if (!queues.length) return null;
    return this.hot.transaction(async (tx) => {
      const [candidate] = await tx.rows<WorkItemRow>(nextOpenSql(queues));
      if (!candidate) return null;
      const item = toItem(candidate);
      const p = plan(item);
      if (!p) return null;
      // Locked by this transaction since the read: the version guard cannot miss, but stays as everywhere.
      const [row] = await tx.rows<WorkItemRow>(transitionSql(item.id, item.version, p.patch, p.audit, p.outbox, p.audit[0]?.at ?? new Date()));
      return row ? toItem(row) : null;
    });
  }

  async openItemsOf(queues: string[], limit: number) {
    if (!queues.length) return [];
    return (await this.hot.rows<WorkItemRow>(openItemsSql(queues, limit))).map(toItem);
  }

  async lastAssignees() {
    const rows = await this.hot.rows<{ queue: string; lastAssignee: string }>(cursorsSql());
    return new Map(rows.map((r) => [r.queue, r.lastAssignee]));
  }

  async ownedCounts(): Promise<OwnedCount[]> {
    return this.hot.rows<OwnedCount>(ownedCountsSql());
  }

  async appendAudit(records: AuditRecord[]) {
    if (records.length) await this.hot.rows(insertAuditSql(records));
  }

  async enqueue(outbox: OutboxMessage[]) {
    const now = outbox[0]?.nextAttemptAt ?? new Date();
    if (!outbox.length) return 0;
    const { count } = await this.db.outbox.createMany({ data: outbox.map((o) => outboxData(o, now)), skipDuplicates: true });
    return count;
  }

  async outboxHas(dedupeKey: string) {
    const rows = await this.db.$queryRaw<unknown[]>`SELECT 1 FROM "Outbox" WHERE "dedupeKey" = ${dedupeKey}`;
    return rows.length > 0;
  }

  async digestItems(since: Date) {
    const rows = await this.db.workItem.findMany({
      where: { OR: [{ state: { not: 'RESOLVED' } }, { createdAt: { gte: since } }, { resolvedAt: { gte: since } }] },
    });
    return rows.map(toItem);
  }

  async digestAggregates(now: Date, since: Date, oldestCount: number): Promise<DigestAggregates> {
    // Five aggregate reads instead of the whole backlog: the open items by queue and age band,
    // the oldest few, one query per window, and who holds what (see digest-sql.ts).
    const day = new Date(now.getTime() - 24 * 3_600_000);
    const week = new Date(now.getTime() - 7 * 24 * 3_600_000);
    const [backlog, oldest, last24h, last7d, workload] = await Promise.all([
      this.db.$queryRaw<BacklogRow[]>(backlogSql(now)),
      this.db.$queryRaw<DigestAggregates['oldest']>(oldestSql(now, oldestCount)),
      this.db.$queryRaw<WindowRow[]>(windowSql(day, now, since)),
      this.db.$queryRaw<WindowRow[]>(windowSql(week, now, since)),
      this.db.$queryRaw<DigestAggregates['workload']>(workloadSql(now)),
    ]);
    return { ...toBacklog(backlog), last24h: toWindow(last24h[0]!), last7d: toWindow(last7d[0]!), oldest, workload };
  }

  async takeOutbox(now: Date, limit: number, leaseMs: number, maxOthers = limit): Promise<OutboxRow[]> {
    // Two takes, each the classic SKIP LOCKED shape so concurrent workers (several instances)
    // each take different rows: first the updates and notes of cards already posted, then the rest.
    const first = await this.hot.rows<OutboxRecord>(takeOutboxSql(now, limit, leaseMs, true));
    const others = Math.min(maxOthers, limit - first.length);
    const rest = others > 0 ? await this.hot.rows<OutboxRecord>(takeOutboxSql(now, others, leaseMs, false)) : [];
    const byId = (a: OutboxRow, b: OutboxRow) => (a.id < b.id ? -1 : 1);
    return [...first.map(toOutboxRow).sort(byId), ...rest.map(toOutboxRow).sort(byId)];
  }

  async completeOutbox(id: bigint, now: Date) {
    await this.hot.rows(Prisma.sql`UPDATE "Outbox" SET "doneAt" = ${now}, "lockedUntil" = NULL, "lastError" = NULL WHERE id = ${id}`);
  }

  async retryOutbox(id: bigint, error: string, nextAttemptAt: Date) {
    await this.db.outbox.update({ where: { id }, data: { nextAttemptAt, lockedUntil: null, lastError: error.slice(0, 500) } });
  }

  async outboxStats(now: Date) {
    const agg = await this.db.outbox.aggregate({ where: { doneAt: null }, _count: { _all: true }, _min: { createdAt: true } });
    const oldest = agg._min.createdAt;
    return { pending: agg._count._all, oldestAgeSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0 };
  }

  async savePlatformPost(ref: PlatformPostRef, now: Date) {
    await this.db.platformPost.upsert({
      where: { itemId_platform_kind: { itemId: ref.itemId, platform: ref.platform, kind: ref.kind } },
      create: { ...ref, createdAt: now },
      update: { channel: ref.channel, messageId: ref.messageId },
    });
  }

  async saveConversationRef(key: string, platform: string, reference: Record<string, unknown>, now: Date) {
    const data = { platform, reference: reference as Prisma.InputJsonValue, updatedAt: now };
    await this.db.conversationRef.upsert({ where: { key }, create: { key, ...data }, update: data });
  }

  async findConversationRef(key: string) {
    const r = await this.db.conversationRef.findUnique({ where: { key } });
    return (r?.reference as Record<string, unknown> | undefined) ?? null;
  }

  async purgeMessageText(before: Date, now: Date) {
    const { count } = await this.db.portalMessage.updateMany({
      where: { receivedAt: { lt: before }, bodyPurgedAt: null },
      data: { body: null, subject: null, bodyPurgedAt: now },
    });
    return count;
  }

  async tryLease(name: string, holder: string, now: Date, ttlMs: number) {
    // One statement: take the lease if free or expired, renew it if ours; otherwise leave it.
    const rows = await this.db.$queryRaw<Array<{ holder: string }>>`
      INSERT INTO "Lease" ("name", "holder", "expiresAt") VALUES (${name}, ${holder}, ${new Date(now.getTime() + ttlMs)})
      ON CONFLICT ("name") DO UPDATE SET "holder" = EXCLUDED."holder", "expiresAt" = EXCLUDED."expiresAt"
      WHERE "Lease"."holder" = EXCLUDED."holder" OR "Lease"."expiresAt" < ${now}
      RETURNING "holder"`;
    return rows.length === 1 && rows[0]!.holder === holder;
  }

  async releaseLease(name: string, holder: string) {
    await this.db.lease.deleteMany({ where: { name, holder } });
  }

  async findPlatformPost(itemId: string, platform: string, kind: string) {
    const rows = await this.hot.rows<PlatformPostRef>(Prisma.sql`
      SELECT "itemId", platform, kind, channel, "messageId" FROM "PlatformPost" WHERE "itemId" = ${itemId} AND platform = ${platform} AND kind = ${kind}`);
    return rows[0] ?? null;
  }

  async platformPostsOf(itemId: string, platform: string, kindPrefix: string) {
    return this.hot.rows<PlatformPostRef>(Prisma.sql`
      SELECT "itemId", platform, kind, channel, "messageId" FROM "PlatformPost"
      WHERE "itemId" = ${itemId} AND platform = ${platform} AND starts_with(kind, ${kindPrefix}) ORDER BY id`);
  }

  async awayPeriods(q: { after: Date; staffKey?: string }) {
    return this.hot.rows<AwayPeriod>(awayPeriodsSql(q.after, q.staffKey));
  }

  async dueAwayStarts(at: Date) {
    return this.hot.rows<AwayPeriod>(dueAwayStartsSql(at));
  }

  async saveAway(period: AwayPeriod, audit: AuditRecord[]) {
    await this.hot.transaction(async (tx) => {
      for (const s of saveAwaySql(period, audit)) await tx.rows(s);
    });
  }

  async endAway(id: string, at: Date, by: string, audit: AuditRecord[]) {
    const [row] = await this.hot.rows<AwayPeriod>(endAwaySql(id, at, by, audit));
    return row ?? null;
  }

  async markAwayStarted(id: string, at: Date) {
    return (await this.hot.rows(markAwayStartedSql(id, at))).length === 1;
  }
}
