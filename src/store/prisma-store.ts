import type { AuditRecord } from '../domain/audit.ts';
import type { DigestAggregates } from '../domain/digest-aggregates.ts';
import type { ItemPatch, ItemState, WorkItem } from '../domain/work-item.ts';
import { IngestConflict, type IngestOutcome, type IngestTx, type IngestWrite, type ItemQuery, type OutboxMessage, type OutboxRow, type PlatformPostRef, type Store, type Transition } from '../app/ports.ts';
import { Prisma, type PrismaClient, type WorkItem as WorkItemRow } from './generated/client.ts';
import { insertAuditSql, insertMessageSql, insertNewItemSql, transitionSql } from './ingest-sql.ts';
import { backlogSql, oldestSql, toBacklog, toWindow, windowSql, type BacklogRow, type WindowRow } from './digest-sql.ts';
import { applyTransitionsSql, dueItemsSql } from './sweep-sql.ts';
import { takeOutboxSql, type OutboxRecord } from './outbox-sql.ts';
import { auditData, outboxData, patchData, toAudit, toItem, toMessage, toOutboxRow } from './mappers.ts';

type Tx = Prisma.TransactionClient;

/** Thrown inside a transaction to roll it back when an optimistic-concurrency check fails. */
class VersionMoved extends Error {}

