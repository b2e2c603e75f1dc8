import type { AuditRecord } from '../../src/domain/audit.ts';
import { STATE_LABELS, type StaffTextPolicy } from '../../src/domain/card.ts';
import type { Roster } from '../../src/domain/roster.ts';
import { actorName, auditSentence } from '../../src/domain/audit-text.ts';
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

const label = (state: string | null | undefined) => (state ? (STATE_LABELS[state as keyof typeof STATE_LABELS] ?? state) : null);

/**
 * Renders audit events as readable sentences with staff names. Uses only what the audit holds
 * (actors, states, staff-written reasons): never message text. Reasons are staff free text: with
 * `summary` a line says one was recorded instead of quoting it.
 */
export function threadLines(records: AuditRecord[], roster: Roster, clock: LineClock, staffText: StaffTextPolicy = 'summary'): ThreadLine[] {
  return records.map((r) => {
    const who = actorName(r.actor, roster);
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
      text: auditSentence(r, roster, clock.zone, staffText),
    };
  });
}
