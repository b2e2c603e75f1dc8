import type { AuditRecord } from '../domain/audit.ts';
import type { WorkItem } from '../domain/work-item.ts';
import type { NewMessage, OutboxMessage } from '../app/ports.ts';
import { Prisma } from './generated/client.ts';

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/**
 * A new message, its work item, audit events and outbox rows as ONE statement (data-modifying
 * CTEs): atomic without an interactive transaction, and one round trip instead of six — the
 * ingestion hot path (see `npm run bench -- ingest`). Returns the stored item row.
 */
export function insertNewItemSql(item: WorkItem, m: NewMessage, audit: AuditRecord[], outbox: OutboxMessage[], now: Date): Prisma.Sql {
  const audits = audit.length ? Prisma.sql`, aud AS (${insertAuditSql(audit)} RETURNING 1)` : Prisma.empty;
  const rows = outbox.length
    ? Prisma.sql`, ob AS (
      INSERT INTO "Outbox" ("dedupeKey", kind, "itemId", platform, payload, "nextAttemptAt", "createdAt")
      VALUES ${Prisma.join(outbox.map((o) => Prisma.sql`(${o.dedupeKey}, ${o.kind}, ${o.itemId}, ${o.platform}, ${json(o.payload)}::jsonb, ${o.nextAttemptAt}, ${now})`))}
      ON CONFLICT ("dedupeKey") DO NOTHING
      RETURNING 1)`
    : Prisma.empty;
  return Prisma.sql`
    WITH item AS (
      INSERT INTO "WorkItem" (id, "threadKey", queue, category, priority, "redFlags", "clinicalContent", state, "patientId", "patientToken", "patientPcp", link,
        "firstMessageAt", "lastMessageAt", "createdAt", "updatedAt", "claimDueAt", "resolveDueAt", "nextReminderAt", "reminderLevel")
      VALUES (${item.id}, ${item.threadKey}, ${item.queue}, ${item.category}, ${item.priority}, ${item.redFlags}::text[], ${item.clinicalContent}, ${item.state}::"ItemState",
        ${item.patientId}, ${item.patientToken}, ${item.patientPcp}, ${item.link}, ${item.firstMessageAt}, ${item.lastMessageAt}, ${item.createdAt},
        ${item.updatedAt}, ${item.claimDueAt}, ${item.resolveDueAt}, ${item.nextReminderAt}, ${item.reminderLevel})
      RETURNING *
    ), msg AS (
      INSERT INTO "PortalMessage" (id, source, "externalId", "resourceId", "threadKey", "itemId", "patientId", "patientName", "patientMrn", subject, body,
        "categoryHint", link, "sentAt", "receivedAt")
      SELECT ${m.id}, ${m.source}, ${m.externalId}, ${m.resourceId}, ${m.threadKey}, item.id, ${m.patientId}, ${m.patientName}, ${m.patientMrn}, ${m.subject},
        ${m.body}, ${m.categoryHint}, ${m.link}, ${m.sentAt}, ${m.receivedAt} FROM item
      RETURNING 1
    )${audits}${rows}
    SELECT * FROM item`;
}

