import { CardFactory, TurnContext } from 'botbuilder';
import { cardForPerson } from '../../src/app/act-on-card.ts';
import type { ContextSource } from '../../src/app/context.ts';
import { cardForItem } from '../../src/app/item-card.ts';
import { claimNextItem } from '../../src/app/next-item.ts';
import { itemRef } from '../../src/domain/work-item.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { asCopy, renderCard } from './adaptive-card.ts';
import { actorOf } from './card-actions.ts';
import type { ConversationRefs, Reference } from './conversation-refs.ts';

export interface NextItemDeps {
  /** The context as of now: read once per command (the config may be reloaded). */
  ctx: ContextSource;
  logger: Logger;
  refs: ConversationRefs;
}

/**
 * The chat command "next": claims the most urgent, oldest unclaimed item of the person's queues
 * (the same use case as Slack's `/baton next` and the sandbox's button). In the person's 1:1 chat
 * with Baton the answer is the item's card, drawn for them with the buttons they may use, and
 * recorded as a copy of the card so later changes redraw it (as a physician's DM is). In a
 * channel, where everyone reads the answer, it names only the item and its queue.
 */
export async function answerNext(d: NextItemDeps, context: TurnContext): Promise<void> {
  const ctx = d.ctx();
  const who = actorOf(ctx.roster, context.activity.from);
  const r = await claimNextItem(ctx, { actorKey: who.key, platform: 'teams' });
  if (!r.ok) {
    const text = r.code === 'staff.unknown' && who.aadObjectId ? `${r.message} Your Teams id for the roster (teamsAadId): ${who.aadObjectId}` : r.message;
    await context.sendActivity(text);
    return;
  }
  if (!r.item) {
    await context.sendActivity(`Nothing is waiting to be claimed in your queues (${r.queues.map((q) => q.name).join(', ')}).`);
    return;
  }
  const item = r.item;
  const queue = ctx.roster.queue(item.queue)?.name ?? item.queue;
  d.logger.info({ platform: 'teams', itemId: item.id, actor: who.key, outcome: 'ok' }, 'next item');
  if (context.activity.conversation.conversationType !== 'personal') {
    await context.sendActivity(`You claimed ${itemRef(item)} (${queue}). Its card is in the ${queue} channel; type "next" in your chat with Baton to get the card there.`);
    return;
  }
  const staff = ctx.roster.member(who.key)!;
  const intro = `You claimed ${itemRef(item)} (${queue}) with "next". Its card is also in the ${queue} channel.`;
  const view = cardForPerson(ctx, item, staff, await cardForItem(ctx, item, 'direct'));
  const card = renderCard(asCopy(view), { timeZone: ctx.sla.calendar.timezone, intro });
  // `summary` is the notification line: the card's PHI-free fallback, as on every Baton card.
  const sent = await context.sendActivity({ type: 'message', summary: view.fallbackText, attachments: [CardFactory.adaptiveCard(card)] });
  if (sent?.id) {
    const reference = TurnContext.getConversationReference(context.activity) as Reference;
    await d.refs.addCopy(item.id, { reference, activityId: sent.id, intro, key: `next:v${item.version}:${staff.key}` });
  }
}
