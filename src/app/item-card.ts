import { buildCard, channelStaffText, forQueueChannel, type CardView } from '../domain/card.ts';
import type { WorkItem } from '../domain/work-item.ts';
import { coverage } from './availability.ts';
import type { AppContext } from './context.ts';
import { redFlagLabels } from './red-flag-labels.ts';

/**
 * Where a card is shown. `channel`: the item's card in its queue's channel, which the whole team
 * sees: it shows the staff free text only where `card.messageText` shows message text, and only
 * the actions its team can use (`forQueueChannel`). `direct`: the copy addressed to its assignee
 * — a physician's DM, the physician pool's post — which shows the staff free text (escalation
 * and snooze reasons) whatever `card.messageText` says, and every action of the item's state.
 */
export type CardAudience = 'channel' | 'direct';

/** The card view of an item as every platform draws it now, with the configured privacy settings. */
export async function cardForItem(ctx: AppContext, item: WorkItem, audience: CardAudience = 'channel'): Promise<CardView> {
  let latestText: string | undefined;
  if (ctx.card.messageText !== 'none') latestText = (await ctx.store.messagesOf(item.id)).at(-1)?.body ?? undefined;
  const staffText = audience === 'direct' ? 'show' : channelStaffText(ctx.card.messageText);
  const now = ctx.clock.now();
  const card = buildCard(item, {
    roster: ctx.roster,
    now,
    timezone: ctx.sla.calendar.timezone,
    messageText: ctx.card.messageText,
    excerptLength: ctx.card.excerptLength,
    latestText,
    redFlagLabels: redFlagLabels(ctx.triageRules),
    staffText,
    // Read only where the card may show it: the reason lives in the snooze's audit event.
    snoozeReason: item.state === 'SNOOZED' && staffText === 'show' ? await snoozeReason(ctx, item.id) : undefined,
    // Read only where it changes the card: the Escalate picker's default, the patient's PCP or her cover.
    coverage: item.patientPcp && (item.state === 'OPEN' || item.state === 'CLAIMED') ? await coverage(ctx, now) : undefined,
  });
  return audience === 'channel' ? forQueueChannel(card) : card;
}

/** What a snoozed item waits on: the reason of the snooze that put it to sleep (its latest). */
async function snoozeReason(ctx: AppContext, itemId: string): Promise<string | undefined> {
  return (await ctx.store.auditOf(itemId)).findLast((a) => a.action === 'item.snooze')?.reason ?? undefined;
}
