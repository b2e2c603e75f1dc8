import { decide } from '../domain/commands.ts';
import { fail, type Failure } from '../domain/result.ts';
import type { QueueDef } from '../domain/roster.ts';
import type { WorkItem } from '../domain/work-item.ts';
import { auditDenial, countApplied, decideContext, planTransition } from './act-on-item.ts';
import type { AppContext } from './context.ts';

/** `item` null: nothing is waiting in the person's queues (not a refusal). */
export type NextOutcome = { ok: true; item: WorkItem | null; queues: QueueDef[] } | Failure;

/** The queues "Next item" takes from: those the person is a member of or leads (a manager's "all queues" is not a work queue). */
export function nextItemQueues(ctx: AppContext, staffKey: string): QueueDef[] {
  return ctx.roster.queues.filter((q) => q.members.includes(staffKey) || q.lead === staffKey);
}

/**
 * "Next item": the person claims the OPEN item of the highest priority, then the oldest, in
 * their queues — one press instead of scanning channels. Atomic in the store: two people
 * pressing at once get two different items. It is a deliberate claim by a person, so it is
 * allowed whatever auto-assignment's `maxOpen` says (the cap limits what Baton hands out, not
 * what someone chooses to take); it goes through the same decision, audit and card update as a
 * Claim on the card, with `via: next` in the audit.
 */
export async function claimNextItem(ctx: AppContext, req: { actorKey: string; platform: string }): Promise<NextOutcome> {
  const actor = ctx.roster.member(req.actorKey);
  if (!actor) return auditDenial(ctx, req, 'claim', null, fail('staff.unknown', 'You are not on the Baton roster; ask your practice manager to add you.'));
  const queues = nextItemQueues(ctx, actor.key);
  if (!queues.length) return auditDenial(ctx, req, 'claim', null, fail('item.not_authorized', 'You do not work any queue, so Baton has no next item for you.'));
  const now = ctx.clock.now();
  let before: WorkItem | null = null;
  const item = await ctx.store.claimNextOpen(queues.map((q) => q.key), (candidate) => {
    const decision = decide(candidate, { type: 'claim' }, actor, decideContext(ctx, now));
    if (!decision.ok) return null;
    before = candidate;
    const { change } = planTransition(ctx, candidate, actor, { type: 'claim' }, req.platform, decision, now);
    change.audit[0]!.detail = { ...change.audit[0]!.detail, via: 'next' };
    return change;
  });
  if (item && before) countApplied(ctx, 'claim', before, now);
  return { ok: true, item, queues };
}
