import type { AuditRecord } from './audit.ts';
import { localTimeLabel } from './business-time.ts';
import type { StaffTextPolicy } from './card.ts';
import type { Roster } from './roster.ts';
import { SENT_IN_FUTURE_NOTE } from './sent-time.ts';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

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

/** Why the console turned someone away or ended a session, in words. */
const CONSOLE_WORDS: Record<string, string> = {
  no_email: 'no email address from the identity provider',
  email_unverified: 'the identity provider had not verified the address',
  not_on_roster: 'not on the roster',
  not_a_supervisor: 'not a manager or lead',
  provider_error: 'the identity provider refused or failed',
  logout: 'signed out',
  roster: 'the roster no longer lets them in',
  idle: 'idle too long',
  expired: 'the session reached its time limit',
};

/** A staff key as people read it: the roster name, Baton, the feed. */
export function actorName(key: string | undefined, roster: Roster): string {
  if (!key) return 'someone';
  if (key === 'physician-pool') return 'the physician pool';
  if (key === 'system' || key === 'baton') return 'Baton';
  if (key.startsWith('ingest:')) return `the ${key.slice('ingest:'.length)} feed`;
  if (key.startsWith('unknown:')) return `an unknown person (${key.slice('unknown:'.length)})`;
  return roster.staff.find((s) => s.key === key)?.name ?? key;
}

/**
 * One audit event as a sentence with staff names. Uses only what the audit holds (actors,
 * states, staff-written reasons): never message text. Reasons are staff free text: with
 * `summary` the sentence says one was recorded instead of quoting it.
 */
export function auditSentence(r: AuditRecord, roster: Roster, zone: string, staffText: StaffTextPolicy = 'summary'): string {
  const name = (key: string | undefined) => actorName(key, roster);
  const queueName = (key: string | undefined) => (key ? (roster.queue(key)?.name ?? key) : 'a queue');
  const who = name(r.actor);
  const d = r.detail ?? {};
  const recorded = r.action === 'item.return' ? 'instructions' : r.action === 'item.resolve' ? 'note' : 'reason';
  const why = !r.reason ? '' : staffText === 'show' ? `: ${r.reason}` : ` — ${recorded} recorded`;
  const until = str(d.until);
  const future = str(d.sentAtInFuture) ? ` (${SENT_IN_FUTURE_NOTE})` : '';
  const words = (k: unknown) => CONSOLE_WORDS[str(k) ?? ''] ?? str(k) ?? '';
  // An escalation addressed to someone away went to their cover, or the pool (act-on-item.ts).
  const passedOver = str(d.coveringFor) ? ` (covering for ${name(str(d.coveringFor))})` : d.away === true ? ` (${name(str(d.addressedTo))} is away)` : '';
  const texts: Record<string, () => string> = {
    'item.created': () => `Message received from ${who} into ${queueName(str(d.queue))}${future}`,
    'item.follow_up': () => `The patient sent a follow-up message${future}`,
    'item.reopened_by_message': () => `Reopened by a new message from the patient${future}`,
    'item.claim': () => `${who} claimed it`,
    'item.release': () => `${who} released it to the queue`,
    'item.reassign': () => `${who} handed it to ${name(str(d.to))}${passedOver}`,
    'item.away_handover': () => `${name(str(d.away))} is away: ${d.to === 'queue' ? 'back to the queue' : d.to === 'physician-pool' ? 'back to the physician pool' : `handed to ${name(str(d.to))}, covering`}`,
    'item.snooze': () => `${who} snoozed it until ${until ? localTimeLabel(new Date(until), zone) : 'later'}${why}`,
    'item.escalate': () => `${who} escalated it to ${name(str(d.to))}${passedOver}${str(d.onCall) ? ` (on call: ${name(str(d.onCall))}, first)` : ''}${why}`,
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
    'digest.queued': () => `Daily digest queued for ${name(str(d.to))}`,
    'console.sign_in': () => `${who} signed in to the console`,
    'console.sign_in_refused': () => `Console sign-in refused${str(d.email) ? ` for ${str(d.email)}` : ''}: ${words(d.reason)}`,
    'console.sign_out': () => `${who} left the console: ${words(d.reason)}`,
    'console.csrf_refused': () => `A console form sent as ${who} was refused: it did not carry the page's token`,
    'console.export': () => `${who} exported ${String(d.rows ?? 'the')} audit events as CSV`,
  };
  return texts[r.action]?.() ?? `${who}: ${r.action}`;
}
