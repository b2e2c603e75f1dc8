import type { ItemPatch } from '../domain/work-item.ts';
import type { Transition } from '../app/ports.ts';
import { Prisma } from './generated/client.ts';

/** Every patchable column and its SQL type; a Record over ItemPatch's keys, so a new one must be added here. */
const PATCH_COLUMNS: Record<keyof ItemPatch, string> = {
  queue: 'text', category: 'text', priority: 'text', state: '"ItemState"', resumeState: '"ItemState"', ownerId: 'text', escalatedBy: 'text',
  escalationReason: 'text', onCallId: 'text', poolFallbackAt: 'timestamp', coveringFor: 'text', snoozedUntil: 'timestamp', everEscalated: 'boolean', claimedAt: 'timestamp', resolvedAt: 'timestamp', claimDueAt: 'timestamp',
  resolveDueAt: 'timestamp', nextReminderAt: 'timestamp', reminderLevel: 'int', messageCount: 'int', lastMessageAt: 'timestamp', redFlags: 'text[]',
  clinicalContent: 'boolean',
};

/** A patch value from the JSON input, as its column's type (instants arrive as ISO strings in UTC; the columns hold UTC). */
function valueOf(key: string, type: string): string {
  const v = `(i.patch ->> '${key}')`;
  if (type === 'timestamp') return `(${v}::timestamptz AT TIME ZONE 'UTC')`;
  if (type === 'text[]') return `ARRAY(SELECT jsonb_array_elements_text(i.patch -> '${key}'))`;
  return `${v}::${type}`;
}

/**
 * A batch of transitions as ONE statement: the inputs arrive as three JSON arrays
 * (jsonb_to_recordset), each item is updated only if it is still at its expected version, and
 * only the updated ones get their audit events and outbox rows. Rows another transaction has
 * locked are skipped (SKIP LOCKED) rather than waited for, so two batches never deadlock; like a
 * version that moved, they come back as not applied. Returns the updated rows with their index
 * in the batch (`batchOrd`). Each item at most once per batch.
 */
export function applyTransitionsSql(batch: Transition[], now: Date): Prisma.Sql {
  const keys = [...new Set(batch.flatMap((t) => Object.entries(t.patch).filter(([, v]) => v !== undefined).map(([k]) => k)))] as Array<keyof ItemPatch>;
  const sets = keys.map((k) => {
    if (!(k in PATCH_COLUMNS)) throw new Error(`not a patchable column: ${k}`);
    return Prisma.raw(`"${k}" = CASE WHEN i.patch ? '${k}' THEN ${valueOf(k, PATCH_COLUMNS[k])} ELSE w."${k}" END`);
  });
  const items = batch.map((t, ord) => ({ ord, id: t.itemId, version: t.expectedVersion, patch: t.patch }));
  // n: the rows' order across the batch, kept by their ids (audit trails and the outbox are read in id order).
  const audit = batch.flatMap((t, ord) => t.audit.map((a) => ({ ord, ...a }))).map((a, n) => ({ ...a, n }));
  const outbox = batch.flatMap((t, ord) => t.outbox.map((o) => ({ ord, ...o }))).map((o, n) => ({ ...o, n }));
  return Prisma.sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS x(ord int, id text, version int, patch jsonb)
    ), target AS (
      SELECT w.id FROM "WorkItem" w JOIN input i ON i.id = w.id AND i.version = w.version ORDER BY w.id FOR UPDATE OF w SKIP LOCKED
    ), upd AS (
      UPDATE "WorkItem" w SET ${Prisma.join([...sets, Prisma.sql`"updatedAt" = ${now}`, Prisma.sql`version = w.version + 1`], ', ')}
      FROM input i JOIN target t ON t.id = i.id
      WHERE w.id = i.id AND w.version = i.version
      RETURNING w.*, i.ord AS "batchOrd"
    ), aud AS (
      INSERT INTO "AuditEvent" ("itemId", actor, platform, action, "fromState", "toState", reason, detail, at)
      SELECT upd.id, a.actor, a.platform, a.action, a."fromState", a."toState", a.reason, a.detail, a.at AT TIME ZONE 'UTC'
      FROM jsonb_to_recordset(${JSON.stringify(audit)}::jsonb)
        AS a(ord int, actor text, platform text, action text, "fromState" text, "toState" text, reason text, detail jsonb, at timestamptz, n int)
      JOIN upd ON upd."batchOrd" = a.ord ORDER BY a.n
      RETURNING 1
    ), ob AS (
      INSERT INTO "Outbox" ("dedupeKey", kind, "itemId", platform, payload, "nextAttemptAt", "createdAt")
      SELECT o."dedupeKey", o.kind, o."itemId", o.platform, o.payload, o."nextAttemptAt" AT TIME ZONE 'UTC', ${now}::timestamp
      FROM jsonb_to_recordset(${JSON.stringify(outbox)}::jsonb)
        AS o(ord int, "dedupeKey" text, kind text, "itemId" text, platform text, payload jsonb, "nextAttemptAt" timestamptz, n int)
      JOIN upd ON upd."batchOrd" = o.ord ORDER BY o.n
      ON CONFLICT ("dedupeKey") DO NOTHING
      RETURNING 1
    )
    SELECT * FROM upd`;
}

/** The items a sweep handles: open, due by `now`, soonest first (the nextReminderAt index). */
export function dueItemsSql(states: string[], now: Date, limit: number): Prisma.Sql {
  return Prisma.sql`
    SELECT * FROM "WorkItem" WHERE state::text = ANY(${states}::text[]) AND "nextReminderAt" <= ${now}
    ORDER BY "nextReminderAt" LIMIT ${limit}`;
}
