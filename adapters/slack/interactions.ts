import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { actOnCard, cardForPerson, checkCardAction, type CardActOutcome, type FormCommand as UseCaseForm } from '../../src/app/act-on-card.ts';
import type { AppContext, ContextSource } from '../../src/app/context.ts';
import { cardForItem } from '../../src/app/item-card.ts';
import { viewMessage } from '../../src/app/view-message.ts';
import type { Command } from '../../src/domain/commands.ts';
import type { Failure } from '../../src/domain/result.ts';
import { itemRef } from '../../src/domain/work-item.ts';
import type { Logger } from '../../src/observability/logger.ts';
import type { SlackOutbound } from './adapter.ts';
import { BoundedMap } from './adapter.ts';
import { answer, messageTextAnswer, parseButtonValue, type SlackMessage } from './blocks.ts';
import type { HomePublisher } from './home-publisher.ts';
import { slashAnswer, unknownUserText } from './home.ts';
import { NEXT_ACTION, nextItemAnswer } from './next-item.ts';
import { commandFromForm, escalateModal, FORM_COMMANDS, parseMeta, reassignModal, returnModal, snoozeModal, type FormCommand, type ModalMeta } from './modals.ts';
import { describeError, type SlackApi } from './web.ts';

/**
 * The inbound half of the Slack adapter: button clicks (on cards and on the App Home tab),
 * modal submissions, the slash command, the App Home tab and the app's lifecycle events,
 * registered on a Bolt App. Every listener acks first (Slack allows 3 s),
 * then works; every refusal is answered privately (the use cases audit it).
 *
 * Retries: Slack redelivers Events API requests (X-Slack-Retry-Num) and a user may click twice.
 * A redelivered request (same user, action_ts and action; same event_id; same view submission)
 * is recognised and not worked again; a second Claim by the owner is answered "already yours"
 * by the use case without a second transition.
 */

type Origin = { channel: string | null; ts: string | null };

const DIRECT: Record<string, Command['type']> = { 'item.claim': 'claim', 'item.release': 'release', 'item.resolve': 'resolve', 'item.reopen': 'reopen', 'item.wake': 'wake' };

export interface InteractionDeps {
  /** The context as of now: each interaction reads it once, when it arrives. */
  ctx: ContextSource;
  api: SlackApi;
  out: SlackOutbound;
  logger: Logger;
  onChange: () => void;
  /** Awaited after each ack, before the work: lets the acks of a burst go out first (index.ts `AckFirst`). */
  afterAck: () => Promise<void>;
  /** Publishes and refreshes App Home tabs. */
  home: HomePublisher;
  /** Slack said the app was uninstalled or its bot token revoked (`app_uninstalled`, `tokens_revoked`). */
  onTokenRevoked: (reason: string) => void;
}

/** Remembers recently handled deliveries so a redelivery is not worked twice (15 minutes, 20 000 keys). */
class Deliveries {
  private readonly seen = new BoundedMap<string, number>(20_000);
  first(key: string, now = Date.now()): boolean {
    const at = this.seen.get(key);
    if (at !== undefined && now - at < 15 * 60_000) return false;
    this.seen.set(key, now);
    return true;
  }
}

export function failureText(f: Failure, slackUserId: string): string {
  if (f.code === 'staff.unknown') return unknownUserText(slackUserId);
  if (f.code === 'item.not_found') return 'That item no longer exists in Baton.';
  return f.message;
}

