import type { Application, TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, CardFactory, MessageFactory, type ChannelAccount, type TurnContext } from 'botbuilder';
import { actOnCard } from '../../src/app/act-on-card.ts';
import type { AppContext } from '../../src/app/context.ts';
import { noteLine, teamNotes } from '../../src/app/team-notes.ts';
import { viewMessage } from '../../src/app/view-message.ts';
import { itemRef } from '../../src/domain/work-item.ts';
import type { Failure } from '../../src/domain/result.ts';
import type { Roster } from '../../src/domain/roster.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { parseAction, VERBS } from './action-data.ts';
import { asCopy, noticeCard, renderCard, type AdaptiveCardJson, type RenderOptions } from './adaptive-card.ts';
import { cardForItem, type CardAudience } from '../../src/app/item-card.ts';
import type { ConnectorGate } from './connector-gate.ts';

export const ADAPTIVE_CARD_RESPONSE = 'application/vnd.microsoft.card.adaptive';

export interface CardActionDeps {
  ctx: AppContext;
  logger: Logger;
  gate: ConnectorGate;
  /** The in-turn refresh of the shared card gives up after this; the outbox update follows anyway. */
  inTurnUpdateTimeoutMs: number;
}

/** Who clicked: a staff key from the roster, or `unknown:<AAD object id>` (refused and audited by the use case). */
export function actorOf(roster: Roster, from: ChannelAccount | undefined): { key: string; aadObjectId: string | undefined } {
  const aad = from?.aadObjectId;
  const staff = aad ? roster.byTeamsId(aad) : undefined;
  return { key: staff?.key ?? `unknown:${aad ?? from?.id ?? 'anonymous'}`, aadObjectId: aad };
}

/** `shared`: the new state, for everyone. `private`: only the person who clicked sees it. */
type Answer = { kind: 'shared'; card: AdaptiveCardJson } | { kind: 'private'; card: AdaptiveCardJson; text: string };

const toneOf = (f: Failure) => (f.code === 'item.not_authorized' || f.code === 'staff.unknown' ? 'attention' : 'warning');

function explain(f: Failure, aadObjectId: string | undefined): string {
  // An unmapped person needs the id their practice manager puts in `staff[].teamsAadId`.
  if (f.code === 'staff.unknown' && aadObjectId) return `${f.message} Your Teams id for the roster (teamsAadId): ${aadObjectId}`;
  return f.message;
}

async function privately(d: CardActionDeps, itemId: string | undefined, text: string, tone: 'attention' | 'warning' | 'accent', audience: CardAudience, extra: Partial<RenderOptions> = {}): Promise<Answer> {
  const item = itemId ? await d.ctx.store.findItem(itemId) : null;
  const card = item ? await drawn(d, item, audience, { notice: { tone, text }, ...extra }) : noticeCard(text);
  return { kind: 'private', card, text };
}

/**
 * The item's card as the clicked copy shows it: the channel card, or the assignee's copy — which
 * keeps the team's notes while escalated and loses its buttons once resolved, as the outbox
 * draws it (TeamsChatAdapter.updateCard), so a click never redraws a copy differently.
 */
async function drawn(d: CardActionDeps, item: Parameters<typeof cardForItem>[1], audience: CardAudience, extra: Partial<RenderOptions> = {}): Promise<AdaptiveCardJson> {
  const card = await cardForItem(d.ctx, item, audience);
  if (audience === 'channel') return renderCard(card, extra);
  const notes = card.state === 'ESCALATED' ? (await teamNotes(d.ctx, card.itemId, 5)).map(noteLine) : undefined;
  return renderCard(asCopy(card), { teamNotes: notes, ...extra });
}

/**
 * The card being clicked is the item's channel card (its thread's root in the queue channel) or
 * a copy addressed to its assignee (a physician's 1:1 chat, the pool channel). The answer redraws
 * that card, so it is drawn for the same audience: staff free text only on the assignee's copy.
 */
async function audienceOf(d: CardActionDeps, itemId: string | undefined, conversationId: string | undefined): Promise<CardAudience> {
  if (!itemId || !conversationId) return 'channel';
  const post = await d.ctx.store.findPlatformPost(itemId, 'teams', 'card');
  return post && post.channel !== conversationId.split(';')[0] ? 'direct' : 'channel';
}

