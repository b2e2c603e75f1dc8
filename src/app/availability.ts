import type { AppContext } from './context.ts';

/**
 * The staff who can be given work at `at`: keys of active roster members.
 *
 * Shift hours, away periods and cover are added by the availability work (issue #15, "Staffing
 * the inbox"), which replaces this file: callers depend only on this signature.
 */
export async function availableStaff(ctx: AppContext, at: Date): Promise<Set<string>> {
  void at;
  return new Set(ctx.roster.staff.filter((s) => s.active).map((s) => s.key));
}
