import type { AuditRecord } from '../domain/audit.ts';
import { wakePatch } from '../domain/commands.ts';
import { patientToken } from '../domain/patient-token.ts';
import { countedSentAt, sentInFuture } from '../domain/sent-time.ts';
import { slaPatch } from '../domain/sla.ts';
import { triage } from '../domain/triage/index.ts';
import { maxPriority, type Priority } from '../domain/types.ts';
import { categoryAfterFollowUp, clearCoverOnOwnerChange, itemRef, type ItemPatch, type WorkItem } from '../domain/work-item.ts';
import { assignNewItems } from './auto-assign.ts';
import { queueFor, type AppContext } from './context.ts';
import { cardPosts, cardUpdates, directMessages, threadNotices } from './outbox-messages.ts';
import { IngestConflict, type IngestTx, type NewMessage, type OutboxMessage } from './ports.ts';

/** A portal message after edge validation, whatever its wire format (generic JSON or FHIR). */
export interface IncomingMessage {
  source: string;
  externalId: string;
  /** The sender's resource id (FHIR `Communication.id`), if it has one. */
  resourceId?: string | undefined;
  threadId?: string | undefined;
  /** Resource id of the message this one answers (FHIR `inResponseTo`), when no thread id is given. */
  inResponseTo?: string | undefined;
  /** External id of the message this one answers, when the sender names it by identifier instead (FHIR `inResponseTo.identifier`). */
  inResponseToMessage?: string | undefined;
  sentAt: Date;
  patient: { id: string; name?: string | undefined; mrn?: string | undefined; pcp?: string | undefined };
  subject?: string | undefined;
  body: string;
  category?: string | undefined;
  link?: string | undefined;
}

export interface IngestResult {
  itemId: string;
  queue: string;
  priority: Priority;
  duplicate: boolean;
  /**
   * Present when the message's `sentAt` was further in the future than clock skew explains
   * (`sentInFuture`): it was stored as sent, and its age counts from when it was received.
   */
  sentAtInFuture?: { sentAt: string; countedFrom: string };
}

const summary = (item: WorkItem, duplicate: boolean, message?: Pick<NewMessage, 'sentAt' | 'receivedAt'>): IngestResult => ({
  itemId: item.id,
  queue: item.queue,
  priority: item.priority,
  duplicate,
  ...(message && sentInFuture(message.sentAt, message.receivedAt) ? { sentAtInFuture: { sentAt: message.sentAt.toISOString(), countedFrom: message.receivedAt.toISOString() } } : {}),
});

/**
 * A message names a thread (its `threadId`, or the message it answers) that belongs to another
 * patient. A thread is one patient's conversation: joining it would put this patient's words on
 * another patient's card and in their "View message". Which link joined it is named, never the ids.
 */
export class ThreadOfAnotherPatient extends Error {
  constructor(readonly via: 'threadId' | 'inResponseTo') {
    super('the thread this message names belongs to another patient');
    this.name = 'ThreadOfAnotherPatient';
  }
}

/** A request's messages could not all be stored, so none was: which one failed (`index`), and why (`cause`). */
export class IngestFailed extends Error {
  constructor(
    /** The message that failed, 0-based; undefined when the transaction failed before reaching any. */
    readonly index: number | undefined,
    cause: unknown,
  ) {
    super(index === undefined ? 'the request could not be stored; nothing was stored' : `message ${index} could not be stored; nothing from the request was stored`, { cause });
    this.name = 'IngestFailed';
  }
}

/**
 * Stores a portal message and its work item, audit event and card outbox rows in one
 * transaction. Idempotent on (source, externalId); a message in a known thread joins that
 * thread's item (reopening it if resolved) instead of creating a second card.
 */
export async function ingestMessage(ctx: AppContext, msg: IncomingMessage): Promise<IngestResult> {
  return (await ingestMessages(ctx, [msg]))[0]!;
}

