import { Roster, type AssignmentSettings, type StaffMember } from '../../src/domain/roster.ts';

/**
 * The roster with `queue` auto-assigning (and other queues as they were). `members` replaces
 * the queue's members (in that order: round-robin's turn); `inactive` takes people off the
 * roster, which makes them unavailable; `extra` adds staff.
 */
export function withAssignment(
  roster: Roster,
  queue: string,
  a: Partial<AssignmentSettings> & { policy: AssignmentSettings['policy'] },
  o: { members?: string[]; inactive?: string[]; extra?: StaffMember[] } = {},
): Roster {
  const staff = [...roster.staff, ...(o.extra ?? [])].map((s) => ((o.inactive ?? []).includes(s.key) ? { ...s, active: false } : s));
  const queues = roster.queues.map((q) =>
    q.key === queue ? { ...q, members: o.members ?? q.members, assignment: { maxOpen: 10, redFlagAssignAfter: 5, ...a } } : q,
  );
  return new Roster(staff, queues);
}

/** Test-only staff `s1…sN` (no platform ids). */
export function extraStaff(n: number, prefix = 's'): StaffMember[] {
  return Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i + 1}`, name: `Staff ${prefix.toUpperCase()}${i + 1}`, roles: ['ma'], physician: false, lead: false, manager: false, active: true }));
}
