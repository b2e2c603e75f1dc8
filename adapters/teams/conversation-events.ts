import type { Application, TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, TeamsInfo, type TurnContext } from 'botbuilder';
import type { ContextSource } from '../../src/app/context.ts';
import { awayCommand, type AwayAnswer } from '../../src/app/away.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { actorOf } from './card-actions.ts';
import type { ConversationRefs } from './conversation-refs.ts';
import { answerNext } from './next-item.ts';

export interface ConversationEventDeps {
  /** The context as of now (the roster's channels and people, `physicianPool.teamsChannel`). */
  ctx: ContextSource;
  logger: Logger;
  refs: ConversationRefs;
}

/** The commands in the manifest's command lists, per scope: `away` only in a person's own chat, where its answer stays private. */
export const BOT_COMMANDS = { team: ['next', 'help', 'setup'], personal: ['next', 'help', 'setup', 'away'] } as const;

const channelIdOf = (context: TurnContext) =>
  (context.activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? context.activity.conversation.id.split(';')[0]!;

/** What Baton knows about this place and this person: what clinic IT needs to map queues and staff. No patient data. */
function setupText(d: ConversationEventDeps, context: TurnContext): string {
  const lines: string[] = [];
  const ctx = d.ctx();
  if (context.activity.conversation.conversationType === 'channel') {
    const id = channelIdOf(context);
    const queues = ctx.roster.queues.filter((q) => q.teamsChannel === id).map((q) => `${q.name} (${q.key})`);
    lines.push(`This channel's id: ${id}`);
    if (queues.length) lines.push(`Queue cards posted here: ${queues.join(', ')}.`);
    else if (ctx.pool.teamsChannel === id) lines.push('Physician escalations without a named physician are posted here.');
    else lines.push('No queue is mapped to this channel. To post a queue here, set its teamsChannel to this id in Baton\'s config.');
  }
  const who = actorOf(ctx.roster, context.activity.from);
  const staff = ctx.roster.member(who.key);
  lines.push(staff
    ? `You are ${staff.name} (${staff.key}) on Baton's roster.`
    : `You are not on Baton's roster. Ask your practice manager to add your Teams id as teamsAadId: ${who.aadObjectId ?? 'unknown'}`);
  return lines.join('\n\n');
}

const HELP = [
  'Baton posts each patient-portal message as a card in its queue\'s channel. From the card: Claim, Release, Reassign, Snooze (and Wake now), Escalate to a physician, Resolve.',
  'Physicians get escalations here in a chat with Baton and can Resolve, Return to the team or Hand to another physician.',
  'Type "next" to claim the most urgent, oldest unclaimed item in your queues; in your chat with Baton the answer is its card.',
  '"View message" shows the patient\'s words only to you, and the view is recorded. Reply to patients in the EHR, never in Teams.',
  'Type "setup" to see this channel\'s id and whether you are on the roster.',
  'Away: in this chat, "away until fri" (or a date like 2026-12-24, "tomorrow 13:00"; "through fri" includes the day) sets you away — add "cover <name>" for who takes your work. "away off" when you are back; "away" shows how it stands. Leads add "for <name>" for people in their queues, managers for anyone. While you are away your open items go to your cover or back to the queue, and no reminders or new work reach you.',
].join('\n\n');

/** The away command's answer as plain text (names and dates are what someone typed: never read as markdown). */
export function awayText(a: AwayAnswer): string {
  if (a.ok) return a.text;
  const list = a.problems.map((p) => (a.code === 'away.invalid' ? `- ${p}` : p)).join('\n');
  if (a.code !== 'away.invalid') return `Nothing was changed. ${list}`;
  return `Nothing was changed:\n${list}\nFor example: away until fri cover Dr. Baker · away off`;
}

/** "away …" in a person's chat with Baton; elsewhere it says where to send it (a channel would show the answer to everyone). */
async function answerAway(d: ConversationEventDeps, context: TurnContext, words: string): Promise<void> {
  if (context.activity.conversation.conversationType !== 'personal') {
    await context.sendActivity('Send "away" in your personal chat with Baton, so the answer stays yours.');
    return;
  }
  const ctx = d.ctx();
  const who = actorOf(ctx.roster, context.activity.from);
  if (!ctx.roster.member(who.key)) {
    await context.sendActivity({ type: 'message', textFormat: 'plain', text: `You are not on Baton's roster. Ask your practice manager to add your Teams id as teamsAadId: ${who.aadObjectId ?? 'unknown'}` });
    return;
  }
  const answer = await awayCommand(ctx, { actorKey: who.key, platform: 'teams', text: words });
  await context.sendActivity({ type: 'message', textFormat: 'plain', text: awayText(answer) });
}

/**
 * Install and conversation events: every inbound activity refreshes the stored conversation
 * references (`beforeTurn`), a team install also records the Teams ids of roster members (so
 * physicians can be messaged before they ever click), and `help` / `setup` answer in place.
 */
export function registerConversationEvents(app: Application<TurnState>, d: ConversationEventDeps): void {
  app.turn('beforeTurn', async (context) => {
    try {
      await d.refs.capture(context.activity);
    } catch (e) {
      // Never fail a person's click because a reference could not be saved; the next activity retries.
      d.logger.warn({ platform: 'teams', err: e }, 'could not store a Teams conversation reference');
    }
    return true;
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const a = context.activity;
    if (!a.membersAdded?.some((m) => m.id === a.recipient.id)) return; // someone else joined: nothing to do
    const scope = a.conversation.conversationType;
    d.logger.info({ platform: 'teams', scope, conversation: scope === 'channel' ? channelIdOf(context) : 'personal' }, 'Baton installed in Teams');
    if (scope === 'channel') await recordTeamMembers(d, context);
    await context.sendActivity(scope === 'channel'
      ? `Baton is installed in this team. ${setupText(d, context)}`
      : 'Hi, I am Baton. Physicians get escalated portal messages here. Type "help" to learn more or "setup" to check your roster entry.');
  });

  app.message(
    async (context) => context.activity.type === ActivityTypes.Message && typeof context.activity.text === 'string' && context.activity.text.trim() !== '',
    async (context) => {
      const text = context.activity.text.trim();
      const command = text.toLowerCase();
      if (command === 'next') return answerNext(d, context);
      const away = /^away(?:\s+|$)/i.exec(text);
      if (away) return answerAway(d, context, text.slice(away[0].length));
      await context.sendActivity(command === 'setup' ? setupText(d, context) : HELP);
    },
  );
}

async function recordTeamMembers(d: ConversationEventDeps, context: TurnContext): Promise<void> {
  try {
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await TeamsInfo.getPagedMembers(context, 500, token);
      await d.refs.captureMembers(page.members);
      token = page.continuationToken;
    } while (token && ++pages < 20);
  } catch (e) {
    // Best effort: people are also learned from their first click or chat.
    d.logger.warn({ platform: 'teams', err: e }, 'could not list team members at install');
  }
}