/** A follow-up's message row (its item already exists). */
export function insertMessageSql(m: NewMessage): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "PortalMessage" (id, source, "externalId", "resourceId", "threadKey", "itemId", "patientId", "patientName", "patientMrn", subject, body,
      "categoryHint", link, "sentAt", "receivedAt")
    VALUES (${m.id}, ${m.source}, ${m.externalId}, ${m.resourceId}, ${m.threadKey}, ${m.itemId}, ${m.patientId}, ${m.patientName}, ${m.patientMrn}, ${m.subject},
      ${m.body}, ${m.categoryHint}, ${m.link}, ${m.sentAt}, ${m.receivedAt})`;
}

/** Column casts PostgreSQL needs for parameters of these types. */
const CASTS: Partial<Record<string, string>> = { state: '::"ItemState"', resumeState: '::"ItemState"', redFlags: '::text[]' };

function auditValues(audit: AuditRecord[], itemIdFrom: Prisma.Sql): Prisma.Sql {
  return Prisma.join(
    audit.map((a) => Prisma.sql`SELECT ${itemIdFrom}, ${a.actor}, ${a.platform}, ${a.action}, ${a.fromState ?? null}, ${a.toState ?? null}, ${a.reason ?? null}, ${json(a.detail)}::jsonb, ${a.at}::timestamp FROM upd`),
    ' UNION ALL ',
  );
}

/** The conditional update and the audit and outbox rows it brings, as CTEs: `upd` holds the updated row, if any. */
function transitionCtes(itemId: string, version: number, patch: Record<string, unknown>, audit: AuditRecord[], outbox: OutboxMessage[], now: Date): Prisma.Sql {
  const sets = Object.entries(patch)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => Prisma.sql`${Prisma.raw(`"${k.replace(/"/g, '')}"`)} = ${v}${Prisma.raw(CASTS[k] ?? '')}`);
  const audits = audit.length
    ? Prisma.sql`, aud AS (
      INSERT INTO "AuditEvent" ("itemId", actor, platform, action, "fromState", "toState", reason, detail, at)
      ${auditValues(audit, Prisma.sql`upd.id`)}
      RETURNING 1)`
    : Prisma.empty;
  const rows = outbox.length
    ? Prisma.sql`, ob AS (
      INSERT INTO "Outbox" ("dedupeKey", kind, "itemId", platform, payload, "nextAttemptAt", "createdAt")
      ${Prisma.join(outbox.map((o) => Prisma.sql`SELECT ${o.dedupeKey}, ${o.kind}, ${o.itemId}, ${o.platform}, ${json(o.payload)}::jsonb, ${o.nextAttemptAt}::timestamp, ${now}::timestamp FROM upd`), ' UNION ALL ')}
      ON CONFLICT ("dedupeKey") DO NOTHING
      RETURNING 1)`
    : Prisma.empty;
  return Prisma.sql`
    WITH upd AS (
      UPDATE "WorkItem" SET ${Prisma.join([...sets, Prisma.sql`"updatedAt" = ${now}`, Prisma.sql`version = version + 1`], ', ')}
      WHERE id = ${itemId} AND version = ${version}
      RETURNING *
    )${audits}${rows}`;
}

/**
 * A state change as ONE statement: the item is updated only if it is still at `version`
 * (optimistic concurrency), and the audit events and outbox rows are written only if it was.
 * Returns the updated row, or nothing when the version had moved on.
 */
export function transitionSql(itemId: string, version: number, patch: Record<string, unknown>, audit: AuditRecord[], outbox: OutboxMessage[], now: Date): Prisma.Sql {
  return Prisma.sql`${transitionCtes(itemId, version, patch, audit, outbox, now)}
    SELECT * FROM upd`;
}

/**
 * `transitionSql`, and when the version had moved on, the item as it is now (`_applied` false):
 * a losing click needs no second read. FOR SHARE makes READ COMMITTED return the row's latest
 * committed version (waiting for a writer still at it), not the one the statement's snapshot saw
 * before the winner committed (https://www.postgresql.org/docs/current/transaction-iso.html#XACT-READ-COMMITTED).
 */
export function transitionOrCurrentSql(itemId: string, version: number, patch: Record<string, unknown>, audit: AuditRecord[], outbox: OutboxMessage[], now: Date): Prisma.Sql {
  return Prisma.sql`${transitionCtes(itemId, version, patch, audit, outbox, now)},
    cur AS (SELECT * FROM "WorkItem" WHERE id = ${itemId} AND NOT EXISTS (SELECT 1 FROM upd) FOR SHARE)
    SELECT true AS "_applied", upd.* FROM upd
    UNION ALL
    SELECT false, cur.* FROM cur`;
}

/**
 * Ingestion's two look-ups as one statement: the item of the message (source, externalId), if
 * already stored (`_found` 'message'), and the thread's item, locked FOR UPDATE so a click
 * waits for the follow-up instead of moving its version underneath it (`_found` 'thread').
 */
export function messageAndThreadSql(source: string, externalId: string, threadKey: string): Prisma.Sql {
  return Prisma.sql`
    WITH thread AS (SELECT * FROM "WorkItem" WHERE "threadKey" = ${threadKey} FOR UPDATE)
    SELECT 'thread' AS "_found", thread.* FROM thread
    UNION ALL
    SELECT 'message', w.* FROM "PortalMessage" m JOIN "WorkItem" w ON w.id = m."itemId" WHERE m.source = ${source} AND m."externalId" = ${externalId}`;
}

export function insertAuditSql(audit: AuditRecord[]): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "AuditEvent" ("itemId", actor, platform, action, "fromState", "toState", reason, detail, at)
    VALUES ${Prisma.join(audit.map((a) => Prisma.sql`(${a.itemId}, ${a.actor}, ${a.platform}, ${a.action}, ${a.fromState ?? null}, ${a.toState ?? null}, ${a.reason ?? null}, ${json(a.detail)}::jsonb, ${a.at})`))}`;
}
