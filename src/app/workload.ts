import { workloadOf, type Workload } from '../domain/workload.ts';
import type { AppContext } from './context.ts';

/**
 * Open items per person now, for the people of these queues (members and leads, listed even at
 * zero), most loaded first. What Slack's App Home and the sandbox show a team.
 */
export async function queueWorkload(ctx: AppContext, queueKeys: readonly string[]): Promise<Workload[]> {
  const people = new Set<string>();
  for (const k of queueKeys) {
    const q = ctx.roster.queue(k);
    for (const m of q?.members ?? []) people.add(m);
    if (q?.lead) people.add(q.lead);
  }
  const active = [...people].filter((k) => ctx.roster.member(k));
  const counts = (await ctx.store.ownedCounts()).filter((c) => people.has(c.staff));
  return workloadOf(counts, (k) => ctx.roster.member(k)?.name ?? k, active);
}