/**
 * Stores every message of one request in ONE transaction: all of them or none (an
 * `IngestFailed` naming the message that failed). Each message's thread and id are locked for
 * the transaction, so concurrent messages into one thread queue up and each lands exactly once,
 * instead of racing on the item's version. A repeat of a stored message is not a failure: it
 * answers `duplicate: true`.
 */
export async function ingestMessages(ctx: AppContext, msgs: IncomingMessage[]): Promise<IngestResult[]> {
  let at: number | undefined;
  let created: WorkItem[] = [];
  let results: IngestResult[];
  try {
    results = await ctx.store.ingestAtomically(async (tx) => {
      at = undefined;
      created = [];
      await tx.lock(msgs.flatMap(lockKeysOf));
      const out: IngestResult[] = [];
      for (at = 0; at < msgs.length; at++) out.push(await ingestInto(ctx, tx, msgs[at]!, created));
      at = undefined;
      return out;
    });
  } catch (e) {
    throw new IngestFailed(at, e);
  }
  await assignAfterIngest(ctx, created);
  return results;
}

/**
 * New items of auto-assigning queues get their owner now, after the commit (their card posts are
 * queued). The messages are stored whatever happens here: a failure only leaves the items in
 * their channel, counted in the metrics (`auto-assign`, `error`), for the scheduler's next pass.
 */
async function assignAfterIngest(ctx: AppContext, created: WorkItem[]): Promise<void> {
  if (!created.length) return;
  try {
    await assignNewItems(ctx, created, ctx.clock.now());
  } catch {
    ctx.telemetry?.acted('auto-assign', 'error');
  }
}

/** The locks a message needs: its own id (two deliveries of it) and the thread it will most likely join. */
function lockKeysOf(msg: IncomingMessage): string[] {
  return [`message:${msg.source}:${msg.externalId}`, `thread:${predictedThreadKey(msg)}`];
}

async function ingestInto(ctx: AppContext, tx: IngestTx, msg: IncomingMessage, created: WorkItem[]): Promise<IngestResult> {
  // Under the locks nothing else ingests into this thread; a click on its item may still move it
  // on between the read and the write (the store holds the row, so this is rare): re-read then.
  for (let attempt = 0; attempt < 3; attempt++) {
    // Most messages name their thread themselves: then the duplicate check and the thread are one read.
    const direct = threadKeyGiven(msg);
    const both = direct ? await tx.findMessageAndThread(msg.source, msg.externalId, direct) : null;
    const existing = both ? both.message : await tx.findMessageItem(msg.source, msg.externalId);
    if (existing) return summary(existing, true);
    const now = ctx.clock.now();
    const threadKey = direct ?? (await threadKeyOf(tx, msg));
    const t = triage({ subject: msg.subject, body: msg.body, categoryHint: msg.category }, ctx.triageRules);
    const thread = both ? both.thread : await tx.findItemByThread(threadKey);
    if (thread && thread.patientId !== msg.patient.id) throw new ThreadOfAnotherPatient(msg.threadId ? 'threadId' : 'inResponseTo');
    const message: NewMessage = {
      id: ctx.newId(),
      source: msg.source,
      externalId: msg.externalId,
      resourceId: msg.resourceId ?? null,
      threadKey,
      itemId: thread?.id ?? ctx.newId(),
      patientId: msg.patient.id,
      patientName: msg.patient.name ?? null,
      patientMrn: msg.patient.mrn ?? null,
      subject: msg.subject ?? null,
      body: msg.body,
      categoryHint: msg.category ?? null,
      link: msg.link ?? null,
      // As sent, even when it is in the future: ages count from `countedSentAt`, the record keeps the sender's word.
      sentAt: msg.sentAt,
      receivedAt: now,
    };
    const audit = (item: WorkItem, action: string, fromState: string | null, detail: Record<string, unknown>): AuditRecord => ({
      itemId: item.id, actor: `ingest:${msg.source}`, platform: 'api', action, fromState, toState: item.state, detail, at: now,
    });
    const triageDetail = {
      category: t.category, priority: t.priority, redFlags: t.redFlags, clinicalContent: t.clinicalContent, languages: t.languages, messageId: message.id,
      ...(sentInFuture(message.sentAt, now) ? { sentAtInFuture: message.sentAt.toISOString() } : {}),
    };

    const outcome = thread
      ? await tx.saveIngest(followUp(ctx, thread, message, t, now, audit, triageDetail))
      : await tx.saveIngest(newItem(ctx, message, msg, t, now, audit, triageDetail));
    if (outcome.status === 'stored') {
      if (!thread) created.push(outcome.item);
      return summary(outcome.item, false, message);
    }
  }
  throw new IngestConflict();
}

