import { buildCard, channelStaffText, type CardView } from '../domain/card.ts';
import type { WorkItem } from '../domain/work-item.ts';
import type { AppContext } from './context.ts';
import { redFlagLabels } from './red-flag-labels.ts';

/**
 * Where a card is shown. `channel`: the item's card in its queue's channel, which the whole team
 * sees. `direct`: the copy addressed to its assignee — a physician's DM, the physician pool's post
 * — which shows the staff free text (escalation reason) whatever `card.messageText` says.
 */
export type CardAudience = 'channel' | 'direct';

/** The card view of an item as every platform draws it now, with the configured privacy settings. */
export async function cardForItem(ctx: AppContext, item: WorkItem, audience: CardAudience = 'channel'): Promise<CardView> {
  let latestText: string | undefined;
  if (ctx.card.messageText !== 'none') latestText = (await ctx.store.messagesOf(item.id)).at(-1)?.body ?? undefined;
  return buildCard(item, {
    roster: ctx.roster,
    now: ctx.clock.now(),
    messageText: ctx.card.messageText,
    excerptLength: ctx.card.excerptLength,
    latestText,
    redFlagLabels: redFlagLabels(ctx.triageRules),
    staffText: audience === 'direct' ? 'show' : channelStaffText(ctx.card.messageText),
  });
}
