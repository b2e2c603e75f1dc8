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
  const audits = audit.length
    ? Prisma.sql`, aud AS (
      INSERT INTO "AuditEvent" ("itemId", actor, platform, action, "fromState", "toState", reason, detail, at)
      VALUES ${Prisma.join(audit.map((a) => Prisma.sql`(${a.itemId}, ${a.actor}, ${a.platform}, ${a.action}, ${a.fromState ?? null}, ${a.toState ?? null}, ${a.reason ?? null}, ${json(a.detail)}::jsonb, ${a.at})`))}
      RETURNING 1)`
    : Prisma.empty;
  const rows = outbox.length
    ? Prisma.sql`, ob AS (
      INSERT INTO "Outbox" ("dedupeKey", kind, "itemId", platform, payload, "nextAttemptAt", "createdAt")
      VALUES ${Prisma.join(outbox.map((o) => Prisma.sql`(${o.dedupeKey}, ${o.kind}, ${o.itemId}, ${o.platform}, ${json(o.payload)}::jsonb, ${o.nextAttemptAt}, ${now})`))}
      ON CONFLICT ("dedupeKey") DO NOTHING
      RETURNING 1)`
    : Prisma.empty;
  return Prisma.sql`
    WITH item AS (
      INSERT INTO "WorkItem" (id, "threadKey", queue, category, priority, "redFlags", state, "patientId", "patientToken", "patientPcp", link,
        "firstMessageAt", "lastMessageAt", "createdAt", "updatedAt", "claimDueAt", "resolveDueAt", "nextReminderAt", "reminderLevel")
      VALUES (${item.id}, ${item.threadKey}, ${item.queue}, ${item.category}, ${item.priority}, ${item.redFlags}::text[], ${item.state}::"ItemState",
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
