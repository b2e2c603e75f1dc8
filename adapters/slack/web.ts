import { webApi } from '@slack/bolt';
import { RateLimitedError } from '../../src/app/chat-adapter.ts';
import { errorSummary } from '../../src/observability/error-facts.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { boltLogger } from './bolt-logger.ts';

/**
 * The Slack Web API as Baton uses it: one WebClient, with Baton (not the client) deciding what
 * to do about rate limits and failures.
 *
 * Why not the WebClient's defaults (../shared/PLATFORMS.md §3): on a 429 the default client
 * pauses its *whole* request queue for Retry-After and then retries up to ten times over about
 * thirty minutes. One busy channel would then stall every other channel, the private answers
 * to clicks and the 3-second `views.open` window; and a delivery that waits longer than the
 * outbox lease (60 s) could be taken and sent again by another worker. Its automatic retries
 * also resend `chat.postMessage` after a timeout or a 5xx, which can post a card twice.
 *
 * So the client runs with `rejectRateLimitedCalls: true` and `retries: 0`, and `call()`:
 * - keeps a gate per rate-limit bucket (per channel for `chat.postMessage`, which Slack limits
 *   to about one message per second per channel; per method otherwise). A 429 closes the gate
 *   for Retry-After, so later calls in that bucket do not hit Slack before it reopens.
 * - waits for a closed gate only up to the caller's `waitMs` (0 for outbox deliveries, a
 *   second or a few for answers to clicks), else throws the port's `RateLimitedError` with the
 *   time left: the outbox worker then pauses that channel's lane for exactly that long and
 *   goes on with the other channels (src/app/outbox-worker.ts).
 * - retries idempotent calls (chat.update, views.publish, conversations.open, …) on 5xx and
 *   network errors, three times within about 1.5 s; never `chat.postMessage`, whose outcome is
 *   then unknown (`UnknownOutcome`): the outbox retries it after asking `findCard`.
 */

export const { WebClient, WebAPIRateLimitedError, WebAPIPlatformError, WebAPIHTTPError, WebAPIRequestError } = webApi;
type WebClientT = InstanceType<typeof webApi.WebClient>;

/** The request may or may not have reached Slack (timeout, connection reset, 5xx). */
export class UnknownOutcome extends Error {
  /** Built from the method and `describeError` only. */
  readonly loggableMessage = true;
  constructor(readonly method: string, cause: unknown) {
    super(`Slack ${method}: outcome unknown (${describeError(cause)})`);
  }
}

/**
 * Slack errors that mean the bot token itself is dead (app uninstalled, token revoked, the
 * workspace or bot user deactivated): whichever call meets one, no retry can succeed until a
 * valid token is configured. Slack answers them on every method (docs.slack.dev "Common
 * errors"); `token_expired` only happens with token rotation, which the manifests leave off.
 */
export const DEAD_TOKEN = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

/**
 * Thrown instead of calling Slack while the bot token is known to be dead: deliveries fail at
 * once (the outbox backs off) rather than each waiting on Slack. Names the Slack error code
 * only, never what was being sent.
 */
export class SlackTokenDead extends Error {
  readonly loggableMessage = true;
  constructor(readonly reason: string) {
    super(`Slack bot token is not usable (${reason}): the app was uninstalled or its token revoked; reinstall the app, set the new SLACK_BOT_TOKEN and restart Baton`);
    this.name = 'SlackTokenDead';
  }
}

export function platformError(e: unknown): string | null {
  return e instanceof WebAPIPlatformError ? String(e.data.error) : null;
}

/**
 * A short description for logs: Slack's error codes and statuses, else the error's class and
 * code. Never a message: response bodies, and errors from below (a database driver's message
 * quotes patient data), must not reach the log.
 */
export function describeError(e: unknown): string {
  if (e instanceof WebAPIPlatformError) return `slack error ${String(e.data.error).slice(0, 64)}`;
  if (e instanceof WebAPIHTTPError) return `HTTP ${e.statusCode}`;
  if (e instanceof WebAPIRateLimitedError) return `rate limited, retry after ${e.retryAfter} s`;
  if (e instanceof WebAPIRequestError) return `request failed: ${errorSummary(e.original)}`;
  return errorSummary(e);
}

const TRANSIENT_PLATFORM = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

function isTransient(e: unknown): boolean {
  if (e instanceof WebAPIRequestError) return true;
  if (e instanceof WebAPIHTTPError) return e.statusCode >= 500;
  const code = platformError(e);
  return code !== null && TRANSIENT_PLATFORM.has(code);
}

