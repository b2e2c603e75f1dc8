import type { AppContext } from '../../src/app/context.ts';
import { cardForItem, type CardAudience } from '../../src/app/item-card.ts';
import type { CardView } from '../../src/domain/card.ts';
import type { StaffMember } from '../../src/domain/roster.ts';
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

/**
 * The card view-model for an item as one person sees it, rendered as of now. Message text is
 * fetched only when the clinic's config puts it on cards (DESIGN.md §6 minimum necessary by default).
 */
export const cardOf = (ctx: AppContext, item: WorkItem, audience: CardAudience = 'channel'): Promise<CardView> => cardForItem(ctx, item, audience);

/** Most urgent first, then oldest first: the order a triage nurse works a queue in. */
export function byUrgency(a: WorkItem, b: WorkItem): number {
  const flag = Number(b.redFlags.length > 0) - Number(a.redFlags.length > 0);
  return flag || PRIORITIES.indexOf(b.priority) - PRIORITIES.indexOf(a.priority) || a.seq - b.seq;
}
