import {
  availableAt,
  awayAt as awayIn,
  coverageAt,
  coverOf as coverIn,
  type AwayPeriod,
  type Coverage,
} from '../domain/availability.ts';
import type { StaffMember } from '../domain/roster.ts';
import type { AppContext } from './context.ts';

/**
 * Who is in, as the use cases ask it: the rules of src/domain/availability.ts over the away
 * periods in the store and the roster and business hours in the context (read at each call, so a
 * roster reloaded while Baton runs is the one asked).
 */

/** The away periods that matter at `at`: under way or still to come (a cover's own absence counts too). */
export function awayPeriodsAt(ctx: AppContext, at: Date): Promise<AwayPeriod[]> {
  return ctx.store.awayPeriods({ after: at });
}

/** Keys of roster staff who may be given work at `at`: active, on shift (their `hours`, else business hours), and not away. */
export async function availableStaff(ctx: AppContext, at: Date): Promise<Set<string>> {
  return availableAt(ctx.roster, await awayPeriodsAt(ctx, at), at, ctx.sla.calendar);
}

/** The away period in effect for this person at `at`, or null when they are in. */
export async function awayAt(ctx: AppContext, staffKey: string, at: Date): Promise<AwayPeriod | null> {
  return awayIn(await ctx.store.awayPeriods({ after: at, staffKey }), staffKey, at);
}

/** Who covers for this person at `at` (only while they are away), or null. */
export async function coverOf(ctx: AppContext, staffKey: string, at: Date): Promise<StaffMember | null> {
  return coverIn(ctx.roster, await awayPeriodsAt(ctx, at), staffKey, at);
}

/** Everyone away at `at` and who covers for them. */
export async function coverage(ctx: AppContext, at: Date): Promise<Coverage> {
  return coverageAt(ctx.roster, await awayPeriodsAt(ctx, at), at);
}
