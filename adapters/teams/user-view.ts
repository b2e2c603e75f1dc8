import { ABOUT_THE_PROBE, probe, type FormCommand } from '../../src/app/act-on-card.ts';
import type { AppContext } from '../../src/app/context.ts';
import type { CardAction, CardCommand, CardView } from '../../src/domain/card.ts';
import { decide, type Command } from '../../src/domain/commands.ts';
import type { Roster, StaffMember } from '../../src/domain/roster.ts';
import type { WorkItem } from '../../src/domain/work-item.ts';
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

const PLAIN: Partial<Record<CardCommand, Command>> = {
  'item.claim': { type: 'claim' },
  'item.release': { type: 'release' },
  'item.resolve': { type: 'resolve' },
  'item.reopen': { type: 'reopen' },
};
const FORMS: Partial<Record<CardCommand, FormCommand>> = {
  'item.escalate': 'escalate',
  'item.reassign': 'reassign',
  'item.snooze': 'snooze',
  'item.return': 'return',
};

/**
 * Would the domain let this person start this action now? Asked of `decide` itself (with the
 * same placeholder inputs the form check uses), so the buttons someone sees are the ones the
 * click would accept. "View message" stays: it is checked, and audited, when clicked.
 */
function mayStart(ctx: AppContext, item: WorkItem, actor: StaffMember, a: CardAction, now: Date): boolean {
  if (a.command === 'item.view') return true;
  const form = FORMS[a.command];
  const command = form ? probe(form, item, actor, ctx, now) : PLAIN[a.command];
  if (!command) return false;
  const d = decide(item, command, actor, ctx.roster, now);
  return d.ok || ABOUT_THE_PROBE.has(d.code);
}

/** The card as one person sees it: only the buttons they may use on the item as it is now. */
export function cardForUser(ctx: AppContext, item: WorkItem, actor: StaffMember, card: CardView): CardView {
  const now = ctx.clock.now();
  return { ...card, actions: card.actions.filter((a) => mayStart(ctx, item, actor, a, now)) };
}
