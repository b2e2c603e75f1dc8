import { OPEN_OWNED_STATES } from './assignment.ts';
import type { ItemState } from './work-item.ts';

/** Items one person owns in one state (CLAIMED, SNOOZED or ESCALATED), as the store counts them. */
export interface WorkloadCount {
  staff: string;
  state: ItemState;
  count: number;
}

/**
 * One person's work in hand. `open` is what auto-assignment's `maxOpen` caps: claimed plus
 * snoozed (OPEN_OWNED_STATES). Escalations held by a physician are shown beside it.
 */
export interface Workload {
  staff: string;
  name: string;
  claimed: number;
  snoozed: number;
  escalated: number;
  open: number;
}

/**
 * Per-person workload from the counts, most loaded first (then by name). `include`: people
 * listed even with nothing in hand (a queue's members, so an idle colleague shows as 0).
 */
export function workloadOf(counts: readonly WorkloadCount[], staffName: (key: string) => string, include: readonly string[] = []): Workload[] {
  const by = new Map<string, Workload>();
  const row = (staff: string) => by.get(staff) ?? by.set(staff, { staff, name: staffName(staff), claimed: 0, snoozed: 0, escalated: 0, open: 0 }).get(staff)!;
  for (const k of include) row(k);
  for (const c of counts) {
    const w = row(c.staff);
    if (c.state === 'CLAIMED') w.claimed += c.count;
    else if (c.state === 'SNOOZED') w.snoozed += c.count;
    else if (c.state === 'ESCALATED') w.escalated += c.count;
    if (OPEN_OWNED_STATES.includes(c.state)) w.open += c.count;
  }
  return [...by.values()].sort((a, b) => b.open - a.open || b.escalated - a.escalated || a.name.localeCompare(b.name) || (a.staff < b.staff ? -1 : 1));
}

/** "3 open (2 claimed, 1 snoozed)", "+ 1 with them as physician": staff counts only. */
export function workloadText(w: Workload): string {
  const parts = [`${w.open} open (${w.claimed} claimed, ${w.snoozed} snoozed)`];
  if (w.escalated) parts.push(`${w.escalated} escalated to them`);
  return parts.join(' · ');
}
