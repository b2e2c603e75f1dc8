import type { CardView } from '../../src/domain/card.ts';
import type { Roster, StaffMember } from '../../src/domain/roster.ts';
import type { ConversationRefs } from './conversation-refs.ts';

/**
 * "Maximum 60 different users can see a different version of the card" (Teams, Universal Actions
 * user-specific views: learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/
 * universal-actions-for-adaptive-cards/user-specific-views). Past that, everyone sees the shared card.
 */
export const MAX_REFRESH_USERS = 60;

/**
 * Who gets a card drawn for them: the people whose buttons on this item depend on who they are.
 * The queue's team (for escalated work, the physicians), its lead, and the managers.
 */
function peopleFor(roster: Roster, card: Pick<CardView, 'state' | 'queue'>): StaffMember[] {
  const q = roster.queue(card.queue.key);
  const keys = new Set<string>(card.state === 'ESCALATED' ? roster.physicians().map((p) => p.key) : (q?.members ?? []));
  if (q?.lead) keys.add(q.lead);
  for (const m of roster.managers()) keys.add(m.key);
  return [...keys].map((k) => roster.member(k)).filter((s): s is StaffMember => s?.teamsAadId !== undefined);
}

/**
 * The card's `refresh.userIds`: Teams user ids (the MRI, `29:…`, which the docs' example lists
 * as "<user MRI>"), learned from the team's member list at install and from each person's
 * activity. Someone Baton has no MRI for yet sees the shared card. Undefined when the list would
 * pass Teams' limit, or is empty.
 */
export async function refreshUserIds(roster: Roster, refs: ConversationRefs, card: Pick<CardView, 'state' | 'queue'>): Promise<string[] | undefined> {
  const people = peopleFor(roster, card);
  if (people.length === 0 || people.length > MAX_REFRESH_USERS) return undefined;
  const known = await Promise.all(people.map((p) => refs.member(p.teamsAadId!)));
  const ids = known.flatMap((m) => (m ? [m.id] : []));
  return ids.length ? ids : undefined;
}
