import { Prisma } from './generated/client.ts';

export type OutboxRecord = Prisma.OutboxGetPayload<object>;

/**
 * Leases up to `limit` due outbox rows, oldest first. `first`: only card updates and thread
 * notes of cards already posted (a PlatformPost exists), which the worker sends ahead of new
 * posts so that a click shows on its card during a burst; otherwise only the other rows.
 * SKIP LOCKED: concurrent workers each take different rows. The (doneAt, nextAttemptAt) index
 * finds the due rows; the PlatformPost look-up is its unique (itemId, platform, kind) key.
 */
export function takeOutboxSql(now: Date, limit: number, leaseMs: number, first: boolean) {
  const posted = Prisma.sql`(o."kind" IN ('card.update', 'thread.note') AND EXISTS (
    SELECT 1 FROM "PlatformPost" p WHERE p."itemId" = o."itemId" AND p."platform" = o."platform" AND p."kind" = 'card'))`;
  return Prisma.sql`
    UPDATE "Outbox" SET "lockedUntil" = ${new Date(now.getTime() + leaseMs)}, "attempts" = "attempts" + 1
    WHERE "id" IN (
      SELECT o."id" FROM "Outbox" o
      WHERE o."doneAt" IS NULL AND o."nextAttemptAt" <= ${now} AND (o."lockedUntil" IS NULL OR o."lockedUntil" < ${now})
        AND ${first ? posted : Prisma.sql`NOT ${posted}`}
      ORDER BY o."id" LIMIT ${limit} FOR UPDATE OF o SKIP LOCKED)
    RETURNING *`;
}
