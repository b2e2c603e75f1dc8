import type { Application, TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, CardFactory, MessageFactory, type ChannelAccount, type TurnContext } from 'botbuilder';
import { actOnCard, cardForPerson } from '../../src/app/act-on-card.ts';
import type { AppContext, ContextSource } from '../../src/app/context.ts';
import { noteLine, teamNotes } from '../../src/app/team-notes.ts';
import { viewMessage } from '../../src/app/view-message.ts';
import { itemRef } from '../../src/domain/work-item.ts';
import type { Failure } from '../../src/domain/result.ts';
import type { Roster } from '../../src/domain/roster.ts';
import type { Logger } from '../../src/observability/logger.ts';
import type { WorkItem } from '../../src/domain/work-item.ts';
import { parseAction, REFRESH_VERB, VERBS } from './action-data.ts';
import { asCopy, noticeCard, renderCard, type AdaptiveCardJson, type RenderOptions } from './adaptive-card.ts';
import { cardForItem, type CardAudience } from '../../src/app/item-card.ts';
import type { ConnectorGate } from './connector-gate.ts';
import type { ConversationRefs } from './conversation-refs.ts';
import { refreshUserIds } from './user-view.ts';

export const ADAPTIVE_CARD_RESPONSE = 'application/vnd.microsoft.card.adaptive';
/** The Universal Actions error response type (botbuilder `ActivityHandler.createAdaptiveCardInvokeErrorResponse`). */
export const ERROR_RESPONSE = 'application/vnd.microsoft.error';

/** An invoke's answer to a failure of Baton's own: an apology and a reference for the log, nothing else. */
export const invokeError = (reference: string) => ({
  statusCode: 500,
  type: ERROR_RESPONSE,
  value: { code: 'internal', message: `Something went wrong on Baton's side (reference ${reference}). Refresh the card before trying again.` },
});

