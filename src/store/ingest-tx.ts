import type { WorkItem } from '../domain/work-item.ts';
import type { IngestOutcome, IngestTx, IngestWrite } from '../app/ports.ts';
import type { HotSql } from './hot-sql.ts';
import { insertMessageSql, insertNewItemSql, messageAndThreadSql, transitionSql } from './ingest-sql.ts';
import { Prisma, type WorkItem as WorkItemRow } from './generated/client.ts';
import { toItem } from './mappers.ts';

/** The item a message (source, externalId) belongs to: ingestion's idempotency look-up, in and out of a transaction. */
export const messageItemSql = (source: string, externalId: string) =>
  Prisma.sql`SELECT w.* FROM "PortalMessage" m JOIN "WorkItem" w ON w.id = m."itemId" WHERE m.source = ${source} AND m."externalId" = ${externalId}`;

/** Namespace of the ingestion locks (`pg_advisory_xact_lock(int, int)`); the migration lock is 72616001. */
const INGEST_LOCK_CLASS = 72616002;

/** Ingestion's reads and writes inside one transaction (IngestTx): plain SQL on the transaction's connection. */
export class SqlIngestTx implements IngestTx {
  constructor(private readonly sql: HotSql) {}

  async findMessageItem(source: string, externalId: string) {
    const rows = await this.sql.rows<WorkItemRow>(messageItemSql(source, externalId));
    return rows[0] ? toItem(rows[0]) : null;
  }

  async findItemByThread(threadKey: string) {
    // FOR UPDATE: a click on this item waits for the follow-up instead of moving its version underneath it.
    const rows = await this.sql.rows<WorkItemRow>(Prisma.sql`SELECT * FROM "WorkItem" WHERE "threadKey" = ${threadKey} FOR UPDATE`);
    return rows[0] ? toItem(rows[0]) : null;
  }

  async findMessageAndThread(source: string, externalId: string, threadKey: string) {
    const rows = await this.sql.rows<WorkItemRow & { _found: 'message' | 'thread' }>(messageAndThreadSql(source, externalId, threadKey));
    const found = { message: null as WorkItem | null, thread: null as WorkItem | null };
    for (const { _found, ...row } of rows) found[_found] = toItem(row);
    return found;
  }

  async findThreadOfResource(source: string, resourceId: string) {
    const rows = await this.sql.rows<{ threadKey: string }>(Prisma.sql`
      SELECT "threadKey" FROM "PortalMessage" WHERE source = ${source} AND "resourceId" = ${resourceId} LIMIT 1`);
    return rows[0]?.threadKey ?? null;
  }

  async lock(keys: string[]) {
    const unique = [...new Set(keys)];
    // PGlite runs one transaction at a time: nothing else can take these keys meanwhile.
    if (!unique.length || this.sql.exclusive) return;
    // One round trip for all of them, in hash order: every request takes its locks in the same order.
    await this.sql.rows(Prisma.sql`
      SELECT count(pg_advisory_xact_lock(${INGEST_LOCK_CLASS}::int4, h))::int AS n
      FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(${unique}::text[]) AS k ORDER BY h) AS locks`);
  }

  async saveIngest(w: IngestWrite): Promise<IngestOutcome> {
    const now = w.message.receivedAt;
    if (w.kind === 'new') {
      const rows = await this.sql.rows<WorkItemRow>(insertNewItemSql(w.item, w.message, w.audit, w.outbox, now));
      return { status: 'stored', item: toItem(rows[0]!) };
    }
    // The item update, its audit event and outbox rows as one statement, only if the item is still at the version read.
    const rows = await this.sql.rows<WorkItemRow>(transitionSql(w.itemId, w.expectedVersion, w.patch, w.audit, w.outbox, now));
    if (!rows[0]) return { status: 'conflict' };
    await this.sql.rows(insertMessageSql(w.message));
    return { status: 'stored', item: toItem(rows[0]) };
  }
}
