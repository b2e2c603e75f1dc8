import type { AssignmentSettings, QueueDef } from './roster.ts';
import { PRIORITIES } from './types.ts';
import type { ItemState, WorkItem } from './work-item.ts';

/**
 * Auto-assignment decisions (config `queues[].assignment`), pure: who gets an unclaimed item,
 * and whether it may be assigned yet. The store applies the choice under the cap (the count and
 * the claim serialised per assignee), the use case (src/app/auto-assign.ts) reads and writes.
 */

export type AutoPolicy = Exclude<AssignmentSettings['policy'], 'manual'>;
export type AutoAssignment = AssignmentSettings & { policy: AutoPolicy };

/**
 * A person's open items: the owned work still in their hands, in any queue. What `maxOpen` caps
 * and what the workload views call "open". Escalated items are the physician's, not the team
 * member's (the owner of an escalation is the physician), so they are shown but not counted.
 */
export const OPEN_OWNED_STATES: readonly ItemState[] = ['CLAIMED', 'SNOOZED'];

/** The queue's auto-assignment settings, or null when its work waits for a manual Claim. */
export function autoAssignmentOf(queue: QueueDef | undefined): AutoAssignment | null {
  const a = queue?.assignment;
  return a && a.policy !== 'manual' ? (a as AutoAssignment) : null;
}

/**
 * When a red flag's wait in the channel began: its latest patient message (the new item, or the
 * follow-up that raised the flag on an existing one), never before the item existed.
 */
export const redFlagSince = (item: Pick<WorkItem, 'createdAt' | 'lastMessageAt'>) => new Date(Math.max(item.createdAt.getTime(), item.lastMessageAt.getTime()));

/**
 * May the item be auto-assigned now? Only unowned OPEN work. A red flag is first offered to the
 * whole channel (its card pages the queue's group): waiting for a rotation would slow the
 * clinician's review down, so it is assigned only once nobody claimed it for `redFlagAssignAfter`.
 */
export function assignableNow(item: Pick<WorkItem, 'state' | 'ownerId' | 'redFlags' | 'createdAt' | 'lastMessageAt'>, a: AssignmentSettings, now: Date): boolean {
  if (item.state !== 'OPEN' || item.ownerId !== null) return false;
  if (!item.redFlags.length) return true;
  return now.getTime() - redFlagSince(item).getTime() >= a.redFlagAssignAfter * 60_000;
}

const rank = (p: WorkItem['priority']) => PRIORITIES.indexOf(p);

/** The order work is handed out in: highest priority first, then the oldest (as the card numbers say). */
export function byAssignmentOrder(a: Pick<WorkItem, 'priority' | 'createdAt' | 'seq'>, b: Pick<WorkItem, 'priority' | 'createdAt' | 'seq'>): number {
  return rank(b.priority) - rank(a.priority) || a.createdAt.getTime() - b.createdAt.getTime() || a.seq - b.seq;
}

/** The queue's members in turn, starting after `last` (from the first when `last` is not a member). */
export function rotation(members: readonly string[], last: string | null): string[] {
  const at = last === null ? -1 : members.indexOf(last);
  return [...members.slice(at + 1), ...members.slice(0, at + 1)];
}

export interface PickInput {
  /** The queue's members, in config order. */
  members: readonly string[];
  /** The last person auto-assigned in this queue (round-robin's place; least-loaded's tie-break). */
  last: string | null;
  /** On the roster, on shift and not away, and not found full during this pass. */
  eligible: (key: string) => boolean;
  /** Open items the person holds now (OPEN_OWNED_STATES). */
  open: (key: string) => number;
  maxOpen: number;
}

export interface Choice {
  key: string;
  /** Their open items before this one. */
  open: number;
}

/**
 * Who gets the next item. Candidates: eligible members under the cap. `round-robin`: the first
 * of them in turn after the last assignee. `least-loaded`: the one with the fewest open items;
 * a tie goes to whoever comes first in turn after the last assignee, so equal loads rotate
 * instead of always landing on the first member listed. Null: nobody can take it now.
 */
export function pickAssignee(policy: AutoPolicy, o: PickInput): Choice | null {
  const candidates = rotation(o.members, o.last)
    .filter((k) => o.eligible(k))
    .map((key) => ({ key, open: o.open(key) }))
    .filter((c) => c.open < o.maxOpen);
  if (!candidates.length) return null;
  if (policy === 'round-robin') return candidates[0]!;
  return candidates.reduce((best, c) => (c.open < best.open ? c : best));
}

/** The audit line of an auto-assignment: the policy and the load it was chosen on ("auto-assigned: least-loaded, 3 open"). */
export const assignmentSummary = (policy: AutoPolicy, openBefore: number) => `auto-assigned: ${policy}, ${openBefore} open`;
