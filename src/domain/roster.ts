import type { Weekday } from './business-time.ts';

/** The people and queues Baton knows, as read from config. The roster is the authority for
 * every permission check (DESIGN.md §6): channel membership alone never grants an action. */
export interface StaffMember {
  key: string;
  name: string;
  roles: string[];
  physician: boolean;
  lead: boolean;
  manager: boolean;
  active: boolean;
  slackUserId?: string | undefined;
  teamsAadId?: string | undefined;
  /** Sign-in address at the identity provider (the console's single sign-on). */
  email?: string | undefined;
  timezone?: string | undefined;
  /** Managers' daily digest: local time (staff timezone, else the organisation's) and weekdays. */
  digest?: { at: string; days: string[] } | undefined;
  /** Their own weekly hours (`businessHours.weekly`'s shape), read in `timezone`; absent: the business hours. */
  hours?: Partial<Record<Weekday, Array<[string, string]>>> | undefined;
  /** Who takes their work while they are away, unless the away period names its own cover. */
  coveredBy?: string | undefined;
}

/** A queue's auto-assignment settings (config `queues[].assignment`); absent = `manual`. */
export interface AssignmentSettings {
  policy: 'manual' | 'round-robin' | 'least-loaded';
  /** Auto-assignment gives nobody more than this many open items (CLAIMED + SNOOZED they own, any queue). */
  maxOpen: number;
  /** Minutes a red flag waits in the channel, unclaimed, before it is auto-assigned. */
  redFlagAssignAfter: number;
}

export interface QueueDef {
  key: string;
  name: string;
  lead?: string | undefined;
  members: string[];
  slackChannel?: string | undefined;
  teamsChannel?: string | undefined;
  /** Slack user group paged for this queue (`S…`). */
  slackUserGroup?: string | undefined;
  /** Teams tag paged for this queue. */
  teamsTag?: { id: string; name: string } | undefined;
  assignment?: AssignmentSettings | undefined;
}

export class Roster {
  private readonly staffByKey: Map<string, StaffMember>;
  private readonly queuesByKey: Map<string, QueueDef>;

  constructor(
    readonly staff: readonly StaffMember[],
    readonly queues: readonly QueueDef[],
  ) {
    this.staffByKey = new Map(staff.map((s) => [s.key, s]));
    this.queuesByKey = new Map(queues.map((q) => [q.key, q]));
  }

  member(key: string): StaffMember | undefined {
    const s = this.staffByKey.get(key);
    return s?.active ? s : undefined;
  }

  queue(key: string): QueueDef | undefined {
    return this.queuesByKey.get(key);
  }

  bySlackId(id: string): StaffMember | undefined {
    return this.staff.find((s) => s.active && s.slackUserId === id);
  }

  byTeamsId(id: string): StaffMember | undefined {
    return this.staff.find((s) => s.active && s.teamsAadId?.toLowerCase() === id.toLowerCase());
  }

  /** Emails are compared without regard to case: identity providers do not agree on it. */
  byEmail(email: string): StaffMember | undefined {
    const e = email.trim().toLowerCase();
    return this.staff.find((s) => s.active && s.email?.toLowerCase() === e);
  }

  isMember(staffKey: string, queueKey: string): boolean {
    return this.queue(queueKey)?.members.includes(staffKey) ?? false;
  }

  /** A lead acts for the queue they lead, and a staff member flagged `lead` for every queue they belong to. */
  isLeadOf(staffKey: string, queueKey: string): boolean {
    const q = this.queue(queueKey);
    if (!q) return false;
    return q.lead === staffKey || (this.member(staffKey)?.lead === true && q.members.includes(staffKey));
  }

  /** Leads of a queue's work and managers may act on anyone's item in it. */
  supervises(staffKey: string, queueKey: string): boolean {
    return this.member(staffKey)?.manager === true || this.isLeadOf(staffKey, queueKey);
  }

  physicians(): StaffMember[] {
    return this.staff.filter((s) => s.active && s.physician);
  }

  managers(): StaffMember[] {
    return this.staff.filter((s) => s.active && s.manager);
  }

  /** Queues a person works (member or lead); managers see all. */
  queuesOf(staffKey: string): QueueDef[] {
    const s = this.member(staffKey);
    if (!s) return [];
    if (s.manager) return [...this.queues];
    return this.queues.filter((q) => q.members.includes(staffKey) || q.lead === staffKey);
  }
}
