import { buildCard, type CardView } from '../domain/card.ts';
import type { WorkItem } from '../domain/work-item.ts';
import type { AppContext } from './context.ts';
import { redFlagLabels } from './red-flag-labels.ts';

/** The card view of an item as every platform draws it now, with the configured privacy settings. */
export async function cardForItem(ctx: AppContext, item: WorkItem): Promise<CardView> {
  let latestText: string | undefined;
  if (ctx.card.messageText !== 'none') latestText = (await ctx.store.messagesOf(item.id)).at(-1)?.body ?? undefined;
  return buildCard(item, {
    roster: ctx.roster,
    now: ctx.clock.now(),
    messageText: ctx.card.messageText,
    excerptLength: ctx.card.excerptLength,
    latestText,
    redFlagLabels: redFlagLabels(ctx.triageRules),
  });
}
