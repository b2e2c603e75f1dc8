import type { AppContext } from '../../src/app/context.ts';
import { cardForPerson } from '../../src/app/act-on-card.ts';
import { cardForItem, type CardAudience } from '../../src/app/item-card.ts';
import { noteLine, teamNotes } from '../../src/app/team-notes.ts';
import { escalationLine, snoozeLine, type CardView } from '../../src/domain/card.ts';
import type { StaffMember } from '../../src/domain/roster.ts';
import { SENT_IN_FUTURE_NOTE, sentInFuture } from '../../src/domain/sent-time.ts';
import { PRIORITIES } from '../../src/domain/types.ts';
import type { WorkItem } from '../../src/domain/work-item.ts';
import { POOL_CHANNEL } from './visibility.ts';

/**
 * Who sees an item's staff free text (escalation and snooze reasons, notes, instructions) as
 * Slack and Teams show it: its owner, and the physicians it is addressed to (their DMs, the
 * physician pool). Everyone else sees "reason recorded", unless `card.messageText` shows text.
 */
export function audienceFor(viewer: StaffMember, item: WorkItem, channels: readonly string[]): CardAudience {
  return item.ownerId === viewer.key || channels.some((c) => c === POOL_CHANNEL || c.startsWith('dm:')) ? 'direct' : 'channel';
}

/** The card as the page draws it: the shared card, and the team's notes where the card shows them. */
export interface PageCard extends CardView {
  /**
   * The last few team notes ("Dana Reyes, RN (escalated): …") on an escalated item's copy for
   * the physicians it is addressed to (My DMs, the pool), as Slack and Teams put them on the
   * physician's DM; empty on every other card.
   */
  notes: string[];
  /** "Escalated by Dana Reyes, RN to Dr. Elena Alvarez — reason recorded" (`escalationLine`), or null. */
  escalationLine: string | null;
  /** "sent time was in the future; using received time" beside the age, when the first message's clock ran ahead; else null. */
  ageNote: string | null;
  /** "Snoozed until Thu 3 Dec, 09:00 CST (waiting on patient)" (`snoozeLine`), or null. */
  snoozeLine: string | null;
}

/** How many notes a card shows: Slack's and Teams' physician copies show the last five. */
const CARD_NOTES = 5;

/**
 * One item's card for one person looking at it in `channels`, with only the buttons that person
 * may use (`cardForPerson`: the page is drawn for one viewer, as Teams' refreshed view is).
 * Message text is fetched only when the clinic's config puts it on cards (DESIGN.md §6 minimum
 * necessary by default).
 */
export async function pageCard(ctx: AppContext, viewer: StaffMember, item: WorkItem, channels: readonly string[]): Promise<PageCard> {
  const audience = audienceFor(viewer, item, channels);
  const card = cardForPerson(ctx, item, viewer, await cardForItem(ctx, item, audience));
  const notes = audience === 'direct' && item.state === 'ESCALATED' ? (await teamNotes(ctx, item.id, CARD_NOTES)).map(noteLine) : [];
  return toPageCard(card, notes, (await firstSentInFuture(ctx, item)) ? SENT_IN_FUTURE_NOTE : null);
}

/**
 * Whether the card's age counts from the receive time because the first message's `sentAt` was
 * in the future. Ingestion then set `firstMessageAt` to the receive time, which is `createdAt`:
 * only those rare items cost a read of their messages.
 */
async function firstSentInFuture(ctx: AppContext, item: WorkItem): Promise<boolean> {
  if (item.firstMessageAt.getTime() !== item.createdAt.getTime()) return false;
  const first = (await ctx.store.messagesOf(item.id)).reduce<{ sentAt: Date; receivedAt: Date } | null>((a, m) => (!a || m.receivedAt < a.receivedAt ? m : a), null);
  return first !== null && sentInFuture(first.sentAt, first.receivedAt);
}

/** The shared card with what the page adds to it; the page computes no wording of its own. */
export const toPageCard = (card: CardView, notes: string[] = [], ageNote: string | null = null): PageCard => ({
  ...card,
  notes,
  escalationLine: card.escalation ? escalationLine(card.escalation) : null,
  ageNote,
  snoozeLine: card.snooze ? snoozeLine(card.snooze) : null,
});

/** Most urgent first, then oldest first: the order a triage nurse works a queue in. */
export function byUrgency(a: WorkItem, b: WorkItem): number {
  const flag = Number(b.redFlags.length > 0) - Number(a.redFlags.length > 0);
  return flag || PRIORITIES.indexOf(b.priority) - PRIORITIES.indexOf(a.priority) || a.seq - b.seq;
}
