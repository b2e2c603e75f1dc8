import { App, ExpressReceiver, SocketModeReceiver } from '@slack/bolt';
import express, { type RequestHandler, type Router } from 'express';
import type { ContextSource } from '../../src/app/context.ts';
import type { ChatAdapter, Mention, NoticeOptions, PostedRef } from '../../src/app/chat-adapter.ts';
import type { CardView } from '../../src/domain/card.ts';
import type { DigestModel } from '../../src/domain/digest.ts';
import type { StaffMember } from '../../src/domain/roster.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { SlackOutbound } from './adapter.ts';
import { boltLogger } from './bolt-logger.ts';
import { HomePublisher, type HomePublisherOptions } from './home-publisher.ts';
import { registerInteractions } from './interactions.ts';
import { ChannelGuard, channelRoles } from './shared-channels.ts';
import { DEAD_TOKEN, describeError, platformError, SlackApi } from './web.ts';

export interface SlackAdapterOptions {
  /** The context as of now (the roster's channels and people, `physicianPool.slackChannel`): read at each use, so a config reload reaches the adapter. */
  ctx: ContextSource;
  logger: Logger;
  /** SLACK_BOT_TOKEN (xoxb-…). */
  botToken: string;
  /** SLACK_SIGNING_SECRET: required for the HTTP receiver (`POST /slack/events`). */
  signingSecret?: string | undefined;
  /** SLACK_APP_TOKEN (xapp-…): Socket Mode instead of the HTTP receiver. */
  appToken?: string | undefined;
  /** SLACK_API_URL: Web API base URL (GovSlack, or a local fake in tests). */
  apiUrl?: string | undefined;
  /** Called after a Slack user changed an item, so the outbox delivers the card update at once (main: `worker.kick()`). */
  onChange?: (() => void) | undefined;
  /** Web API request timeout (default 10 s). */
  timeoutMs?: number | undefined;
  /** Retry interval for auth.test while Slack is unreachable at start (default 30 s). */
  reconnectMs?: number | undefined;
  /** While the bot token is dead (uninstalled, revoked): how often auth.test checks it again (default 5 min). */
  tokenCheckMs?: number | undefined;
  /** How long a channel's "not shared outside the organisation" answer is trusted (default 10 min). */
  channelCheckTtlMs?: number | undefined;
  /** App Home refresh pacing (views.publish is Tier 4). */
  home?: HomePublisherOptions | undefined;
}

export interface SlackAdapterHandle {
  adapter: ChatAdapter;
  /** HTTP mode: mount on Baton's server (`createHttpApp({ extraRoutes: [router] })`); serves `POST /slack/events`. Absent in Socket Mode. */
  router?: Router;
}

/**
 * Acks come before work, across requests too. Each Slack request counts as pending from
 * arrival until its HTTP answer is written; work after an ack waits (briefly) until no request
 * is pending. In a burst (20 people clicking Claim at once) every click is acked before any of
 * them runs its database work, which otherwise competes for the event loop — and with the
 * embedded database the queries run on it.
 */
export class AckFirst {
  private pending = 0;
  private waiters: Array<() => void> = [];

