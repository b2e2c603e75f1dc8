import type { AppContext } from './context.ts';

/**
 * Staff free text recorded with the item's transitions — escalation and snooze reasons, return
 * instructions, resolve notes. It often quotes the patient, so the channel card and thread only
 * say one was recorded (unless `card.messageText` shows text); View message and the assignee's
 * copy (a physician's DM, the pool post) show it, on every platform.
 */
export interface StaffNote {
  at: Date;
  /** The staff member's display name. */
  by: string;
  what: 'snoozed' | 'escalated' | 'returned' | 'resolved' | 'reassigned';
  text: string;
}

const NOTED: Record<string, StaffNote['what']> = {
  'item.snooze': 'snoozed',
  'item.escalate': 'escalated',
  'item.return': 'returned',
  'item.resolve': 'resolved',
  'item.reassign': 'reassigned',
};

/** The team's notes on an item, oldest first; `last` keeps only the newest few (a card has little room). */
export async function teamNotes(ctx: AppContext, itemId: string, last?: number): Promise<StaffNote[]> {
  const notes = (await ctx.store.auditOf(itemId))
    .filter((a) => a.reason && NOTED[a.action])
    .map((a) => ({ at: a.at, by: ctx.roster.member(a.actor)?.name ?? a.actor, what: NOTED[a.action]!, text: a.reason! }));
  return last === undefined ? notes : notes.slice(-last);
}

/** "Dana Reyes, RN (escalated): …": one line a note, as a card's "Team notes" section shows them. */
export const noteLine = (n: StaffNote) => `${n.by} (${n.what}): ${n.text}`;