export interface SlackApiOptions {
  token: string;
  logger: Logger;
  /** Web API base URL (SLACK_API_URL: GovSlack, a local fake in tests). */
  apiUrl?: string | undefined;
  /** Per-request timeout. */
  timeoutMs?: number | undefined;
  /** Called once each time the token goes from usable to dead (an error code or an event). */
  onTokenDead?: ((reason: string) => void) | undefined;
  /**
   * Privacy gate run before each post or update into a channel (not a DM): throws to refuse
   * (channels shared with another organisation, shared-channels.ts).
   */
  beforeChannelWrite?: ((channel: string) => Promise<void>) | undefined;
}

export type Args = Record<string, unknown>;
export type Result = Record<string, unknown> & { ok?: boolean };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class SlackApi {
  readonly client: WebClientT;
  private readonly gates = new Map<string, number>();
  private dead: string | null = null;

  constructor(private readonly opts: SlackApiOptions) {
    this.client = new WebClient(opts.token, {
      slackApiUrl: opts.apiUrl,
      logger: boltLogger(opts.logger),
      timeout: opts.timeoutMs ?? 10_000,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
  }

  /** The rate-limit bucket of a call: Slack limits chat.postMessage per channel, other methods per workspace. */
  static bucketOf(method: string, args: Args): string {
    return method === 'chat.postMessage' && typeof args.channel === 'string' ? `${method}:${args.channel}` : method;
  }

  /** Milliseconds until the bucket's gate opens (0 when open). */
  closedFor(bucket: string, now = Date.now()): number {
    return Math.max(0, (this.gates.get(bucket) ?? 0) - now);
  }

  /**
   * One Web API call under Baton's rate-limit and retry policy. `waitMs`: how long this call
   * may wait for a closed rate-limit gate (default 0: throw `RateLimitedError` at once).
   * `idempotent: false` (posting a message) turns an unknown outcome into `UnknownOutcome`.
   */
  /** The Slack error (or event) that killed the token, or null while it works. */
  get deadReason(): string | null {
    return this.dead;
  }

  /** The token is dead (an error code from any call, `app_uninstalled`, `tokens_revoked`). */
  markDead(reason: string): void {
    if (this.dead) return;
    this.dead = reason;
    this.opts.onTokenDead?.(reason);
  }

  /** auth.test accepted the token again. */
  revive(): void {
    this.dead = null;
  }

  /** Writes into a channel pass the privacy gate first; DMs (`D…`) are the addressee's own. */
  private static channelWrite(method: string, args: Args): string | null {
    if (method !== 'chat.postMessage' && method !== 'chat.update') return null;
    const ch = args.channel;
    return typeof ch === 'string' && !ch.startsWith('D') ? ch : null;
  }

  async call(method: string, args: Args, opts: { idempotent: boolean; waitMs?: number }): Promise<Result> {
    // While the token is dead every call would fail the same way; auth.test is how it is re-checked.
    if (this.dead && method !== 'auth.test') throw new SlackTokenDead(this.dead);
    const gated = SlackApi.channelWrite(method, args);
    if (gated && this.opts.beforeChannelWrite) await this.opts.beforeChannelWrite(gated);
    const bucket = SlackApi.bucketOf(method, args);
    const deadline = Date.now() + (opts.waitMs ?? 0);
    for (let transient = 0; ; ) {
      const closed = this.closedFor(bucket);
      if (closed > 0) {
        if (Date.now() + closed > deadline) throw new RateLimitedError(closed, `Slack rate limit on ${method}: retry in ${Math.ceil(closed / 1000)} s`);
        await sleep(closed);
        continue;
      }
      try {
        return (await this.client.apiCall(method, args)) as Result;
      } catch (e) {
        if (e instanceof WebAPIRateLimitedError) {
          const until = Date.now() + Math.max(1, e.retryAfter) * 1000;
          this.gates.set(bucket, Math.max(this.gates.get(bucket) ?? 0, until));
          this.opts.logger.warn({ slack: { method, perChannel: bucket !== method, retryAfter: e.retryAfter } }, 'Slack rate limit: pausing this bucket for Retry-After');
          continue;
        }
        const code = platformError(e);
        if (code && DEAD_TOKEN.has(code) && method !== 'auth.test') {
          this.markDead(code);
          throw new SlackTokenDead(code);
        }
        if (isTransient(e)) {
          if (!opts.idempotent) throw new UnknownOutcome(method, e);
          if (transient < 3) {
            await sleep(200 * 2 ** transient++);
            continue;
          }
        }
        throw e;
      }
    }
  }
}