  readonly middleware: RequestHandler = (_req, res, next) => {
    this.pending += 1;
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      this.pending -= 1;
      if (this.pending === 0) for (const w of this.waiters.splice(0)) w();
    };
    res.once('finish', finished);
    res.once('close', finished);
    next();
  };

  /**
   * Resolves once no Slack request awaits its ack — checked again after one turn of the event
   * loop, so requests already on the wire are read and acked first — or after `maxMs`, so a
   * flood cannot starve the work.
   */
  async idle(maxMs = 250): Promise<void> {
    const until = Date.now() + maxMs;
    for (;;) {
      if (this.pending === 0) {
        await new Promise((r) => setImmediate(r));
        if (this.pending === 0) return;
      }
      const left = until - Date.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** Slack errors meaning the bot token itself is wrong at start: a dead token, or one without the app's scopes. Fail instead of running deaf. */
const BAD_TOKEN = new Set([...DEAD_TOKEN, 'no_permission', 'missing_scope']);

/**
 * The Slack adapter: Bolt 5 (HTTP receiver on Baton's own express server, or Socket Mode when
 * an app token is given) for what users do, and the `ChatAdapter` port for what Baton posts.
 */
export function createSlackAdapter(opts: SlackAdapterOptions): SlackAdapterHandle {
  const { ctx, logger } = opts;
  const log = logger.child({ component: 'slack' });
  const roles = () => {
    const { roster, pool } = ctx();
    return channelRoles(roster, pool.slackChannel);
  };
  const guard = new ChannelGuard(roles, log, opts.channelCheckTtlMs);
  const api = new SlackApi({
    token: opts.botToken,
    logger: log,
    apiUrl: opts.apiUrl,
    timeoutMs: opts.timeoutMs,
    onTokenDead: (reason) => tokenDied(reason),
    beforeChannelWrite: (channel) => guard.check(channel),
  });
  guard.attach(api);
  const out = new SlackOutbound(ctx, api, log);
  const sdkLogger = boltLogger(logger);
  const socketMode = Boolean(opts.appToken);
  const ackFirst = new AckFirst();

  let identity: { botId?: string; botUserId?: string; teamId?: string } | null = null;
  let tokenTimer: NodeJS.Timeout | null = null;
  const home = new HomePublisher(ctx, api, log, () => identity?.teamId ?? null, opts.home);
  let socketUp = false;
  let socketStarted = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let stopped = false;

  let receiver: ExpressReceiver | SocketModeReceiver;
  let router: Router | undefined;
  if (socketMode) {
    receiver = new SocketModeReceiver({ appToken: opts.appToken!, logger: sdkLogger, installerOptions: { clientOptions: { slackApiUrl: opts.apiUrl } } });
  } else {
    if (!opts.signingSecret) throw new Error('Slack: SLACK_SIGNING_SECRET is required for the HTTP receiver (or set SLACK_APP_TOKEN for Socket Mode)');
    router = express.Router();
    router.use('/slack/events', ackFirst.middleware); // before Bolt's own handler on the same path
    receiver = new ExpressReceiver({
      signingSecret: opts.signingSecret,
      router,
      endpoints: '/slack/events',
      logger: sdkLogger,
      // ack() answers the HTTP request at once; the work continues after it.
      processBeforeResponse: false,
    });
  }

  const app = new App({
    receiver,
    logger: sdkLogger,
    // Baton calls the Web API through its own client (web.ts); Bolt's client only needs the base URL.
    clientOptions: { slackApiUrl: opts.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } },
    authorize: async () => ({ botToken: opts.botToken, botId: identity?.botId, botUserId: identity?.botUserId }),
    convoStore: false,
  });
  registerInteractions(app, {
    ctx,
    api,
    out,
    logger,
    onChange: () => opts.onChange?.(),
    afterAck: () => ackFirst.idle(),
    home,
    onTokenRevoked: (reason) => api.markDead(reason),
  });

  /**
   * The bot token died while Baton runs (an uninstall, a revoked token, a deactivated
   * workspace): said once, /readyz reports Slack down, and every delivery fails at once
   * (`SlackTokenDead`) so the outbox backs off instead of retrying into Slack. A reinstalled app
   * gets a *new* bot token, which only a restart with the new SLACK_BOT_TOKEN picks up; auth.test
   * re-checks the old token now and then, for the rare error Slack takes back.
   */
  function tokenDied(reason: string) {
    const what =
      reason === 'app_uninstalled'
        ? 'the Baton app was uninstalled from the Slack workspace'
        : reason === 'tokens_revoked' || reason === 'token_revoked'
          ? "the Baton app's bot token was revoked"
          : `Slack rejects the bot token (${reason})`;
    log.error(
      { slack: { tokenDead: reason } },
      `Slack: ${what}. Nothing can be posted to Slack and /readyz reports slack down; outbox deliveries wait. To fix: reinstall the app (manifest/slack/INSTALL.md), set SLACK_BOT_TOKEN to its new Bot User OAuth Token, and restart Baton.`,
    );
    if (tokenTimer || stopped) return;
    const check = () => {
      tokenTimer = setTimeout(async () => {
        tokenTimer = null;
        try {
          await api.call('auth.test', {}, { idempotent: true });
          api.revive();
          log.info('Slack accepts the bot token again: deliveries resume');
        } catch {
          if (!stopped && api.deadReason) check();
        }
      }, opts.tokenCheckMs ?? 5 * 60_000);
      tokenTimer.unref();
    };
    check();
  }

  /** At start: conversations.info for every queue and pool channel, so the start-up log names any channel Baton refuses (shared-channels.ts). */
  async function checkChannels() {
    await Promise.all([...roles().keys()].map((ch) => guard.check(ch).catch(() => {})));
    const refused = guard.refused();
    if (refused.length) log.error({ slack: { refused: refused.map((r) => ({ channel: r.channel, for: r.where })) } }, `Slack: Baton refuses to post into ${refused.map((r) => `${r.channel} (${r.where})`).join(', ')}: shared outside the organisation or not checkable`);
  }

  if (receiver instanceof SocketModeReceiver) {
    receiver.client.on('connected', () => {
      socketUp = true;
      log.info('Slack Socket Mode connected');
    });
    receiver.client.on('disconnected', () => {
      socketUp = false;
    });
    receiver.client.on('reconnecting', () => {
      socketUp = false;
    });
  }

  /** auth.test: a bad token stops Baton from starting; Slack being unreachable does not (retried in the background, /readyz says so). */
  async function authenticate(): Promise<boolean> {
    try {
      const res = await api.call('auth.test', {}, { idempotent: true });
      identity = { botId: res.bot_id as string | undefined, botUserId: res.user_id as string | undefined, teamId: res.team_id as string | undefined };
      log.info({ slack: { team: res.team_id, botUserId: res.user_id } }, 'Slack bot token accepted');
      return true;
    } catch (e) {
      const code = platformError(e);
      if (code && BAD_TOKEN.has(code)) throw new Error(`Slack rejected SLACK_BOT_TOKEN (${code}); check the token and the app's installation`);
      log.warn({ slack: { error: describeError(e) } }, 'Slack is unreachable; retrying in the background');
      return false;
    }
  }

  function retryLater(ms: number) {
    if (stopped) return;
    retryTimer = setTimeout(async () => {
      retryTimer = null;
      if (await authenticate().catch((e) => (log.error({ err: e, slack: { error: describeError(e) } }, 'Slack authentication failed'), false))) {
        if (socketMode) await startSocket();
      } else retryLater(ms);
    }, ms);
    retryTimer.unref();
  }

  async function startSocket() {
    try {
      socketStarted = true;
      await app.start();
    } catch (e) {
      log.warn({ slack: { error: describeError(e) } }, 'Slack Socket Mode could not connect; retrying');
      retryLater(opts.reconnectMs ?? 30_000);
    }
  }

  const adapter: ChatAdapter = {
    platform: 'slack',
    async start() {
      stopped = false;
      const { roster, pool } = ctx();
      if (!pool.slackChannel) log.warn('physicianPool.slackChannel is not set: pool escalations will be sent to each physician by DM');
      for (const q of roster.queues) if (!q.slackChannel) log.warn({ queue: q.key }, 'queue has no slackChannel: its cards cannot be posted in Slack');
      home.start();
      const ok = await authenticate();
      if (!ok) retryLater(opts.reconnectMs ?? 30_000);
      else {
        await checkChannels();
        if (socketMode) await startSocket();
      }
    },
    async stop() {
      stopped = true;
      home.stop();
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      if (tokenTimer) clearTimeout(tokenTimer);
      tokenTimer = null;
      if (socketStarted) await app.stop().catch(() => {});
      socketStarted = false;
      socketUp = false;
    },
    connected: () => identity !== null && api.deadReason === null && (!socketMode || socketUp),
    postCard: (card: CardView, o?: { mention?: Mention }) => out.postCard(card, o),
    findCard: (card: CardView) => out.findCard(card),
    updateCard: (ref: PostedRef, card: CardView, direct?: CardView) => out.updateCard(ref, card, direct),
    postThreadNote: (ref: PostedRef, text: string, o?: NoticeOptions) => out.postThreadNote(ref, text, o),
    sendDirect: (to: StaffMember | null, card: CardView, text: string, o?: { notice?: string | undefined }) => out.sendDirect(to, card, text, o),
    sendDigest: (to: StaffMember, digest: DigestModel, text: string) => out.sendDigest(to, digest, text),
  };
  refreshHomeOnChange(adapter, home);
  return router ? { adapter, router } : { adapter };
}

/**
 * The outbox posts or updates an item's card on every change of the item: after each one that
 * went through, the open App Home tabs it concerns are republished (debounced, home-publisher.ts).
 * Wraps the port's methods whatever their parameters, so the methods above stay as they are.
 */
function refreshHomeOnChange(adapter: ChatAdapter, home: HomePublisher) {
  const post = adapter.postCard.bind(adapter);
  const update = adapter.updateCard.bind(adapter);
  adapter.postCard = async (...args: Parameters<ChatAdapter['postCard']>) => {
    const ref = await post(...args);
    home.changed(args[0]);
    return ref;
  };
  adapter.updateCard = async (...args: Parameters<ChatAdapter['updateCard']>) => {
    await update(...args);
    home.changed(args[1]);
  };
}
