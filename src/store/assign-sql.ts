import { PRIORITIES } from '../domain/types.ts';
import { OPEN_OWNED_STATES } from '../domain/assignment.ts';
import { Prisma } from './generated/client.ts';

/**
 * Auto-assignment and "Next item" statements. The cap is enforced by the database, not by what
 * an instance read earlier: under READ COMMITTED, "count the assignee's open items, then claim"
 * in two statements lets two instances both count 9 of 10 and both claim. So every capped claim
 * for one person takes that person's advisory lock first (`pg_advisory_xact_lock`, held to the
 * end of the transaction), and only then counts — in a statement of its own, whose snapshot is
 * taken after the lock was granted and so sees the previous holder's committed claim.
 */

/** Namespace of the per-assignee locks (`pg_advisory_xact_lock(int, int)`); ingestion's is 72616002, migrations' 72616001. */
const ASSIGNEE_LOCK_CLASS = 72616003;

export const lockAssigneeSql = (staffKey: string) =>
  Prisma.sql`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${ASSIGNEE_LOCK_CLASS}::int4, hashtext(${staffKey}))) AS l`;

const OPEN_OWNED = Prisma.sql`state::text = ANY(${[...OPEN_OWNED_STATES]}::text[])`;

/** The person's open items, which the cap counts (the (ownerId, state) index). */
export const openCountSql = (staffKey: string) =>
  Prisma.sql`SELECT count(*)::int AS n FROM "WorkItem" WHERE "ownerId" = ${staffKey} AND ${OPEN_OWNED}`;

export const cursorUpsertSql = (queue: string, assignee: string, now: Date) => Prisma.sql`
  INSERT INTO "AssignmentCursor" (queue, "lastAssignee", "updatedAt") VALUES (${queue}, ${assignee}, ${now})
  ON CONFLICT (queue) DO UPDATE SET "lastAssignee" = EXCLUDED."lastAssignee", "updatedAt" = EXCLUDED."updatedAt"`;

export const cursorsSql = () => Prisma.sql`SELECT queue, "lastAssignee" FROM "AssignmentCursor"`;

/** Owned, unresolved items per owner and state (an escalation to the pool has no owner). */
export const ownedCountsSql = () => Prisma.sql`
  SELECT "ownerId" AS staff, state::text AS state, count(*)::int AS count FROM "WorkItem"
  WHERE state IN ('CLAIMED', 'SNOOZED', 'ESCALATED') AND "ownerId" IS NOT NULL AND "ownerId" <> ''
  GROUP BY "ownerId", state ORDER BY "ownerId" COLLATE "C", state::text COLLATE "C"`;

/** Highest priority first (FHIR's order, stat highest), then the oldest; ties by card number. */
const HANDOUT_ORDER = Prisma.sql`array_position(${[...PRIORITIES]}::text[], priority) DESC NULLS LAST, "createdAt", seq`;

export const openItemsSql = (queues: string[], limit: number) => Prisma.sql`
  SELECT * FROM "WorkItem" WHERE state = 'OPEN' AND queue = ANY(${queues}::text[])
  ORDER BY ${HANDOUT_ORDER} LIMIT ${limit}`;

/**
 * "Next item": the first OPEN item in hand-out order, locked for this transaction. SKIP LOCKED
 * passes over one another request holds (someone else pressing Next at the same moment, a
 * follow-up being stored), so a second request takes the next item instead of queueing behind
 * the first and then finding its item claimed.
 */
export const nextOpenSql = (queues: string[]) => Prisma.sql`
  SELECT * FROM "WorkItem" WHERE state = 'OPEN' AND queue = ANY(${queues}::text[])
  ORDER BY ${HANDOUT_ORDER} LIMIT 1 FOR UPDATE SKIP LOCKED`;
