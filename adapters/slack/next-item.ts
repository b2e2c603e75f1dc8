import type { AppContext } from '../../src/app/context.ts';
import { claimNextItem, nextItemQueues } from '../../src/app/next-item.ts';
import { queueWorkload } from '../../src/app/workload.ts';
import type { StaffMember } from '../../src/domain/roster.ts';
import { itemRef } from '../../src/domain/work-item.ts';
import { workloadText } from '../../src/domain/workload.ts';
import { answer, type Block, type SlackMessage } from './blocks.ts';
import { channelLink, itemLine, unknownUserText } from './item-lines.ts';
import { LIMITS, mrkdwn, plain } from './limits.ts';

/** The App Home tab's "Next item" button; not an `item.*` action (it names no item). */
export const NEXT_ACTION = 'home.next';

/** The button, for someone who works a queue (there is nothing to take otherwise). */
export function nextButtonBlock(ctx: AppContext, staff: StaffMember): Block | null {
  if (!nextItemQueues(ctx, staff.key).length) return null;
  return {
    type: 'actions',
    block_id: 'home:next',
    elements: [{ type: 'button', action_id: NEXT_ACTION, style: 'primary', text: { type: 'plain_text', text: 'Next item' }, value: 'next', accessibility_label: 'Claim the most urgent, oldest unclaimed item in your queues' }],
  };
}

/**
 * Presses "Next item" for the Slack user (the App Home button, `/baton next`) and says what they
 * got; a stranger is refused (and audited) by the use case.
 * `withPatient`: the slash answer is message content and may show the patient token, as the card
 * does; the Home tab's answer (a DM, since the Home has nowhere private to answer) shows it too,
 * being a message. No message text either way.
 */
export async function nextItemAnswer(ctx: AppContext, slackUserId: string): Promise<{ message: SlackMessage; claimed: boolean }> {
  const actorKey = ctx.roster.bySlackId(slackUserId)?.key ?? `unknown:${slackUserId}`;
  const r = await claimNextItem(ctx, { actorKey, platform: 'slack' });
  if (!r.ok) return { message: answer(r.code === 'staff.unknown' ? unknownUserText(slackUserId) : r.message), claimed: false };
  if (!r.item) {
    const names = r.queues.map((q) => q.name).join(', ');
    return { message: answer(`Nothing is waiting to be claimed in your queues (${names}).`), claimed: false };
  }
  const where = channelLink(ctx.roster.queue(r.item.queue)?.slackChannel) ?? mrkdwn(ctx.roster.queue(r.item.queue)?.name ?? r.item.queue, 100);
  const text = `You claimed ${itemRef(r.item)}. Its card is in ${where}, and in Mine on your Baton Home tab.`;
  return {
    message: { text: mrkdwn(`You claimed ${itemRef(r.item)}`, 300), blocks: [section(text), section(itemLine(ctx, r.item, true))] },
    claimed: true,
  };
}

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: plain(text, LIMITS.sectionText) } });

/**
 * "Workload": open items per person of the queues this person works (managers: all), most
 * loaded first, each as "3 open (2 claimed, 1 snoozed)". Staff names and counts only.
 */
export async function workloadSection(ctx: AppContext, queueKeys: string[], max = 20): Promise<Block | null> {
  if (!queueKeys.length) return null;
  const rows = await queueWorkload(ctx, queueKeys);
  if (!rows.length) return null;
  const lines = rows.slice(0, max).map((w) => `${mrkdwn(w.name, 100)} — ${workloadText(w)}`);
  if (rows.length > max) lines.push(`…and ${rows.length - max} more.`);
  return section(`*Workload* (open = claimed + snoozed)\n${lines.join('\n')}`);
}