/** A unique-key race lost to another writer: Prisma's P2002, or the raw driver error some adapters (PGlite) surface. */
function isUniqueViolation(e: unknown): boolean {
  if (e instanceof Prisma.PrismaClientKnownRequestError) {
    if (e.code === 'P2002') return true;
    // Raw queries (P2010) carry the driver's error in meta.
    if (e.code === 'P2010') return isUniqueViolation((e.meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError);
    return false;
  }
  const cause = (e as { cause?: { kind?: string; code?: string; originalCode?: string } } | null)?.cause;
  return (e as Error)?.name === 'DriverAdapterError' && (cause?.kind === 'UniqueConstraintViolation' || cause?.code === '23505' || cause?.originalCode === '23505');
}

/** What PostgreSQL (or a driver adapter) says went wrong: the SQLSTATE or the adapter's kind, wherever Prisma put it. */
function driverCodes(e: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  type E = { code?: unknown; originalCode?: unknown; kind?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  for (let x = e as E | undefined; x && typeof x === 'object' && !seen.has(x); x = (x.meta?.driverAdapterError ?? x.cause) as E | undefined) {
    seen.add(x);
    for (const c of [x.code, x.originalCode, x.kind]) if (typeof c === 'string') codes.push(c);
  }
  return codes;
}

/**
 * Conflicts that a fresh run of the same transaction settles: a lost unique-key race, a
 * deadlock or serialization failure, or the ingestion code's own IngestConflict.
 */
function isTransientConflict(e: unknown): boolean {
  if (e instanceof IngestConflict) return true;
  return driverCodes(e).some((c) => ['P2002', 'P2034', '23505', '40001', '40P01', 'UniqueConstraintViolation', 'TransactionWriteConflict'].includes(c));
}

/** The item a message (source, externalId) belongs to: ingestion's idempotency look-up, in and out of a transaction. */
const messageItemSql = (source: string, externalId: string) =>
  Prisma.sql`SELECT w.* FROM "PortalMessage" m JOIN "WorkItem" w ON w.id = m."itemId" WHERE m.source = ${source} AND m."externalId" = ${externalId}`;

/** Namespace of the ingestion locks (`pg_advisory_xact_lock(int, int)`); the migration lock is 72616001. */
const INGEST_LOCK_CLASS = 72616002;

/** Ingestion's reads and writes inside one transaction (IngestTx): plain SQL on the transaction's connection. */
class PrismaIngestTx implements IngestTx {
  constructor(private readonly tx: Tx) {}

  async findMessageItem(source: string, externalId: string) {
    const rows = await this.tx.$queryRaw<WorkItemRow[]>(messageItemSql(source, externalId));
    return rows[0] ? toItem(rows[0]) : null;
  }

  async findItemByThread(threadKey: string) {
    // FOR UPDATE: a click on this item waits for the follow-up instead of moving its version underneath it.
    const rows = await this.tx.$queryRaw<WorkItemRow[]>`SELECT * FROM "WorkItem" WHERE "threadKey" = ${threadKey} FOR UPDATE`;
    return rows[0] ? toItem(rows[0]) : null;
  }

  async findThreadOfResource(source: string, resourceId: string) {
    const rows = await this.tx.$queryRaw<Array<{ threadKey: string }>>`
      SELECT "threadKey" FROM "PortalMessage" WHERE source = ${source} AND "resourceId" = ${resourceId} LIMIT 1`;
    return rows[0]?.threadKey ?? null;
  }

  async lock(keys: string[]) {
    const unique = [...new Set(keys)];
    if (!unique.length) return;
    // One round trip for all of them, in hash order: every request takes its locks in the same order.
    await this.tx.$queryRaw`
      SELECT count(pg_advisory_xact_lock(${INGEST_LOCK_CLASS}::int4, h))::int AS n
      FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(${unique}::text[]) AS k ORDER BY h) AS locks`;
  }

  async saveIngest(w: IngestWrite): Promise<IngestOutcome> {
    const now = w.message.receivedAt;
    if (w.kind === 'new') {
      const rows = await this.tx.$queryRaw<WorkItemRow[]>(insertNewItemSql(w.item, w.message, w.audit, w.outbox, now));
      return { status: 'stored', item: toItem(rows[0]!) };
    }
    // The item update, its audit event and outbox rows as one statement, only if the item is still at the version read.
    const rows = await this.tx.$queryRaw<WorkItemRow[]>(transitionSql(w.itemId, w.expectedVersion, w.patch, w.audit, w.outbox, now));
    if (!rows[0]) return { status: 'conflict' };
    await this.tx.$executeRaw(insertMessageSql(w.message));
    return { status: 'stored', item: toItem(rows[0]) };
  }
}

async function writeSideEffects(tx: Tx, audit: AuditRecord[], outbox: OutboxMessage[], now: Date) {
  if (audit.length) await tx.auditEvent.createMany({ data: audit.map(auditData) });
  // skipDuplicates: the dedupe key makes a repeated change enqueue nothing new.
  if (outbox.length) await tx.outbox.createMany({ data: outbox.map((o) => outboxData(o, now)), skipDuplicates: true });
}

async function conditionalUpdate(tx: Tx, id: string, version: number, patch: ItemPatch, now: Date) {
  const { count } = await tx.workItem.updateMany({ where: { id, version }, data: patchData(patch, now) });
  if (count !== 1) throw new VersionMoved();
}

export class PrismaStore implements Store {
  constructor(private readonly db: PrismaClient) {}

  // The hot reads of ingestion and clicks are plain SQL: Prisma's query compiler costs a few
  // milliseconds per model query, several times the database's own work here.
  async findMessageItem(source: string, externalId: string) {
    const rows = await this.db.$queryRaw<WorkItemRow[]>(messageItemSql(source, externalId));
    return rows[0] ? toItem(rows[0]) : null;
  }

  async findItem(id: string) {
    const rows = await this.db.$queryRaw<WorkItemRow[]>`SELECT * FROM "WorkItem" WHERE id = ${id}`;
    return rows[0] ? toItem(rows[0]) : null;
  }

  async findItemByThread(threadKey: string) {
    const rows = await this.db.$queryRaw<WorkItemRow[]>`SELECT * FROM "WorkItem" WHERE "threadKey" = ${threadKey}`;
    return rows[0] ? toItem(rows[0]) : null;
  }

  async findThreadOfResource(source: string, resourceId: string) {
    const m = await this.db.portalMessage.findFirst({ where: { source, resourceId }, select: { threadKey: true } });
    return m?.threadKey ?? null;
  }

  async listItems(q: ItemQuery) {
    // The sweep's read, every minute: plain SQL (Prisma's model query costs more than the read itself).
    if (q.dueBefore && q.states && q.queue === undefined && q.ownerId === undefined) {
      const rows = await this.db.$queryRaw<WorkItemRow[]>(dueItemsSql(q.states, q.dueBefore, q.limit ?? 200));
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
        const rows = await this.db.$queryRaw<WorkItemRow[]>(insertNewItemSql(w.item, w.message, w.audit, w.outbox, now));
        return { status: 'stored', item: toItem(rows[0]!) };
      }
      const item = await this.db.$transaction(async (tx) => {
        await conditionalUpdate(tx, w.itemId, w.expectedVersion, w.patch, now);
        await tx.portalMessage.create({ data: w.message });
        await writeSideEffects(tx, w.audit, w.outbox, now);
        return tx.workItem.findUniqueOrThrow({ where: { id: w.message.itemId } });
      });
      return { status: 'stored', item: toItem(item) };
    } catch (e) {
      if (e instanceof VersionMoved) return { status: 'conflict' };
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
        // maxWait: requests queue for a connection (PostgreSQL) or the single session (PGlite)
        // while others hold a thread's lock; timeout: a 500-message batch on PGlite takes seconds.
        return await this.db.$transaction((tx) => fn(new PrismaIngestTx(tx)), { maxWait: 30_000, timeout: 120_000 });
      } catch (e) {
        if (attempt >= 5 || !isTransientConflict(e)) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  async applyTransition(itemId: string, expectedVersion: number, patch: ItemPatch, audit: AuditRecord[], outbox: OutboxMessage[]) {
    const now = audit[0]?.at ?? new Date();
    // One statement (see transitionSql): clicks are the latency that people feel.
    const rows = await this.db.$queryRaw<WorkItemRow[]>(transitionSql(itemId, expectedVersion, patch, audit, outbox, now));
    return rows[0] ? toItem(rows[0]) : null;
  }

  async applyTransitions(batch: Transition[], now: Date) {
    if (!batch.length) return [];
    // One statement for the whole batch (see applyTransitionsSql): a sweep of 100 due items is
    // one round trip, not 100.
    const rows = await this.db.$queryRaw<Array<WorkItemRow & { batchOrd: number }>>(applyTransitionsSql(batch, now));
    const out: Array<WorkItem | null> = batch.map(() => null);
    for (const { batchOrd, ...row } of rows) out[batchOrd] = toItem(row);
    return out;
  }

  async appendAudit(records: AuditRecord[]) {
    if (records.length) await this.db.$executeRaw(insertAuditSql(records));
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
    // Four aggregate reads instead of the whole backlog: the open items by queue and age band,
    // the oldest few, and one query per window (see digest-sql.ts).
    const day = new Date(now.getTime() - 24 * 3_600_000);
    const week = new Date(now.getTime() - 7 * 24 * 3_600_000);
    const [backlog, oldest, last24h, last7d] = await Promise.all([
      this.db.$queryRaw<BacklogRow[]>(backlogSql(now)),
      this.db.$queryRaw<DigestAggregates['oldest']>(oldestSql(now, oldestCount)),
      this.db.$queryRaw<WindowRow[]>(windowSql(day, now, since)),
      this.db.$queryRaw<WindowRow[]>(windowSql(week, now, since)),
    ]);
    return { ...toBacklog(backlog), last24h: toWindow(last24h[0]!), last7d: toWindow(last7d[0]!), oldest };
  }

  async takeOutbox(now: Date, limit: number, leaseMs: number, maxOthers = limit): Promise<OutboxRow[]> {
    // Two takes, each the classic SKIP LOCKED shape so concurrent workers (several instances)
    // each take different rows: first the updates and notes of cards already posted, then the rest.
    const first = await this.db.$queryRaw<OutboxRecord[]>(takeOutboxSql(now, limit, leaseMs, true));
    const others = Math.min(maxOthers, limit - first.length);
    const rest = others > 0 ? await this.db.$queryRaw<OutboxRecord[]>(takeOutboxSql(now, others, leaseMs, false)) : [];
    const byId = (a: OutboxRow, b: OutboxRow) => (a.id < b.id ? -1 : 1);
    return [...first.map(toOutboxRow).sort(byId), ...rest.map(toOutboxRow).sort(byId)];
  }

  async completeOutbox(id: bigint, now: Date) {
    await this.db.$executeRaw`UPDATE "Outbox" SET "doneAt" = ${now}, "lockedUntil" = NULL, "lastError" = NULL WHERE id = ${id}`;
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
    const rows = await this.db.$queryRaw<PlatformPostRef[]>`
      SELECT "itemId", platform, kind, channel, "messageId" FROM "PlatformPost" WHERE "itemId" = ${itemId} AND platform = ${platform} AND kind = ${kind}`;
    return rows[0] ?? null;
  }

  async platformPostsOf(itemId: string, platform: string, kindPrefix: string) {
    return this.db.$queryRaw<PlatformPostRef[]>`
      SELECT "itemId", platform, kind, channel, "messageId" FROM "PlatformPost"
      WHERE "itemId" = ${itemId} AND platform = ${platform} AND starts_with(kind, ${kindPrefix}) ORDER BY id`;
  }
}
