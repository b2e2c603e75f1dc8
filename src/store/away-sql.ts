import type { AuditRecord } from '../domain/audit.ts';
import type { AwayPeriod } from '../domain/availability.ts';
import { Prisma } from './generated/client.ts';
import { insertAuditSql } from './ingest-sql.ts';

/**
 * The away periods' statements. Cold paths (a person sets or ends one; the sweep reads a few
 * rows a minute), so plain SQL through the store's driver, each change with its audit events in
 * one statement: a period never exists without the audit event that says who set it.
 */

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** Audit events written only when `upd` (the changed row) exists. */
function auditFromUpd(audit: AuditRecord[]): Prisma.Sql {
  if (!audit.length) return Prisma.empty;
  const rows = audit.map((a) => Prisma.sql`SELECT ${a.itemId}::text, ${a.actor}::text, ${a.platform}::text, ${a.action}::text, ${a.fromState ?? null}::text,
    ${a.toState ?? null}::text, ${a.reason ?? null}::text, ${json(a.detail)}::jsonb, ${a.at}::timestamp FROM upd`);
  return Prisma.sql`, aud AS (
    INSERT INTO "AuditEvent" ("itemId", actor, platform, action, "fromState", "toState", reason, detail, at)
    ${Prisma.join(rows, ' UNION ALL ')}
    RETURNING 1)`;
}

export function insertAwaySql(p: AwayPeriod): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "AwayPeriod" (id, "staffKey", "from", until, "coverKey", "setBy", "setAt", "endedAt", "endedBy", "startedAt")
    VALUES (${p.id}, ${p.staffKey}, ${p.from}, ${p.until}, ${p.coverKey}, ${p.setBy}, ${p.setAt}, ${p.endedAt}, ${p.endedBy}, ${p.startedAt})`;
}

/** The period and its audit events together (one transaction by the caller). */
export const saveAwaySql = (p: AwayPeriod, audit: AuditRecord[]): Prisma.Sql[] => [insertAwaySql(p), ...(audit.length ? [insertAuditSql(audit)] : [])];

export function endAwaySql(id: string, at: Date, by: string, audit: AuditRecord[]): Prisma.Sql {
  return Prisma.sql`
    WITH upd AS (
      UPDATE "AwayPeriod" SET "endedAt" = ${at}, "endedBy" = ${by} WHERE id = ${id} AND "endedAt" IS NULL RETURNING *
    )${auditFromUpd(audit)}
    SELECT * FROM upd`;
}

export function awayPeriodsSql(after: Date, staffKey: string | undefined): Prisma.Sql {
  const who = staffKey === undefined ? Prisma.empty : Prisma.sql`AND "staffKey" = ${staffKey}`;
  return Prisma.sql`
    SELECT * FROM "AwayPeriod"
    WHERE until > ${after} AND ("endedAt" IS NULL OR "endedAt" > ${after}) ${who}
    ORDER BY "from", id`;
}

export function dueAwayStartsSql(at: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT * FROM "AwayPeriod"
    WHERE "startedAt" IS NULL AND "from" <= ${at} AND until > ${at} AND ("endedAt" IS NULL OR "endedAt" > ${at})
    ORDER BY "from", id`;
}

/** Conditional: only the first caller sets it (the row comes back only to that one). */
export function markAwayStartedSql(id: string, at: Date): Prisma.Sql {
  return Prisma.sql`UPDATE "AwayPeriod" SET "startedAt" = ${at} WHERE id = ${id} AND "startedAt" IS NULL RETURNING id`;
}
