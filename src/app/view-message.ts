import { fail, type Failure } from '../domain/result.ts';
import type { AppContext } from './context.ts';
import type { StoredMessage } from './ports.ts';
import { teamNotes, type StaffNote } from './team-notes.ts';
import { sentInFuture } from '../domain/sent-time.ts';
import { triage, type TriageRules } from '../domain/triage/index.ts';

/** What "View message" shows once the retention period removed the text; the EHR keeps the original. */
export const PURGED = '(Message text removed after the retention period. The original is in the EHR.)';

/** Words triage read as a finding, in one field of one message: shown highlighted, privately. */
export interface Highlight {
  field: 'subject' | 'body';
  start: number;
  end: number;
  /** The rule's plain name ("chest pain"), or "clinical content". */
  label: string;
}

export type ViewedMessage = Pick<StoredMessage, 'subject' | 'body' | 'sentAt' | 'receivedAt'> & {
  highlights: Highlight[];
  /** `sentAt` is further ahead of `receivedAt` than clock skew explains: show the received time, and say so. */
  sentInFuture: boolean;
};

export type ViewOutcome = { ok: true; messages: ViewedMessage[]; notes: StaffNote[] } | Failure;

/** Sorted, non-overlapping highlights (the first of two overlapping spans wins). */
function highlightsOf(subject: string | null, body: string | null, rules: TriageRules): Highlight[] {
  if (body === null) return [];
  const t = triage({ subject: subject ?? '', body }, rules);
  const all: Highlight[] = [
    ...t.explanation.redFlags.flatMap((r) => r.evidence.map((e) => ({ field: e.field, start: e.start, end: e.end, label: r.label }))),
    ...t.explanation.clinicalContent.map((e) => ({ field: e.field, start: e.start, end: e.end, label: 'clinical content' })),
  ].sort((a, b) => (a.field === b.field ? a.start - b.start : a.field === 'subject' ? -1 : 1));
  const out: Highlight[] = [];
  for (const h of all) {
    const last = out.at(-1);
    if (h.end > h.start && !(last && last.field === h.field && h.start < last.end)) out.push(h);
  }
  return out;
}

/**
 * "View message": the patient's words and the team's notes on the item, shown privately to one
 * person and audited (DESIGN.md §6). Allowed to the queue's team, physicians on escalated items,
 * leads and managers.
 */
export async function viewMessage(ctx: AppContext, req: { itemId: string; actorKey: string; platform: string }): Promise<ViewOutcome> {
  const item = await ctx.store.findItem(req.itemId);
  const actor = ctx.roster.member(req.actorKey);
  const now = ctx.clock.now();
  let outcome: ViewOutcome;
  if (!item) outcome = fail('item.not_found', 'That item no longer exists.');
  else if (!actor) outcome = fail('staff.unknown', 'You are not on the Baton roster; ask your practice manager to add you.');
  else {
    const allowed =
      ctx.roster.isMember(actor.key, item.queue) ||
      ctx.roster.supervises(actor.key, item.queue) ||
      (actor.physician && (item.everEscalated || item.patientPcp === actor.key));
    if (!allowed) outcome = fail('item.not_authorized', 'You are not allowed to read this message.');
    else {
      const messages = await ctx.store.messagesOf(item.id);
      const notes = await teamNotes(ctx, item.id);
      outcome = {
        ok: true,
        messages: messages.map((m) => ({
          subject: m.subject,
          body: m.body ?? PURGED,
          sentAt: m.sentAt,
          receivedAt: m.receivedAt,
          sentInFuture: sentInFuture(m.sentAt, m.receivedAt),
          highlights: highlightsOf(m.subject, m.body, ctx.triageRules),
        })),
        notes,
      };
    }
  }
  await ctx.store.appendAudit([
    {
      itemId: item?.id ?? null,
      actor: req.actorKey,
      platform: req.platform,
      action: outcome.ok ? 'item.view' : 'item.denied',
      fromState: item?.state ?? null,
      toState: item?.state ?? null,
      detail: outcome.ok ? { messages: outcome.messages.length, notes: outcome.notes.length } : { command: 'view', code: outcome.code },
      at: now,
    },
  ]);
  return outcome;
}
