import { escalationTarget, NO_COVERAGE, type Coverage } from './availability.ts';
import type { Roster, StaffMember } from './roster.ts';
import type { WorkItem } from './work-item.ts';

/**
 * Who an item may be handed to, for the pickers chat platforms show (Slack's reassign modal,
 * Teams' choice set). Escalated work goes physician to physician; queue work stays with the
 * people who work that queue (members and its lead). The current owner is left out. The
 * command is still checked by `decide` when it arrives: this list only keeps the picker honest.
 */
export function reassignTargets(item: Pick<WorkItem, 'state' | 'queue' | 'ownerId'>, roster: Roster): StaffMember[] {
  if (item.state === 'ESCALATED') return roster.physicians().filter((p) => p.key !== item.ownerId);
  const q = roster.queue(item.queue);
  if (!q) return [];
  const keys = [...new Set([...q.members, ...(q.lead ? [q.lead] : [])])];
  return keys
    .map((k) => roster.member(k))
    .filter((s): s is StaffMember => s !== undefined && s.key !== item.ownerId);
}

/**
 * The physician an escalation is offered to by default: the patient's PCP when they are a
 * physician on the roster — while the PCP is away, her covering physician, or nobody when none
 * covers — else nobody (the pool).
 */
export function defaultEscalationTarget(item: Pick<WorkItem, 'patientPcp'>, roster: Roster, coverage: Coverage = NO_COVERAGE): StaffMember | null {
  const pcp = item.patientPcp ? roster.member(item.patientPcp) : undefined;
  return pcp?.physician ? escalationTarget(pcp, coverage).to : null;
}