/** Runs one card action through the use cases and says what the clicker and the channel should see. */
async function answer(d: CardActionDeps, context: TurnContext, verb: string, data: unknown): Promise<Answer> {
  const { ctx } = d;
  const who = actorOf(ctx.roster, context.activity.from);
  const parsed = parseAction(verb, data, ctx.clock.now());
  const log = (outcome: string, itemId?: string) => d.logger.info({ platform: 'teams', verb, itemId, actor: who.key, outcome }, 'card action');
  const audience = await audienceOf(d, parsed.itemId, context.activity.conversation?.id);
  if (parsed.kind === 'invalid') {
    log('invalid', parsed.itemId);
    return privately(d, parsed.itemId, parsed.message, 'warning', audience);
  }
  if (parsed.kind === 'view') {
    const r = await viewMessage(ctx, { itemId: parsed.itemId, actorKey: who.key, platform: 'teams' });
    log(r.ok ? 'ok' : r.code, parsed.itemId);
    if (!r.ok) return privately(d, parsed.itemId, explain(r, who.aadObjectId), toneOf(r), audience);
    return privately(d, parsed.itemId, 'The message is below. It is shown only to you.', 'accent', audience, { messages: r.messages, notes: r.notes });
  }
  // Judged against what the card showed: a stale card is refused, a repeated Claim by the owner is answered as done.
  const r = await actOnCard(ctx, { itemId: parsed.itemId, actorKey: who.key, platform: 'teams', command: parsed.command, seen: parsed.seen });
  log(r.ok ? (r.unchanged ? 'unchanged' : 'ok') : r.code, parsed.itemId);
  if (!r.ok) return privately(d, parsed.itemId, explain(r, who.aadObjectId), toneOf(r), audience);
  if (r.unchanged) return privately(d, parsed.itemId, `${itemRef(r.item)} is already yours.`, 'accent', audience);
  return { kind: 'shared', card: await drawn(d, r.item, audience) };
}

/**
 * The shared card is replaced for everyone inside the turn (REPLACE_FOR_ALL's `updateActivity`),
 * but only as a courtesy: if the thread is at its rate limit, Teams refuses, or the call is slow,
 * the person still gets their answer in time and the outbox's card update (queued by the use
 * case in the same transaction) makes everyone's card right shortly after.
 */
function bestEffortSharedUpdate(context: TurnContext, d: CardActionDeps) {
  context.onUpdateActivity(async (tc, _activity, next) => {
    const conversationId = tc.activity.conversation.id;
    if (!d.gate.tryTake(conversationId)) {
      d.logger.info({ platform: 'teams' }, 'thread at its rate limit: the card refresh is left to the outbox');
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        next(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), d.inTurnUpdateTimeoutMs); }),
      ]);
    } catch (e) {
      d.logger.warn({ platform: 'teams', err: d.gate.failed(conversationId, 'in-turn card update', e) }, 'card refresh left to the outbox');
    } finally {
      clearTimeout(timer);
    }
  });
}

async function sendInvokeResponse(context: TurnContext, card: AdaptiveCardJson) {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD_RESPONSE, value: card } } });
}

/**
 * Routes every Baton verb. `Action.Execute` (Universal Actions) answers in the invoke response:
 * a shared result is returned to teams-ai, which replaces the card for all (REPLACE_FOR_ALL) and
 * answers the invoke; a private result (denial, conflict, the message text) is sent as the invoke
 * response directly, so only the clicker's view changes and the channel's card stays as it is.
 */
export function registerCardActions(app: Application<TurnState>, d: CardActionDeps): void {
  app.adaptiveCards.actionExecute([...VERBS], async (context, _state, data) => {
    const verb = (context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
    bestEffortSharedUpdate(context, d);
    const a = await answer(d, context, typeof verb === 'string' ? verb : '', data);
    if (a.kind === 'private') await sendInvokeResponse(context, a.card);
    return a.card;
  });

  // `Action.Submit` fallback (clients without Universal Actions): a message activity with the
  // verb in `value`. There is no private reply in a channel, so refusals are plain text without
  // patient data, and the message text is never shown this way.
  app.adaptiveCards.actionSubmit([...VERBS], async (context, _state, data) => {
    const verb = String((data as { verb?: unknown } | undefined)?.verb ?? '');
    if (verb === 'item.view') {
      await context.sendActivity('Viewing the message privately needs a current Teams client. Open the item in the EHR instead.');
      return;
    }
    const a = await answer(d, context, verb, data);
    if (a.kind === 'private') {
      await context.sendActivity(a.text);
      return;
    }
    if (context.activity.replyToId) {
      bestEffortSharedUpdate(context, d);
      await context.updateActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(a.card)), id: context.activity.replyToId });
    }
  });
}
