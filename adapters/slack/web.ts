import { webApi } from '@slack/bolt';
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
 * outbox lease (60 s) could be taken and sent a second time by another worker. Its retries also
 * resend `chat.postMessage` after a timeout or a 5xx, which can post a card twice.
 *
 * So the client runs with `rejectRateLimitedCalls: true` and `retries: 0`, and `call()`:
 * - keeps a gate per rate-limit bucket (per channel for `chat.postMessage`, which Slack limits
 *   to about one message per second per channel; per method otherwise). A 429 closes the
 *   gate for Retry-After; only calls in that bucket wait.
 * - paces `chat.postMessage` per channel (a burst of 4, then one per second) so bursts of cards
 *   rarely meet a 429 at all.
 * - waits at most `maxWaitMs` (default 10 s) inside one call. A longer wait throws
 *   `RateLimitedLater`, so the outbox reschedules the row and moves on to other channels.
 * - retries idempotent calls (chat.update, views.publish, conversations.open, …) on 5xx and
 *   network errors within the same budget; never `chat.postMessage`, whose outcome is then
 *   unknown (see `UnknownOutcome` and the card reconciliation in the adapter).
 */

export const { WebClient, WebAPIRateLimitedError, WebAPIPlatformError, WebAPIHTTPError, WebAPIRequestError } = webApi;
type WebClientT = InstanceType<typeof webApi.WebClient>;

/** The call was not made because its rate-limit bucket is closed for longer than the wait budget. */
export class RateLimitedLater extends Error {
  constructor(readonly bucket: string, readonly retryInMs: number) {
    super(`Slack rate limit on ${bucket}: retry in ${Math.ceil(retryInMs / 1000)} s`);
  }
}

/** The request may or may not have reached Slack (timeout, connection reset, 5xx). */
export class UnknownOutcome extends Error {
  constructor(readonly method: string, cause: unknown) {
    super(`Slack ${method}: outcome unknown (${describeError(cause)})`);
  }
}

export function platformError(e: unknown): string | null {
  return e instanceof WebAPIPlatformError ? String(e.data.error) : null;
}

/** A short description for logs: error codes and statuses only, never response bodies. */
export function describeError(e: unknown): string {
  if (e instanceof WebAPIPlatformError) return `slack error ${String(e.data.error)}`;
  if (e instanceof WebAPIHTTPError) return `HTTP ${e.statusCode}`;
  if (e instanceof WebAPIRateLimitedError) return `rate limited, retry after ${e.retryAfter} s`;
  if (e instanceof WebAPIRequestError) return `request failed: ${e.original?.name ?? ''} ${e.original?.message ?? ''}`.trim();
  if (e instanceof Error) return e.message.slice(0, 300);
  return String(e).slice(0, 300);
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
  /** Longest time one call may wait for a rate-limit gate or retries before giving up for now. */
  maxWaitMs?: number | undefined;
  /** `chat.postMessage` pacing per channel: burst size and steady rate. */
  burst?: number | undefined;
  perSecond?: number | undefined;
}

export type Args = Record<string, unknown>;
export type Result = Record<string, unknown> & { ok?: boolean };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class SlackApi {
  readonly client: WebClientT;
  private readonly gates = new Map<string, number>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly maxWaitMs: number;
  private readonly burst: number;
  private readonly perSecond: number;

  constructor(private readonly opts: SlackApiOptions) {
    this.client = new WebClient(opts.token, {
      slackApiUrl: opts.apiUrl,
      logger: boltLogger(opts.logger),
      timeout: opts.timeoutMs ?? 10_000,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    this.maxWaitMs = opts.maxWaitMs ?? 10_000;
    this.burst = opts.burst ?? 4;
    this.perSecond = opts.perSecond ?? 1;
  }

  /** The rate-limit bucket of a call: Slack limits chat.postMessage per channel, other methods per workspace. */
  static bucketOf(method: string, args: Args): string {
    return method === 'chat.postMessage' && typeof args.channel === 'string' ? `${method}:${args.channel}` : method;
  }

  /** Milliseconds until the bucket's gate opens (0 when open). */
  closedFor(bucket: string, now = Date.now()): number {
    return Math.max(0, (this.gates.get(bucket) ?? 0) - now);
  }

  private async passGate(bucket: string, deadline: number) {
    for (;;) {
      const wait = this.closedFor(bucket);
      if (wait === 0) return;
      if (Date.now() + wait > deadline) throw new RateLimitedLater(bucket, wait);
      await sleep(wait);
    }
  }

  /** Token bucket for chat.postMessage per channel. */
  private async pace(channel: string, deadline: number) {
    for (;;) {
      const now = Date.now();
      const b = this.buckets.get(channel) ?? { tokens: this.burst, at: now };
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
      b.at = now;
      this.buckets.set(channel, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      const wait = Math.ceil(((1 - b.tokens) / this.perSecond) * 1000);
      if (now + wait > deadline) throw new RateLimitedLater(`chat.postMessage:${channel}`, wait);
      await sleep(wait);
    }
  }

  /**
   * One Web API call under Baton's rate-limit and retry policy. `idempotent: false` (posting a
   * message) turns an unknown outcome into `UnknownOutcome` instead of retrying.
   */
  async call(method: string, args: Args, opts: { idempotent: boolean; maxWaitMs?: number }): Promise<Result> {
    const deadline = Date.now() + (opts.maxWaitMs ?? this.maxWaitMs);
    const bucket = SlackApi.bucketOf(method, args);
    for (let attempt = 0; ; attempt++) {
      await this.passGate(bucket, deadline);
      if (method === 'chat.postMessage' && typeof args.channel === 'string') await this.pace(args.channel, deadline);
      try {
        return (await this.client.apiCall(method, args)) as Result;
      } catch (e) {
        if (e instanceof WebAPIRateLimitedError) {
          const until = Date.now() + Math.max(1, e.retryAfter) * 1000;
          this.gates.set(bucket, Math.max(this.gates.get(bucket) ?? 0, until));
          this.opts.logger.warn({ slack: { method, bucket: bucket === method ? undefined : 'channel', retryAfter: e.retryAfter } }, 'Slack rate limit: waiting before the next call in this bucket');
          continue;
        }
        if (isTransient(e)) {
          if (!opts.idempotent) throw new UnknownOutcome(method, e);
          const backoff = Math.min(2_000, 200 * 2 ** attempt);
          if (attempt < 3 && Date.now() + backoff < deadline) {
            await sleep(backoff);
            continue;
          }
        }
        throw e;
      }
    }
  }
}
