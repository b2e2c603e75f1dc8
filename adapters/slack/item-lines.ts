import type { AppContext } from '../../src/app/context.ts';
import { redFlagLabels } from '../../src/app/red-flag-labels.ts';
import { buildCard, type CardView } from '../../src/domain/card.ts';
import type { ItemState, WorkItem } from '../../src/domain/work-item.ts';
import { slaText } from './blocks.ts';
import { mrkdwn } from './limits.ts';

/** Item lines of the App Home tab and the `/baton` answers: refs, categories, states and staff names. */

export const STATE_SHORT: Record<ItemState, string> = { OPEN: 'unclaimed', CLAIMED: 'claimed', ESCALATED: 'with physician', SNOOZED: 'snoozed', RESOLVED: 'resolved' };

export const unknownUserText = (slackUserId: string) =>
  `Baton does not know your Slack account (${slackUserId}). Ask your practice manager to add \`slackUserId: ${slackUserId}\` to your entry in the Baton roster; until then Baton cannot let you act on items.`;

export function cardOf(ctx: AppContext, item: WorkItem): CardView {
  return buildCard(item, { roster: ctx.roster, now: ctx.clock.now(), timezone: ctx.sla.calendar.timezone, messageText: 'none', excerptLength: ctx.card.excerptLength, redFlagLabels: redFlagLabels(ctx.triageRules) });
}

/** `<#C…>` only for a real channel id (config could hold anything); otherwise the queue's name, escaped. */
export const channelLink = (id: string | undefined) => (id && /^[CG][A-Z0-9]{2,}$/.test(id) ? `<#${id}>` : null);

/** One line per item. `withPatient`: only in message content (slash answers), never on the Home tab. */
export function itemLine(ctx: AppContext, item: WorkItem, withPatient: boolean): string {
  const c = cardOf(ctx, item);
  const where = channelLink(ctx.roster.queue(item.queue)?.slackChannel) ?? mrkdwn(c.queue.name, 100);
  const owner = c.ownerLabel && c.state !== 'OPEN' ? ` (${mrkdwn(c.ownerLabel, 200)})` : '';
  const sla = c.sla ? ` · ${slaText(c.sla)}` : '';
  const patient = withPatient && c.patientToken ? ` · ${mrkdwn(c.patientToken, 50)}` : '';
  return `${c.redFlag ? '🚩 ' : ''}*${mrkdwn(c.ref, 30)}* ${mrkdwn(c.title, 80)} · ${c.priority}${patient}\n${STATE_SHORT[c.state]}${owner} · ${where} · ${c.age} old${sla}`;
}
