import type { AuditRecord } from '../domain/audit.ts';
import type { AwayPeriod } from '../domain/availability.ts';
import type { ItemPatch, ItemState, WorkItem } from '../domain/work-item.ts';
import type { DigestAggregates } from '../domain/digest-aggregates.ts';
import type { WorkloadCount } from '../domain/workload.ts';
import type { ConsoleStore } from './console-ports.ts';

/** Time is injected; use cases never read the system clock themselves. */
export interface Clock {
  now(): Date;
}

export interface NewMessage {
  id: string;
  source: string;
  externalId: string;
  resourceId: string | null;
  threadKey: string;
  itemId: string;
  patientId: string;
  patientName: string | null;
  patientMrn: string | null;
  subject: string | null;
  body: string;
  categoryHint: string | null;
  link: string | null;
  sentAt: Date;
  receivedAt: Date;
}

export interface StoredMessage extends Omit<NewMessage, 'body'> {
  /** Null once purged by the retention policy. */
  body: string | null;
}

/** An outbound platform call, written in the same transaction as the change that caused it. */
export interface OutboxMessage {
  /** Unique: a second row with the same key is silently dropped, so retries never double-send. */
  dedupeKey: string;
  kind: 'card.post' | 'card.update' | 'thread.note' | 'dm' | 'digest';
  itemId: string | null;
  platform: string;
  payload: Record<string, unknown>;
  nextAttemptAt: Date;
}

export interface OutboxRow extends OutboxMessage {
  id: bigint;
  attempts: number;
}

/** A planned change of one item, applied only if the item is still at `expectedVersion`. */
export interface Transition {
  itemId: string;
  expectedVersion: number;
  patch: ItemPatch;
  audit: AuditRecord[];
  outbox: OutboxMessage[];
}

export type IngestWrite =
  | { kind: 'new'; message: NewMessage; item: WorkItem; audit: AuditRecord[]; outbox: OutboxMessage[] }
  | { kind: 'follow-up'; message: NewMessage; itemId: string; expectedVersion: number; patch: ItemPatch; audit: AuditRecord[]; outbox: OutboxMessage[] };

/** `duplicate`: (source, externalId) already stored. `conflict`: the thread's item was created or changed concurrently; re-read and retry. */
export type IngestOutcome = { status: 'stored'; item: WorkItem } | { status: 'duplicate' } | { status: 'conflict' };

/**
 * What ingestion reads and writes inside its one transaction (`Store.ingestAtomically`): the
 * reads see the transaction's own earlier writes, so a batch can thread its own messages.
 */
export interface IngestTx {
  findMessageItem(source: string, externalId: string): Promise<WorkItem | null>;
  /** The thread's item, held against concurrent changes (clicks) until the transaction ends. */
  findItemByThread(threadKey: string): Promise<WorkItem | null>;
  /** Both look-ups of a message whose thread key is known up front, in one round trip: `findMessageItem` and `findItemByThread`. */
  findMessageAndThread(source: string, externalId: string, threadKey: string): Promise<{ message: WorkItem | null; thread: WorkItem | null }>;
  findThreadOfResource(source: string, resourceId: string): Promise<string | null>;
  /**
   * Takes the ingestion locks on these keys (threads, message ids) until the transaction ends,
   * in one fixed order, so two requests locking the same keys together cannot deadlock.
   */
  lock(keys: string[]): Promise<void>;
  saveIngest(write: IngestWrite): Promise<IngestOutcome>;
}

/** Thrown inside `ingestAtomically` when what was read moved on: the store rolls back and runs the whole function again. */
export class IngestConflict extends Error {
  constructor() {
    super('the thread changed while this request was being stored');
    this.name = 'IngestConflict';
  }
}

export interface ItemQuery {
  states?: ItemState[];
  queue?: string;
  ownerId?: string;
  /** Only items whose next reminder (or snooze end) is at or before this instant, soonest first. */
  dueBefore?: Date;
  limit?: number;
}

export interface PlatformPostRef {
  itemId: string;
  platform: string;
  kind: string;
  channel: string;
  messageId: string;
}

/** What one decision writes to one item: the patch, its audit events and its outbox rows. */
export interface PlannedChange {
  patch: ItemPatch;
  audit: AuditRecord[];
  outbox: OutboxMessage[];
}

