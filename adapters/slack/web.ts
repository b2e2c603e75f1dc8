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
}

export type Args = Record<string, unknown>;
export type Result = Record<string, unknown> & { ok?: boolean };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class SlackApi {
  readonly client: WebClientT;
  private readonly gates = new Map<string, number>();

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
  async call(method: string, args: Args, opts: { idempotent: boolean; waitMs?: number }): Promise<Result> {
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