/** The thread key as far as the message itself says; `inResponseTo` may resolve to another one (threadKeyOf). */
function predictedThreadKey(msg: IncomingMessage): string {
  if (msg.threadId) return `${msg.source}:${msg.threadId}`;
  if (msg.inResponseTo) return `${msg.source}:${msg.inResponseTo}`;
  if (msg.inResponseToMessage) return `${msg.source}:${msg.inResponseToMessage}`;
  return `${msg.source}:${msg.resourceId ?? msg.externalId}`;
}

/** The thread key when the message alone settles it (a thread id, or no reply to look up); else null. */
function threadKeyGiven(msg: IncomingMessage): string | null {
  return msg.threadId || (!msg.inResponseTo && !msg.inResponseToMessage) ? predictedThreadKey(msg) : null;
}

/** Thread id if given; else the thread of the message it answers; else the message starts its own thread. */
async function threadKeyOf(tx: IngestTx, msg: IncomingMessage): Promise<string> {
  const predicted = predictedThreadKey(msg);
  const given = threadKeyGiven(msg);
  if (given) return given;
  const known = msg.inResponseTo
    ? await tx.findThreadOfResource(msg.source, msg.inResponseTo)
    : ((await tx.findMessageItem(msg.source, msg.inResponseToMessage!))?.threadKey ?? null);
  if (!known || known === predicted) return predicted;
  // Not among the keys locked up front: take it now (a rare out-of-order lock; a deadlock is retried by the store).
  await tx.lock([`thread:${known}`]);
  return known;
}

type Triaged = ReturnType<typeof triage>;
type AuditFn = (item: WorkItem, action: string, from: string | null, detail: Record<string, unknown>) => AuditRecord;

function newItem(ctx: AppContext, message: NewMessage, msg: IncomingMessage, t: Triaged, now: Date, audit: AuditFn, detail: Record<string, unknown>) {
  const base: WorkItem = {
    id: message.itemId,
    seq: 0, // assigned by the database
    threadKey: message.threadKey,
    queue: queueFor(ctx.routing, t.category, t.redFlags.length > 0),
    category: t.category,
    priority: t.priority,
    redFlags: t.redFlags,
    clinicalContent: t.clinicalContent,
    state: 'OPEN',
    resumeState: null,
    ownerId: null,
    coveringFor: null,
    escalatedBy: null,
    escalationReason: null,
    onCallId: null,
    poolFallbackAt: null,
    snoozedUntil: null,
    patientId: msg.patient.id,
    patientToken: patientToken(msg.patient, ctx.card.patientToken),
    patientPcp: msg.patient.pcp ?? null,
    link: msg.link ?? null,
    version: 1,
    messageCount: 1,
    everEscalated: false,
    firstMessageAt: countedSentAt(msg.sentAt, now),
    lastMessageAt: countedSentAt(msg.sentAt, now),
    createdAt: now,
    updatedAt: now,
    claimedAt: null,
    resolvedAt: null,
    claimDueAt: null,
    resolveDueAt: null,
    nextReminderAt: null,
    reminderLevel: 0,
  };
  const item = { ...base, ...slaPatch(base, 'created', ctx.sla, now) };
  return {
    kind: 'new' as const,
    message,
    item,
    audit: [audit(item, 'item.created', null, { ...detail, queue: item.queue })],
    // A red flag pages the queue's group (or its lead) with the card itself; the SLA policy's
    // `repeatEvery` pages again until someone claims it.
    outbox: cardPosts(ctx.platforms, item.id, item.queue, now, item.redFlags.length ? { queue: item.queue, people: [] } : undefined),
  };
}