/** Items a person owns in one state (workload): CLAIMED, SNOOZED or ESCALATED. */
export type OwnedCount = WorkloadCount;

/** An auto-assignment, applied only under the assignee's cap (`Store.assignUnderCap`). */
export interface CappedAssignment {
  itemId: string;
  expectedVersion: number;
  /** Its queue: the round-robin place moves to `assignee` with the assignment. */
  queue: string;
  assignee: string;
  maxOpen: number;
  /** The claim to write, once the assignee's open items (before this one) are counted under their lock: the audit names the count. */
  plan(openBefore: number): PlannedChange;
}

/** `full`: the assignee already holds `open` ≥ maxOpen items. `moved`: the item changed since it was read (someone claimed it). */
export type CappedOutcome = { status: 'assigned'; item: WorkItem; openBefore: number } | { status: 'full'; open: number } | { status: 'moved' };

/** `applied`: the item as updated. Otherwise the item as it is now (null when it does not exist), read in the same round trip. */
export type TransitionOutcome = { applied: true; item: WorkItem } | { applied: false; current: WorkItem | null };

/** The database, as the use cases need it. Implemented with Prisma in `src/store`, and in memory for tests. */
export interface Store extends ConsoleStore {
  findMessageItem(source: string, externalId: string): Promise<WorkItem | null>;
  findItem(id: string): Promise<WorkItem | null>;
  findItemByThread(threadKey: string): Promise<WorkItem | null>;
  /** Thread key of the message the sender knows by `resourceId` (FHIR `inResponseTo`). */
  findThreadOfResource(source: string, resourceId: string): Promise<string | null>;
  listItems(q: ItemQuery): Promise<WorkItem[]>;
  countByQueueAndState(): Promise<Array<{ queue: string; state: ItemState; count: number }>>;
  messagesOf(itemId: string): Promise<StoredMessage[]>;
  auditOf(itemId: string): Promise<AuditRecord[]>;
  /** Message, item change, audit and outbox rows in one transaction. */
  saveIngest(write: IngestWrite): Promise<IngestOutcome>;
  /**
   * Runs `fn` as ONE transaction: everything it writes through `tx` is stored, or nothing is.
   * `fn` is run again from the start after a transient conflict (a deadlock, a lost unique-key
   * race, an `IngestConflict`), so it must read and write only through `tx`.
   */
  ingestAtomically<T>(fn: (tx: IngestTx) => Promise<T>): Promise<T>;
  /** Applies `patch` only if the item is still at `expectedVersion` (optimistic concurrency); null when it moved on. */
  applyTransition(itemId: string, expectedVersion: number, patch: ItemPatch, audit: AuditRecord[], outbox: OutboxMessage[]): Promise<WorkItem | null>;
  /** `applyTransition` that, when the version moved on, answers with the current item: a losing click re-decides without reading again. */
  applyTransitionOrCurrent(itemId: string, expectedVersion: number, patch: ItemPatch, audit: AuditRecord[], outbox: OutboxMessage[]): Promise<TransitionOutcome>;
  /**
   * Applies a batch of transitions in one go, each as `applyTransition` would: only if its item
   * is still at `expectedVersion`, with its audit events and outbox rows only if it was. Returns
   * each updated item, or null where it was not applied (the version moved on, or another writer
   * holds the item right now), in batch order. `now` stamps `updatedAt`. Each item once per batch.
   */
  applyTransitions(batch: Transition[], now: Date): Promise<Array<WorkItem | null>>;
  /**
   * Claims an item for `assignee` only if it is still at `expectedVersion` AND they hold fewer
   * than `maxOpen` open items (CLAIMED + SNOOZED owned, any queue). Serialised per assignee
   * across instances (the count and the claim in one transaction under their lock), so
   * concurrent auto-assignments never exceed the cap. With the claim, `queue`'s round-robin
   * place moves to the assignee.
   */
  assignUnderCap(a: CappedAssignment): Promise<CappedOutcome>;
  /**
   * "Next item": takes the OPEN item of the highest priority, then the oldest, in `queues` and
   * writes `plan(item)` for it, atomically: two people asking at once get two different items
   * (an item another request holds is passed over, not waited for). Null when there is none,
   * or when `plan` declines it.
   */
  claimNextOpen(queues: string[], plan: (item: WorkItem) => PlannedChange | null): Promise<WorkItem | null>;
  /** OPEN items of these queues, highest priority first, then the oldest (the order work is handed out in). */
  openItemsOf(queues: string[], limit: number): Promise<WorkItem[]>;
  /** Round-robin places: the last person auto-assigned, per queue. */
  lastAssignees(): Promise<Map<string, string>>;
  /** Items each person owns, per state, among CLAIMED, SNOOZED and ESCALATED (workload; the cap counts the first two). */
  ownedCounts(): Promise<OwnedCount[]>;
  appendAudit(records: AuditRecord[]): Promise<void>;
  /** Queues rows; returns how many were new (a repeated dedupe key adds nothing). */
  enqueue(outbox: OutboxMessage[]): Promise<number>;
  /** Whether an outbox row with this dedupe key was ever queued (sent or not). */
  outboxHas(dedupeKey: string): Promise<boolean>;
  /** Open items plus items created or resolved since `since` (digest input). */
  digestItems(since: Date): Promise<WorkItem[]>;
  /**
   * The digest's numbers at `now`, as `aggregateDigest(digestItems(since), now, oldestCount)`
   * would compute them, without reading the items (the SQL store aggregates in the database).
   */
  digestAggregates(now: Date, since: Date, oldestCount: number): Promise<DigestAggregates>;
  /**
   * Takes up to `limit` due outbox rows, leasing them for `leaseMs` so no other worker takes them.
   * Card updates and thread notes of cards already posted come first; at most `maxOthers`
   * (default `limit`) of the rows are others (new posts, DMs, digests), oldest first.
   */
  takeOutbox(now: Date, limit: number, leaseMs: number, maxOthers?: number): Promise<OutboxRow[]>;
  completeOutbox(id: bigint, now: Date): Promise<void>;
  retryOutbox(id: bigint, error: string, nextAttemptAt: Date): Promise<void>;
  outboxStats(now: Date): Promise<{ pending: number; oldestAgeSeconds: number }>;
  savePlatformPost(ref: PlatformPostRef, now: Date): Promise<void>;
  findPlatformPost(itemId: string, platform: string, kind: string): Promise<PlatformPostRef | null>;
  /** Every post of an item on a platform whose kind starts with `kindPrefix` (e.g. `copy:`: DM and pool copies), oldest first. */
  platformPostsOf(itemId: string, platform: string, kindPrefix: string): Promise<PlatformPostRef[]>;
  /** Platform conversation references (Teams proactive messaging), keyed e.g. `teams:channel:<id>` or `teams:user:<aadId>`. */
  saveConversationRef(key: string, platform: string, reference: Record<string, unknown>, now: Date): Promise<void>;
  findConversationRef(key: string): Promise<Record<string, unknown> | null>;
  /** Retention: clears message text (body, subject) received before `before`; returns how many. The audit trail is untouched. */
  purgeMessageText(before: Date, now: Date): Promise<number>;
  /** Takes or renews a named lease until now + ttl; true if `holder` holds it (scheduler leadership). */
  tryLease(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;

  // Away periods (src/domain/availability.ts). Every change comes with its audit events, written together.
  /** Periods under way or still to come after `after` (not over, not ended by then), of one person or everyone, soonest first. */
  awayPeriods(q: { after: Date; staffKey?: string }): Promise<AwayPeriod[]>;
  /** Periods whose start is due at `at` (begun, not over, not ended) and not yet applied (`startedAt` null), soonest first. */
  dueAwayStarts(at: Date): Promise<AwayPeriod[]>;
  /** Stores a new period and its audit events in one transaction. */
  saveAway(period: AwayPeriod, audit: AuditRecord[]): Promise<void>;
  /** Ends a period early at `at`, only if it has not ended yet; its audit events only if it did. The period as ended, or null. */
  endAway(id: string, at: Date, by: string, audit: AuditRecord[]): Promise<AwayPeriod | null>;
  /** Records that the period's start was applied, once: true for the one caller that recorded it, false when it already was. */
  markAwayStarted(id: string, at: Date): Promise<boolean>;
}