export interface CardActionDeps {
  /** The context as of now: each click or refresh reads it once, when it arrives. */
  ctx: ContextSource;
  logger: Logger;
  gate: ConnectorGate;
  refs: ConversationRefs;
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

/** Where the clicked card is: the channel card, or a copy with the line it was sent with. */
interface Place { audience: CardAudience; intro?: string | undefined }

/** A click's or refresh's dependencies, with the one context it runs on. */
type Turn = Omit<CardActionDeps, 'ctx'> & { ctx: AppContext };
const turnOf = (d: CardActionDeps): Turn => ({ ...d, ctx: d.ctx() });

/**
 * Draws the item for the card that was clicked, as the outbox draws it (TeamsChatAdapter.updateCard),
 * so a click never redraws a card differently. The channel card lists who fetches their own view
 * of it (refresh), except on a private answer, which the clicker's client would otherwise replace
 * at once with that view. A copy — a physician's 1:1 chat, the pool post — keeps its intro line
 * ("Escalated to you: …"), shows the team's notes while escalated, and loses its buttons once resolved.
 */
async function draw(d: Turn, item: WorkItem, place: Place, extra: Partial<RenderOptions> = {}): Promise<AdaptiveCardJson> {
  const view = await cardForItem(d.ctx, item, place.audience);
  const base = { timeZone: d.ctx.sla.calendar.timezone };
  if (place.audience === 'channel') {
    const refreshFor = !extra.notice ? await refreshUserIds(d.ctx.roster, d.refs, view) : undefined;
    return renderCard(view, { ...base, refreshFor, ...extra });
  }
  const notes = view.state === 'ESCALATED' ? (await teamNotes(d.ctx, view.itemId, 5)).map(noteLine) : undefined;
  return renderCard(asCopy(view), { ...base, intro: place.intro, teamNotes: notes, ...extra });
}

async function privately(d: Turn, itemId: string | undefined, text: string, tone: 'attention' | 'warning' | 'accent', place: Place, extra: Partial<RenderOptions> = {}): Promise<Answer> {
  const item = itemId ? await d.ctx.store.findItem(itemId) : null;
  const card = item ? await draw(d, item, place, { notice: { tone, text }, ...extra }) : noticeCard(text);
  return { kind: 'private', card, text };
}

/**
 * The card being clicked is the item's channel card (its thread's root in the queue channel) or
 * a copy addressed to its assignee (a physician's 1:1 chat, the pool channel). The answer redraws
 * that card, so it is drawn for the same audience — staff free text only on the assignee's copy —
 * and a copy with its intro. Teams names the message holding the card in `replyToId`.
 */
async function placeOf(d: Turn, itemId: string | undefined, context: TurnContext): Promise<Place> {
  const conversationId = context.activity.conversation?.id;
  if (!itemId || !conversationId) return { audience: 'channel' };
  const post = await d.ctx.store.findPlatformPost(itemId, 'teams', 'card');
  if (!post || post.channel === conversationId.split(';')[0]) return { audience: 'channel' };
  const copy = (await d.refs.copies(itemId)).find((c) => c.activityId === context.activity.replyToId);
  return { audience: 'direct', intro: copy?.intro };
}

/** Runs one card action through the use cases and says what the clicker and the channel should see. */
async function answer(d: Turn, context: TurnContext, verb: string, data: unknown): Promise<Answer> {
  const { ctx } = d;
  const who = actorOf(ctx.roster, context.activity.from);
  const parsed = parseAction(verb, data, ctx.clock.now());
  const log = (outcome: string, itemId?: string) => d.logger.info({ platform: 'teams', verb, itemId, actor: who.key, outcome }, 'card action');
  const place = await placeOf(d, parsed.itemId, context);
  if (parsed.kind === 'invalid') {
    log('invalid', parsed.itemId);
    return privately(d, parsed.itemId, parsed.message, 'warning', place);
  }
  if (parsed.kind === 'view') {
    const r = await viewMessage(ctx, { itemId: parsed.itemId, actorKey: who.key, platform: 'teams' });
    log(r.ok ? 'ok' : r.code, parsed.itemId);
    if (!r.ok) return privately(d, parsed.itemId, explain(r, who.aadObjectId), toneOf(r), place);
    return privately(d, parsed.itemId, 'The message is below. It is shown only to you.', 'accent', place, { messages: r.messages, notes: r.notes });
  }
  // Judged against what the card showed: a stale card is refused, a repeated Claim by the owner is answered as done.
  const r = await actOnCard(ctx, { itemId: parsed.itemId, actorKey: who.key, platform: 'teams', command: parsed.command, seen: parsed.seen });
  log(r.ok ? (r.unchanged ? 'unchanged' : 'ok') : r.code, parsed.itemId);
  if (!r.ok) return privately(d, parsed.itemId, explain(r, who.aadObjectId), toneOf(r), place);
  if (r.unchanged) return privately(d, parsed.itemId, `${itemRef(r.item)} is already yours.`, 'accent', place);
  return { kind: 'shared', card: await draw(d, r.item, place) };
}

/**
 * The answer to a refresh (Universal Actions user-specific view): the card as it is now, with
 * only the buttons this person may use. Someone not on the roster gets the shared card, every
 * button included, as everyone without refresh does; their clicks are refused and audited anyway.
 */
async function refreshed(d: Turn, context: TurnContext, data: unknown): Promise<AdaptiveCardJson> {
  const raw = (data as { itemId?: unknown } | undefined)?.itemId;
  const item = typeof raw === 'string' && raw.length <= 100 ? await d.ctx.store.findItem(raw) : null;
  if (!item) return noticeCard('That item no longer exists.');
  const who = actorOf(d.ctx.roster, context.activity.from);
  const actor = d.ctx.roster.member(who.key);
  const place = await placeOf(d, item.id, context);
  const view = await cardForItem(d.ctx, item, place.audience);
  const refreshFor = place.audience === 'channel' ? await refreshUserIds(d.ctx.roster, d.refs, view) : undefined;
  d.logger.debug({ platform: 'teams', verb: REFRESH_VERB, itemId: item.id, actor: who.key }, 'card refresh');
  return renderCard(actor ? cardForPerson(d.ctx, item, actor, view) : view, {
    timeZone: d.ctx.sla.calendar.timezone, intro: place.intro, refreshFor,
  });
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
  // Answered here, not returned to teams-ai: its REPLACE_FOR_ALL would put this person's view
  // into everyone's card (`updateActivity`), where the refresh must change only their own.
  app.adaptiveCards.actionExecute(REFRESH_VERB, async (context, _state, data) => {
    const card = await refreshed(turnOf(d), context, data);
    await sendInvokeResponse(context, card);
    return card;
  });

  app.adaptiveCards.actionExecute([...VERBS], async (context, _state, data) => {
    const verb = (context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
    bestEffortSharedUpdate(context, d);
    const a = await answer(turnOf(d), context, typeof verb === 'string' ? verb : '', data);
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
    const a = await answer(turnOf(d), context, verb, data);
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
