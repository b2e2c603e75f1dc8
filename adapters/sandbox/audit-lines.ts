import type { AuditRecord } from '../../src/domain/audit.ts';
import { STATE_LABELS, type StaffTextPolicy } from '../../src/domain/card.ts';
import type { Roster } from '../../src/domain/roster.ts';
import { localTimeLabel } from '../../src/domain/business-time.ts';
import { SENT_IN_FUTURE_NOTE } from '../../src/domain/sent-time.ts';
import { timeLabel, type LineClock } from './time-label.ts';

/** One line of an item's thread, as the page shows it. Built from the audit trail, so it survives restarts. */
export interface ThreadLine {
  at: string;
  /** "14:05" today, "Mon 30 Nov, 14:05" another day, in the organisation's zone; `atTitle` names the zone. */
  atLabel: string;
  atTitle: string;
  actor: string;
  action: string;
  fromState: string | null;
  toState: string | null;
  /** The states as cards name them ("With a physician"), so the page has no wording of its own. */
  fromLabel: string | null;
  toLabel: string | null;
  text: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const label = (state: string | null | undefined) => (state ? (STATE_LABELS[state as keyof typeof STATE_LABELS] ?? state) : null);

/** Why an attempt was refused, in words (the dotted codes are for machines). */
const REFUSALS: Record<string, string> = {
  'item.already_claimed': 'someone else had it',
  'item.not_authorized': 'not allowed',
  'item.invalid_transition': 'not possible in that state',
  'item.invalid_target': 'invalid target',
  'item.reason_required': 'no reason given',
  'item.stale': 'the item was changing',
  'staff.unknown': 'not on the roster',
};

/**
 * Renders audit events as readable sentences with staff names. Uses only what the audit holds
 * (actors, states, staff-written reasons): never message text. Reasons are staff free text: with
 * `summary` a line says one was recorded instead of quoting it.
 */
export function threadLines(records: AuditRecord[], roster: Roster, clock: LineClock, staffText: StaffTextPolicy = 'summary'): ThreadLine[] {
  const name = (key: string | undefined) => {
    if (!key) return 'someone';
    if (key === 'physician-pool') return 'the physician pool';
    if (key === 'system' || key === 'baton') return 'Baton';
    if (key.startsWith('ingest:')) return `the ${key.slice('ingest:'.length)} feed`;
    return roster.member(key)?.name ?? key;
  };
  // An escalation addressed to someone away went to their cover, or the pool (act-on-item.ts).
  const passedOver = (d: Record<string, unknown>) =>
    str(d.coveringFor) ? ` (covering for ${name(str(d.coveringFor))})` : d.away === true ? ` (${name(str(d.addressedTo))} is away)` : '';
  const queueName = (key: string | undefined) => (key ? (roster.queue(key)?.name ?? key) : 'a queue');
  return records.map((r) => {
    const who = name(r.actor);
    const d = r.detail ?? {};
    const recorded = r.action === 'item.return' ? 'instructions' : r.action === 'item.resolve' ? 'note' : 'reason';
    const why = !r.reason ? '' : staffText === 'show' ? `: ${r.reason}` : ` — ${recorded} recorded`;
    const until = str(d.until);
    const future = str(d.sentAtInFuture) ? ` (${SENT_IN_FUTURE_NOTE})` : '';
    const texts: Record<string, () => string> = {
      'item.created': () => `Message received from ${who} into ${queueName(str(d.queue))}${future}`,
      'item.follow_up': () => `The patient sent a follow-up message${future}`,
      'item.reopened_by_message': () => `Reopened by a new message from the patient${future}`,
      'item.claim': () => `${who} claimed it`,
      'item.release': () => `${who} released it to the queue`,
      'item.reassign': () => `${who} handed it to ${name(str(d.to))}${passedOver(d)}`,
      'item.away_handover': () => `${name(str(d.away))} is away: ${d.to === 'queue' ? 'back to the queue' : d.to === 'physician-pool' ? 'back to the physician pool' : `handed to ${name(str(d.to))}, covering`}`,
      'item.snooze': () => `${who} snoozed it until ${until ? localTimeLabel(new Date(until), clock.zone) : 'later'}${why}`,
      'item.escalate': () => `${who} escalated it to ${name(str(d.to))}${passedOver(d)}${str(d.onCall) ? ` (on call: ${name(str(d.onCall))}, first)` : ''}${why}`,
      'item.return': () => `${who} returned it to the team${why}`,
      'item.resolve': () => `${who} resolved it${why}`,
      'item.reroute': () => `${who} moved it from ${queueName(str(d.from))} to ${queueName(str(d.to))}`,
      'item.reopen': () => `${who} reopened it`,
      'item.view': () => `${who} viewed the message text`,
      'item.denied': () => `${who} tried to ${str(d.command) ?? 'act'} and was refused: ${REFUSALS[str(d.code) ?? ''] ?? str(d.code) ?? 'denied'}`,
      // The scheduler at the snooze's end, or a person's Wake now.
      'item.wake': () => (r.actor === 'system' ? 'Snooze ended: back to work' : `${who} woke it: back to work`),
      'escalation.pool_fallback': () => `${name(str(d.onCall))} (on call) had not taken it: sent to the whole physician pool`,
      'reminder.sent': () => `Reminder level ${String(d.level ?? '?')} sent (${str(d.notify) ?? 'channel'})`,
    };
    const t = timeLabel(r.at, clock.now, clock.zone);
    return {
      at: t.at,
      atLabel: t.label,
      atTitle: t.title,
      actor: who,
      action: r.action,
      fromState: r.fromState ?? null,
      toState: r.toState ?? null,
      fromLabel: label(r.fromState),
      toLabel: label(r.toState),
      text: texts[r.action]?.() ?? `${who}: ${r.action}`,
    };
  });
}
