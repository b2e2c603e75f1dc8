import type { Category, Priority } from './types.ts';

export const ITEM_STATES = ['OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED', 'RESOLVED'] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/** One work item per portal thread (DESIGN.md §3). */
export interface WorkItem {
  id: string;
  seq: number;
  threadKey: string;
  queue: string;
  category: Category;
  priority: Priority;
  redFlags: string[];
  /** A current symptom in a clerical request: the card shows a "clinical content" badge. */
  clinicalContent: boolean;
  state: ItemState;
  resumeState: ItemState | null;
  ownerId: string | null;
  escalatedBy: string | null;
  escalationReason: string | null;
  /**
   * A pool escalation offered first to the physician on call (`physicianPool.onCall`): her staff
   * key, and when it goes to the whole pool if nobody has claimed it by then. Snapshotted at the
   * escalation, like the SLA deadlines, so a rota change never moves an offer already made; the
   * fallback time is cleared once the whole pool has it or the offer has ended.
   */
  onCallId: string | null;
  poolFallbackAt: Date | null;
  /**
   * The owner took this for someone who is away (their cover): the staff key of that person, so
   * the card says "Dr. Baker (covering for Dr. Alvarez)". Cleared when the owner changes.
   * Absent on items built before covers existed; null when not covering.
   */
  coveringFor?: string | null;
  snoozedUntil: Date | null;
  patientId: string;
  patientToken: string;
  patientPcp: string | null;
  link: string | null;
  version: number;
  messageCount: number;
  everEscalated: boolean;
  firstMessageAt: Date;
  lastMessageAt: Date;
  createdAt: Date;
  updatedAt: Date;
  claimedAt: Date | null;
  resolvedAt: Date | null;
  claimDueAt: Date | null;
  resolveDueAt: Date | null;
  nextReminderAt: Date | null;
  reminderLevel: number;
}

/** The fields a command may change. `version` is bumped by the store, not by commands. */
export type ItemPatch = Partial<
  Pick<
    WorkItem,
    | 'queue'
    | 'category'
    | 'state'
    | 'resumeState'
    | 'ownerId'
    | 'escalatedBy'
    | 'escalationReason'
    | 'onCallId'
    | 'poolFallbackAt'
    | 'coveringFor'
    | 'snoozedUntil'
    | 'everEscalated'
    | 'claimedAt'
    | 'resolvedAt'
    | 'claimDueAt'
    | 'resolveDueAt'
    | 'nextReminderAt'
    | 'reminderLevel'
    | 'messageCount'
    | 'lastMessageAt'
    | 'priority'
    | 'redFlags'
    | 'clinicalContent'
  >
>;

/**
 * `patch` with the covering relation cleared when it hands the item to someone else: "covering
 * for" describes the owner it was recorded with, never a later one. A patch that names its own
 * `coveringFor` (a hand-over to a cover) keeps it.
 */
export function clearCoverOnOwnerChange(item: Pick<WorkItem, 'ownerId' | 'coveringFor'>, patch: ItemPatch): ItemPatch {
  if (!item.coveringFor || patch.coveringFor !== undefined || patch.ownerId === undefined || patch.ownerId === item.ownerId) return patch;
  return { ...patch, coveringFor: null };
}

/** Human-readable item reference shown on cards and in the audit ("B-42"). No patient data. */
export function itemRef(item: Pick<WorkItem, 'seq'>): string {
  return `B-${item.seq}`;
}

/**
 * The item's category after a patient's follow-up: what the card's title names. A red flag in
 * the follow-up makes the whole thread a red flag (it routes and pages as one, so the title must
 * say so, not keep "Scheduling"); a thread nobody could classify takes the follow-up's topic.
 * Otherwise the first message's topic stands: "thanks!" or "also…" does not retitle a card.
 */
export function categoryAfterFollowUp(current: Category, followUp: { category: Category; redFlags: readonly string[] }): Category {
  if (followUp.redFlags.length > 0) return 'red-flag';
  if (current === 'unclassified' && followUp.category !== 'unclassified' && followUp.category !== 'ack-fyi') return followUp.category;
  return current;
}