function followUp(ctx: AppContext, thread: WorkItem, message: NewMessage, t: Triaged, now: Date, audit: AuditFn, detail: Record<string, unknown>) {
  const redFlag = t.redFlags.length > 0;
  const patch: ItemPatch = {
    messageCount: thread.messageCount + 1,
    lastMessageAt: new Date(Math.max(countedSentAt(message.sentAt, now).getTime(), thread.lastMessageAt.getTime())),
    priority: maxPriority(thread.priority, t.priority),
  };
  if (t.clinicalContent && !thread.clinicalContent) patch.clinicalContent = true;
  const redFlags = [...new Set([...thread.redFlags, ...t.redFlags])];
  // The card's title is the item's category: a red flag in a follow-up retitles it.
  const category = categoryAfterFollowUp(thread.category, t);
  if (category !== thread.category) patch.category = category;
  // A follow-up on a resolved item reopens it; a new red flag on unowned work moves it to the clinical queue.
  if (thread.state === 'RESOLVED') Object.assign(patch, { state: 'OPEN', ownerId: null, resolvedAt: null });
  // The patient answered what the item was waiting on: wake it now rather than at the snooze's end.
  if (thread.state === 'SNOOZED') Object.assign(patch, wakePatch(thread));
  Object.assign(patch, clearCoverOnOwnerChange(thread, patch));
  const unowned = (patch.state ?? thread.state) === 'OPEN';
  if (redFlag && unowned) patch.queue = ctx.routing.redFlagQueue;
  const next = { ...thread, ...patch, redFlags };
  Object.assign(patch, slaPatch(next, thread.state === 'RESOLVED' ? 'reopen' : 'follow_up', ctx.sla, now));
  const after = { ...next, ...patch };
  return {
    kind: 'follow-up' as const,
    message,
    itemId: thread.id,
    expectedVersion: thread.version,
    patch: { ...patch, redFlags },
    audit: [audit(after, thread.state === 'RESOLVED' ? 'item.reopened_by_message' : 'item.follow_up', thread.state, detail)],
    outbox: followUpNotices(ctx, thread, after, thread.version + 1, redFlag, now),
  };
}

/**
 * A patient's follow-up bumps the item the way a reminder does, so it is not read only by whoever
 * happens to open the thread: unowned work is announced in the channel and pages the queue's
 * group (or lead); owned work gets a line in the thread and a DM to its owner. Item refs, queue
 * names and staff only: never the message.
 */
function followUpNotices(ctx: AppContext, before: WorkItem, after: WorkItem, version: number, redFlag: boolean, now: Date): OutboxMessage[] {
  const reopened = before.state === 'RESOLVED';
  const ref = itemRef(after);
  const what = `New patient message on ${ref}${redFlag ? ' (red flag)' : ''}${reopened ? ': item reopened' : ''}`;
  // Thread lines go where the card lives: the queue it was first posted in.
  const rows = cardUpdates(ctx.platforms, before.id, before.queue, version, now);
  if (after.state === 'OPEN') {
    rows.push(...threadNotices(ctx.platforms, before.id, before.queue, version, 'follow-up', `${what} (unclaimed)`, { broadcast: true, mention: { queue: after.queue, people: [] } }, now));
  } else {
    rows.push(...threadNotices(ctx.platforms, before.id, before.queue, version, 'follow-up', what, {}, now));
    rows.push(...directMessages(ctx.platforms, before.id, version, after.ownerId, what, now));
  }
  return rows;
}
