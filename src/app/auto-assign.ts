import type { AuditRecord } from '../domain/audit.ts';
import { assignableNow, assignmentSummary, byAssignmentOrder, autoAssignmentOf, OPEN_OWNED_STATES, pickAssignee, type AutoPolicy } from '../domain/assignment.ts';
import { decide, type Transition as DecidedTransition } from '../domain/commands.ts';
import type { StaffMember } from '../domain/roster.ts';
import { itemRef, type WorkItem } from '../domain/work-item.ts';
import { countApplied, decideContext, planTransition } from './act-on-item.ts';
import { availableStaff } from './availability.ts';
import type { AppContext } from './context.ts';
import { cardUpdates, directMessages } from './outbox-messages.ts';
import type { PlannedChange } from './ports.ts';

/**
 * Auto-assignment (config `queues[].assignment`): an unclaimed item of a `round-robin` or
 * `least-loaded` queue is claimed for an available member under the queue's `maxOpen`. The claim
 * is the assignee's own (the domain checks it as theirs), recorded with actor `baton` and the
 * policy; the card updates through the outbox and the assignee gets a DM. When nobody is
 * available or everyone is at the cap, the item stays in the channel for a manual Claim, as in
 * a `manual` queue, and a later pass tries again.
 */

export const AUTO_ASSIGN_ACTOR = 'baton';

export interface AssignResult {
  /** Items of auto queues that could be assigned now (red flags only after their wait). */
  considered: number;
  assigned: number;
  /** Nobody was available under the cap: left in the channel. */
  unassigned: number;
  /** Claimed or changed by someone else first. */
  moved: number;
}

const none = (): AssignResult => ({ considered: 0, assigned: 0, unassigned: 0, moved: 0 });

/**
 * The claim an auto-assignment writes: the assignee's claim as `actOnItem` plans it, recorded as
 * Baton's with the policy and the load it was chosen on, a thread line in place of "Claimed by",
 * and a DM, which is what tells the assignee (a card update notifies nobody).
 */
function assignmentChange(ctx: AppContext, item: WorkItem, assignee: StaffMember, policy: AutoPolicy, maxOpen: number, openBefore: number, decision: DecidedTransition, now: Date): PlannedChange {
  const { change, after } = planTransition(ctx, item, assignee, { type: 'claim' }, AUTO_ASSIGN_ACTOR, decision, now);
  const summary = assignmentSummary(policy, openBefore);
  const audit: AuditRecord = { ...change.audit[0]!, actor: AUTO_ASSIGN_ACTOR, detail: { to: assignee.key, policy, openBefore, maxOpen, summary } };
  const queue = ctx.roster.queue(item.queue)?.name ?? item.queue;
  const ref = itemRef(item);
  const outbox = [
    ...cardUpdates(ctx.platforms, item.id, item.queue, after.version, now, `Auto-assigned to ${assignee.name} (${policy}, ${openBefore} open)`),
    // Refs, queue names and staff only: the DM's card shows the rest to the one person it is for.
    ...directMessages(ctx.platforms, item.id, after.version, assignee.key, `Baton assigned ${ref} (${queue}, ${item.priority}) to you. Release it from the card if you cannot take it.`, now, 'Assigned to you'),
  ];
  return { patch: change.patch, audit: [audit], outbox };
}

/**
 * Assigns what it can of `items`, in the order given (the callers pass highest priority, then
 * oldest). Reads who is available and everyone's load once; the store re-counts each assignee's
 * load under their lock, so a stale local count never breaks a cap, it only costs a retry with
 * the next candidate.
 */
async function assignEach(ctx: AppContext, items: WorkItem[], now: Date): Promise<AssignResult> {
  const result = none();
  const due = items.filter((i) => {
    const a = autoAssignmentOf(ctx.roster.queue(i.queue));
    return a !== null && assignableNow(i, a, now);
  }).sort(byAssignmentOrder);
  result.considered = due.length;
  if (!due.length) return result;
  const [available, owned, last] = await Promise.all([availableStaff(ctx, now), ctx.store.ownedCounts(), ctx.store.lastAssignees()]);
  const open = new Map<string, number>();
  for (const c of owned) if (OPEN_OWNED_STATES.includes(c.state)) open.set(c.staff, (open.get(c.staff) ?? 0) + c.count);

  for (const item of due) {
    const queue = ctx.roster.queue(item.queue)!;
    const a = autoAssignmentOf(queue)!;
    const refused = new Set<string>();
    let outcome: 'assigned' | 'unassigned' | 'moved' = 'unassigned';
    // Each turn either assigns, or rules one candidate out for this item (found full, or refused).
    for (let turn = 0; turn <= queue.members.length; turn++) {
      const pick = pickAssignee(a.policy, {
        members: queue.members,
        last: last.get(queue.key) ?? null,
        eligible: (k) => available.has(k) && !refused.has(k) && ctx.roster.member(k) !== undefined,
        open: (k) => open.get(k) ?? 0,
        maxOpen: a.maxOpen,
      });
      if (!pick) break;
      const assignee = ctx.roster.member(pick.key)!;
      const decision = decide(item, { type: 'claim' }, assignee, decideContext(ctx, now));
      if (!decision.ok) {
        refused.add(assignee.key);
        continue;
      }
      const r = await ctx.store.assignUnderCap({
        itemId: item.id,
        expectedVersion: item.version,
        queue: queue.key,
        assignee: assignee.key,
        maxOpen: a.maxOpen,
        plan: (openBefore) => assignmentChange(ctx, item, assignee, a.policy, a.maxOpen, openBefore, decision, now),
      });
      if (r.status === 'full') {
        open.set(assignee.key, r.open); // another instance (or a manual claim) filled them up
        continue;
      }
      if (r.status === 'assigned') {
        open.set(assignee.key, r.openBefore + 1);
        last.set(queue.key, assignee.key);
        countApplied(ctx, 'claim', item, now);
      }
      outcome = r.status;
      break;
    }
    result[outcome]++;
  }
  return result;
}

/** The scheduler's pass: unclaimed items of every auto queue, highest priority then oldest (someone came on shift, or freed a slot). */
export async function assignmentSweep(ctx: AppContext, now: Date, limit = 500): Promise<AssignResult> {
  const queues = ctx.roster.queues.filter((q) => autoAssignmentOf(q) !== null).map((q) => q.key);
  if (!queues.length) return none();
  return assignEach(ctx, await ctx.store.openItemsOf(queues, limit), now);
}

/**
 * Right after ingestion, for the items it created (their card posts are queued already): those
 * of auto queues are assigned at once, except red flags, which the channel sees first.
 */
export async function assignNewItems(ctx: AppContext, items: WorkItem[], now: Date): Promise<AssignResult> {
  if (!items.some((i) => autoAssignmentOf(ctx.roster.queue(i.queue)) !== null)) return none();
  return assignEach(ctx, items, now);
}
