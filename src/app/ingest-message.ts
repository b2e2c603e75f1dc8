import type { AuditRecord } from '../domain/audit.ts';
import { resumeStateOf } from '../domain/commands.ts';
import { patientToken } from '../domain/patient-token.ts';
import { slaPatch } from '../domain/sla.ts';
import { triage } from '../domain/triage/index.ts';
import { maxPriority, type Priority } from '../domain/types.ts';
import type { ItemPatch, WorkItem } from '../domain/work-item.ts';
import { queueFor, type AppContext } from './context.ts';
import { cardPosts, cardUpdates } from './outbox-messages.ts';
import type { NewMessage } from './ports.ts';

/** A portal message after edge validation, whatever its wire format (generic JSON or FHIR). */
export interface IncomingMessage {
  source: string;
  externalId: string;
  /** The sender's resource id (FHIR `Communication.id`), if it has one. */
  resourceId?: string | undefined;
  threadId?: string | undefined;
  /** Resource id of the message this one answers (FHIR `inResponseTo`), when no thread id is given. */
  inResponseTo?: string | undefined;
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
}

const summary = (item: WorkItem, duplicate: boolean): IngestResult => ({ itemId: item.id, queue: item.queue, priority: item.priority, duplicate });

/**
 * Stores a portal message and its work item, audit event and card outbox rows in one
 * transaction. Idempotent on (source, externalId); a message in a known thread joins that
 * thread's item (reopening it if resolved) instead of creating a second card.
 */
export async function ingestMessage(ctx: AppContext, msg: IncomingMessage): Promise<IngestResult> {
  // A race (two deliveries of one thread at once) is settled by unique keys; re-reading then
  // takes the follow-up path. Three rounds is more than two writers can need.
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await ctx.store.findMessageItem(msg.source, msg.externalId);
    if (existing) return summary(existing, true);
    const now = ctx.clock.now();
    const threadKey = await threadKeyOf(ctx, msg);
    const t = triage({ subject: msg.subject, body: msg.body, categoryHint: msg.category }, ctx.triageRules);
    const thread = await ctx.store.findItemByThread(threadKey);
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
      sentAt: msg.sentAt,
      receivedAt: now,
    };
    const audit = (item: WorkItem, action: string, fromState: string | null, detail: Record<string, unknown>): AuditRecord => ({
      itemId: item.id, actor: `ingest:${msg.source}`, platform: 'api', action, fromState, toState: item.state, detail, at: now,
    });
    const triageDetail = { category: t.category, priority: t.priority, redFlags: t.redFlags, clinicalContent: t.clinicalContent, languages: t.languages, messageId: message.id };

    const outcome = thread
      ? await ctx.store.saveIngest(followUp(ctx, thread, message, t, now, audit, triageDetail))
      : await ctx.store.saveIngest(newItem(ctx, message, msg, t, now, audit, triageDetail));
    if (outcome.status === 'stored') return summary(outcome.item, false);
  }
  throw new Error('ingest did not settle after concurrent writers; the sender may retry safely');
}

/** Thread id if given; else the thread of the message it answers; else the message starts its own thread. */
async function threadKeyOf(ctx: AppContext, msg: IncomingMessage): Promise<string> {
  if (msg.threadId) return `${msg.source}:${msg.threadId}`;
  if (msg.inResponseTo) {
    const known = await ctx.store.findThreadOfResource(msg.source, msg.inResponseTo);
    return known ?? `${msg.source}:${msg.inResponseTo}`;
  }
  return `${msg.source}:${msg.resourceId ?? msg.externalId}`;
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
    escalatedBy: null,
    escalationReason: null,
    snoozedUntil: null,
    patientId: msg.patient.id,
    patientToken: patientToken(msg.patient, ctx.card.patientToken),
    patientPcp: msg.patient.pcp ?? null,
    link: msg.link ?? null,
    version: 1,
    messageCount: 1,
    everEscalated: false,
    // A sender's clock running ahead must not make a message look younger than it is.
    firstMessageAt: msg.sentAt < now ? msg.sentAt : now,
    lastMessageAt: msg.sentAt < now ? msg.sentAt : now,
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
    outbox: cardPosts(ctx.platforms, item.id, item.queue, now),
  };
}

function followUp(ctx: AppContext, thread: WorkItem, message: NewMessage, t: Triaged, now: Date, audit: AuditFn, detail: Record<string, unknown>) {
  const redFlag = t.redFlags.length > 0;
  const patch: ItemPatch = {
    messageCount: thread.messageCount + 1,
    lastMessageAt: message.sentAt > thread.lastMessageAt ? message.sentAt : thread.lastMessageAt,
    priority: maxPriority(thread.priority, t.priority),
  };
  if (t.clinicalContent && !thread.clinicalContent) patch.clinicalContent = true;
  const redFlags = [...new Set([...thread.redFlags, ...t.redFlags])];
  // A follow-up on a resolved item reopens it; a new red flag on unowned work moves it to the clinical queue.
  if (thread.state === 'RESOLVED') Object.assign(patch, { state: 'OPEN', ownerId: null, resolvedAt: null });
  // The patient answered what the item was waiting on: wake it now rather than at the snooze's end.
  if (thread.state === 'SNOOZED') {
    const state = resumeStateOf(thread);
    Object.assign(patch, { state, resumeState: null, snoozedUntil: null, ownerId: state === 'OPEN' ? null : thread.ownerId });
  }
  const unowned = (patch.state ?? thread.state) === 'OPEN';
  if (redFlag && unowned) patch.queue = ctx.routing.redFlagQueue;
  const next = { ...thread, ...patch, redFlags };
  Object.assign(patch, slaPatch(next, thread.state === 'RESOLVED' ? 'reopen' : 'follow_up', ctx.sla, now));
  const after = { ...next, ...patch };
  const note = thread.state === 'RESOLVED' ? 'New patient message: item reopened' : 'New patient message in this thread';
  return {
    kind: 'follow-up' as const,
    message,
    itemId: thread.id,
    expectedVersion: thread.version,
    patch: { ...patch, redFlags },
    audit: [audit(after, thread.state === 'RESOLVED' ? 'item.reopened_by_message' : 'item.follow_up', thread.state, detail)],
    outbox: cardUpdates(ctx.platforms, thread.id, after.queue, thread.version + 1, now, note),
  };
}