export function registerInteractions(app: App, deps: InteractionDeps): void {
  const { api, out, logger } = deps;
  const deliveries = new Deliveries();
  const log = logger.child({ component: 'slack' });

  const actorOf = (ctx: AppContext, slackUserId: string) => ctx.roster.bySlackId(slackUserId)?.key ?? `unknown:${slackUserId}`;

  /** A private answer in the channel (or DM) of `origin`, falling back to a DM with the bot. */
  async function whisper(slackUserId: string, origin: Origin, msg: SlackMessage, respond?: RespondFn) {
    if (respond) {
      try {
        await respond({ response_type: 'ephemeral', replace_original: false, ...msg });
        return;
      } catch (e) {
        log.warn({ slack: { via: 'response_url', error: describeError(e) } }, 'private answer failed; trying chat.postEphemeral');
      }
    }
    if (origin.channel) {
      try {
        await api.call('chat.postEphemeral', { channel: origin.channel, user: slackUserId, ...msg }, { idempotent: true, waitMs: 3_000 });
        return;
      } catch (e) {
        log.warn({ slack: { method: 'chat.postEphemeral', error: describeError(e) } }, 'private answer failed; sending a DM');
      }
    }
    await out.dm(slackUserId, msg);
  }

  /** Is the clicked message the item's tracked card, or a copy (a physician DM, a pool post)? */
  async function isCopy(ctx: AppContext, itemId: string, origin: Origin): Promise<boolean> {
    if (!origin.channel || !origin.ts) return false;
    const main = await ctx.store.findPlatformPost(itemId, 'slack', 'card');
    return !main || main.channel !== origin.channel || main.messageId !== origin.ts;
  }

  /**
   * Redraws the clicked copy at once, for the person who clicked it: the outbox updates every
   * copy too, but only after the change is delivered, and a refused click (a stale copy) changes
   * nothing it would redraw. A copy is the assignee's (a DM, the pool): it shows the staff free text.
   */
  async function refreshCopy(ctx: AppContext, itemId: string, origin: Origin) {
    if (!origin.channel || !origin.ts || !(await isCopy(ctx, itemId, origin))) return;
    const item = await ctx.store.findItem(itemId);
    if (item) await out.redrawCopy({ channel: origin.channel, messageId: origin.ts }, await cardForItem(ctx, item, 'direct'));
  }

  async function afterCommand(ctx: AppContext, outcome: CardActOutcome, itemId: string, slackUserId: string, origin: Origin, reply: (m: SlackMessage) => Promise<void>) {
    if (outcome.ok) {
      if (outcome.unchanged) await reply(answer(`${itemRef(outcome.item)} is already yours.`));
      else deps.onChange();
    } else {
      await reply(answer(failureText(outcome, slackUserId)));
    }
    await refreshCopy(ctx, itemId, origin).catch((e) => log.warn({ slack: { error: describeError(e) } }, 'could not refresh a copy of the card'));
  }

  const guard = (what: string, fn: () => Promise<void>, onError?: () => Promise<void>) =>
    fn().catch(async (e) => {
      log.error({ err: e, slack: { error: describeError(e) }, what }, 'Slack interaction failed');
      await onError?.().catch(() => {});
    });

  // ---- Buttons on cards -----------------------------------------------------------------
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: /^item\./ }, async ({ ack, body, action, respond }) => {
    await ack();
    await deps.afterAck();
    const ctx = deps.ctx();
    const user = body.user.id;
    if (!deliveries.first(`a:${user}:${action.action_ts}:${action.action_id}:${action.block_id}`)) return;
    // A button on a message has container {type:'message', channel_id, message_ts}; one on the
    // App Home tab has {type:'view', view_id} and no channel, message or response_url (so no
    // `respond`): its private answers go by DM (whisper), and the Home is redrawn afterwards.
    const container = body.container as { type?: string; channel_id?: string; message_ts?: string } | undefined;
    const fromHome = container?.type === 'view' || body.view?.type === 'home';
    const origin: Origin = fromHome ? { channel: null, ts: null } : { channel: container?.channel_id ?? body.channel?.id ?? null, ts: container?.message_ts ?? body.message?.ts ?? null };
    const reply = (m: SlackMessage) => whisper(user, origin, m, respond);
    await guard(action.action_id, async () => {
      const value = parseButtonValue(action.value);
      if (!value) return reply(answer('This button belongs to a card Baton cannot read any more. Use the newest card for this item.'));
      const actorKey = actorOf(ctx, user);
      const seen = { state: value.s, ownerId: value.o, version: value.v };
      const id = action.action_id;

      if (id === 'item.view') {
        const r = await viewMessage(ctx, { itemId: value.i, actorKey, platform: 'slack' });
        if (!r.ok) return reply(answer(failureText(r, user)));
        const item = await ctx.store.findItem(value.i);
        return reply(messageTextAnswer(item ? itemRef(item) : 'this item', r.messages, r.notes));
      }

      const direct = DIRECT[id];
      if (direct) {
        const r = await actOnCard(ctx, { itemId: value.i, actorKey, platform: 'slack', command: { type: direct } as Command, seen });
        return afterCommand(ctx, r, value.i, user, origin, reply);
      }

      if ((FORM_COMMANDS as readonly string[]).includes(id)) {
        const form = id as FormCommand;
        const useCase = form.slice('item.'.length) as UseCaseForm;
        const r = await checkCardAction(ctx, { itemId: value.i, actorKey, platform: 'slack', command: useCase, seen });
        if (!r.ok) {
          await reply(answer(failureText(r, user)));
          return refreshCopy(ctx, value.i, origin);
        }
        // The pickers offer what the card offers (its actions' choices), as every platform does:
        // the card as this person may use it, wherever they clicked (a physician's DM copy hands
        // over an escalation the channel's card does not offer to its team).
        const clicker = ctx.roster.member(actorKey);
        const shown = await cardForItem(ctx, r.item);
        const card = clicker ? cardForPerson(ctx, r.item, clicker, shown) : shown;
        const meta: ModalMeta = { i: value.i, v: card.version, s: card.state, o: card.owner?.key ?? null, c: origin.channel, t: origin.ts };
        let view;
        if (form === 'item.escalate') view = escalateModal(card, meta);
        else if (form === 'item.snooze') view = snoozeModal(card, meta);
        else if (form === 'item.return') view = returnModal(card, meta);
        else {
          view = reassignModal(card, meta);
          if (!view) return reply(answer(card.state === 'ESCALATED' ? 'There is no other physician on the roster to hand this to.' : `Nobody else works the ${card.queue.name} queue.`));
        }
        // trigger_id expires 3 s after the click: one attempt, no waiting on rate limits.
        try {
          await api.call('views.open', { trigger_id: body.trigger_id, view }, { idempotent: false, waitMs: 1_000 });
        } catch (e) {
          log.warn({ slack: { method: 'views.open', error: describeError(e) } }, 'could not open a modal');
          await reply(answer('Slack could not open the form in time. Please click the button again.'));
        }
        return;
      }
      return reply(answer('Baton does not know this button. Use the newest card for this item.'));
    }, () => reply(answer('Something went wrong in Baton. Check the card before trying again.')));
    if (fromHome) deps.home.touched(user);
  });

  // ---- "Next item" on the App Home tab ------------------------------------------------------
  // The Home has nowhere private to answer (no response_url): the answer goes by DM (whisper),
  // and the Home is redrawn, showing the item under Mine with its buttons.
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: NEXT_ACTION }, async ({ ack, body, action }) => {
    await ack();
    await deps.afterAck();
    const user = body.user.id;
    if (!deliveries.first(`a:${user}:${action.action_ts}:${action.action_id}`)) return;
    const origin: Origin = { channel: null, ts: null };
    const reply = (m: SlackMessage) => whisper(user, origin, m);
    await guard(NEXT_ACTION, async () => {
      const r = await nextItemAnswer(deps.ctx(), user);
      if (r.claimed) deps.onChange();
      await reply(r.message);
    }, () => reply(answer('Something went wrong in Baton. Check your Home tab before trying again.')));
    deps.home.touched(user);
  });

  // Other buttons (e.g. URL buttons from older cards) are acknowledged and ignored.
  app.action({ type: 'block_actions', action_id: /^(?!item\.|home\.next$)/ }, async ({ ack }) => {
    await ack();
  });

  // ---- Modal submissions --------------------------------------------------------------
  app.view({ type: 'view_submission', callback_id: /^item\./ }, async ({ ack, body, view }) => {
    const form = view.callback_id as FormCommand;
    const meta = parseMeta(view.private_metadata);
    if (!meta || !FORM_COMMANDS.includes(form)) {
      await ack();
      return;
    }
    const ctx = deps.ctx();
    const parsed = commandFromForm(form, view.state.values as Parameters<typeof commandFromForm>[1], ctx.clock.now());
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    await ack();
    await deps.afterAck();
    const user = body.user.id;
    if (!deliveries.first(`v:${view.id}:${view.hash}`)) return;
    const origin: Origin = { channel: meta.c, ts: meta.t };
    const reply = (m: SlackMessage) => whisper(user, origin, m);
    await guard(form, async () => {
      const r = await actOnCard(ctx, { itemId: meta.i, actorKey: actorOf(ctx, user), platform: 'slack', command: parsed.command, seen: { state: meta.s, ownerId: meta.o, version: meta.v } });
      await afterCommand(ctx, r, meta.i, user, origin, reply);
    }, () => reply(answer('Something went wrong in Baton. Check the card before trying again.')));
  });

  // ---- Slash command ---------------------------------------------------------------------
  app.command(/.*/, async ({ ack, command, respond }) => {
    await ack();
    await deps.afterAck();
    await guard('slash', async () => {
      const msg = await slashAnswer(deps.ctx(), command.command, command.user_id, command.text ?? '', deps.onChange);
      await respond({ response_type: 'ephemeral', ...msg });
    }, async () => {
      await respond({ response_type: 'ephemeral', text: 'Something went wrong in Baton; please try again.' });
    });
  });

  // ---- App Home ----------------------------------------------------------------------------
  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab && event.tab !== 'home') return;
    if (!deliveries.first(`e:${(body as { event_id?: string }).event_id ?? `${event.user}:${event.event_ts}`}`)) return;
    await guard('home', () => deps.home.homeOpened(event.user));
  });

  // ---- The app's lifecycle -------------------------------------------------------------------
  // Sent when the app is removed from the workspace (its tokens die with it) and when tokens are
  // revoked; `tokens.bot` lists bot user ids (Baton holds only its bot token). Needs no scope.
  app.event('app_uninstalled', async () => {
    deps.onTokenRevoked('app_uninstalled');
  });
  app.event('tokens_revoked', async ({ event }) => {
    if (event.tokens?.bot?.length) deps.onTokenRevoked('tokens_revoked');
  });

  app.error(async (e) => {
    log.error({ err: e, slack: { error: describeError(e) } }, 'Bolt error');
  });
}
