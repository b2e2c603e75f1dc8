import { errorSummary } from '../../src/observability/error-facts.ts';
import { RateLimitedError } from '../../src/app/chat-adapter.ts';

/**
 * Pacing and failure handling for calls to the Bot Connector (PLATFORMS.md §8, Microsoft's
 * "Rate limiting for bots" page):
 * - per bot per conversation thread: 7 sends / 1 s, 8 / 2 s, 60 / 30 s, 1800 / 1 h;
 * - per app per tenant: treat ≤ 30 requests / s as safe (the docs say 30 or 50);
 * - on 429 (and 412, 502, 504) back off and retry, honouring `Retry-After`.
 *
 * The gate never retries by itself: it throws, and the outbox retries the delivery. A 429 (or a
 * 503 with `Retry-After`) becomes `RateLimitedError(retryAfterMs)`, which the outbox honours
 * exactly for that row and its lane; 412/5xx/timeouts become `ConnectorCallFailed`, retried with
 * the outbox's exponential backoff. The gate also remembers the pause per conversation, so a
 * call for the same thread from another lane (a card copy, the in-turn refresh) is refused
 * locally — no request leaves — until Teams' `Retry-After` is over. Limits and pauses are per process:
 * with several instances each paces alone (README, Install in Teams, "Several instances").
 */

export const THREAD_WINDOWS: ReadonlyArray<readonly [ms: number, max: number]> = [[1_000, 7], [2_000, 8], [30_000, 60], [3_600_000, 1800]];
export const TENANT_WINDOWS: ReadonlyArray<readonly [ms: number, max: number]> = [[1_000, 30]];
const RETRYABLE = new Set([408, 412, 429, 500, 502, 503, 504]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'REQUEST_SEND_ERROR']);
/** A 429 without `Retry-After` still pauses the conversation briefly. */
const DEFAULT_429_PAUSE_MS = 1_000;

/** The connector refused or failed a call. The message names the status, never the content. */
export class ConnectorCallFailed extends Error {
  /** Composed from the call's name, the status or an error code (see `failed`). */
  readonly loggableMessage = true;
  constructor(message: string, readonly status: number | undefined, readonly retryable: boolean, readonly retryAfterMs: number | undefined) {
    super(message);
    this.name = 'ConnectorCallFailed';
  }
}

export interface ConnectorFailure {
  status: number | undefined;
  code: string | undefined;
  retryable: boolean;
  retryAfterMs: number | undefined;
}

/** `Retry-After` is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

function header(e: unknown, name: string): string | undefined {
  const h = (e as { response?: { headers?: unknown } })?.response?.headers;
  if (!h) return undefined;
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get(n: string): string | undefined | null }).get(name) ?? undefined;
  const v = (h as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a botframework-connector (`@azure/core-rest-pipeline` RestError) failure. */
export function classifyConnectorError(e: unknown, nowMs: number): ConnectorFailure {
  const err = e as { statusCode?: unknown; status?: unknown; code?: unknown; name?: unknown; response?: { status?: unknown } };
  const rawStatus = err?.statusCode ?? err?.status ?? err?.response?.status;
  const status = typeof rawStatus === 'number' ? rawStatus : undefined;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const aborted = err?.name === 'AbortError' || code === 'ABORT_ERR';
  const retryable = status !== undefined ? RETRYABLE.has(status) : aborted || (code !== undefined && NETWORK.has(code));
  let retryAfterMs = parseRetryAfter(header(e, 'retry-after'), nowMs);
  if (retryAfterMs === undefined && status === 429) retryAfterMs = DEFAULT_429_PAUSE_MS;
  return { status, code, retryable, retryAfterMs };
}

export interface GateOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** A delivery may wait this long for a free slot before handing the row back to the outbox. */
  maxInlineWaitMs?: number;
}

/** `19:abc@thread.tacv2;messageid=123` and `19:abc@thread.tacv2` are one thread for the limits. */
export const threadOf = (conversationId: string) => conversationId.split(';')[0]!;

export class ConnectorGate {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxInlineWaitMs: number;
  private readonly sent = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();

  constructor(o: GateOptions = {}) {
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.maxInlineWaitMs = o.maxInlineWaitMs ?? 1_000;
  }

  /**
   * Runs one connector call for a conversation. Waits briefly for a free slot, else throws
   * `RateLimitedError` without calling; a 429 becomes `RateLimitedError` and pauses the
   * conversation for its `Retry-After`; any other failure becomes `ConnectorCallFailed`.
   */
  async run<T>(conversationId: string, what: string, call: () => Promise<T>): Promise<T> {
    const thread = threadOf(conversationId);
    let wait = this.waitMs(thread);
    if (wait > 0) {
      if (wait > this.maxInlineWaitMs) throw new RateLimitedError(wait, `Teams ${what} deferred ${Math.ceil(wait / 1000)}s: conversation paused or at its rate limit`);
      await this.sleep(wait);
      wait = this.waitMs(thread);
      if (wait > 0) throw new RateLimitedError(wait, `Teams ${what} deferred: conversation at its rate limit`);
    }
    this.record(thread);
    try {
      return await call();
    } catch (e) {
      throw this.failed(thread, what, e);
    }
  }

  /** For best-effort calls (the in-turn card refresh): take a slot only if one is free now. */
  tryTake(conversationId: string): boolean {
    const thread = threadOf(conversationId);
    if (this.waitMs(thread) > 0) return false;
    this.record(thread);
    return true;
  }

  /** Turns a connector error into `RateLimitedError` (429) or `ConnectorCallFailed`, pausing the thread if Teams asked. */
  failed(conversationId: string, what: string, e: unknown): Error {
    if (e instanceof ConnectorCallFailed || e instanceof RateLimitedError) return e;
    const f = classifyConnectorError(e, this.now());
    // The status or error code says what happened; response bodies are never quoted (they may echo the card).
    const status = f.status !== undefined ? `HTTP ${f.status}` : (f.code ?? errorSummary(e));
    const after = f.retryAfterMs !== undefined ? ` (retry after ${Math.ceil(f.retryAfterMs / 1000)}s)` : '';
    const message = `Teams ${what} failed: ${status}${after}`;
    if (f.retryAfterMs !== undefined && (f.status === 429 || f.status === 503)) {
      this.pausedUntil.set(threadOf(conversationId), this.now() + f.retryAfterMs);
      return new RateLimitedError(f.retryAfterMs, message);
    }
    return new ConnectorCallFailed(message, f.status, f.retryable, f.retryAfterMs);
  }

  private waitMs(thread: string): number {
    const now = this.now();
    let wait = Math.max(0, (this.pausedUntil.get(thread) ?? 0) - now);
    wait = Math.max(wait, windowWait(this.stamps(thread, now), THREAD_WINDOWS, now));
    wait = Math.max(wait, windowWait(this.stamps('*', now), TENANT_WINDOWS, now));
    return wait;
  }

  private stamps(key: string, now: number): number[] {
    const s = this.sent.get(key) ?? [];
    const longest = Math.max(...(key === '*' ? TENANT_WINDOWS : THREAD_WINDOWS).map(([ms]) => ms));
    const horizon = now - longest;
    let drop = 0;
    while (drop < s.length && s[drop]! <= horizon) drop++;
    if (drop) s.splice(0, drop);
    if (!s.length) this.sent.delete(key);
    return s;
  }

  private record(thread: string) {
    const now = this.now();
    for (const key of [thread, '*']) {
      const s = this.sent.get(key) ?? [];
      s.push(now);
      this.sent.set(key, s);
    }
  }
}

/** How long until one more call fits every window, given ascending send times. */
function windowWait(stamps: readonly number[], windows: ReadonlyArray<readonly [number, number]>, now: number): number {
  let wait = 0;
  for (const [ms, max] of windows) {
    const inWindow = stamps.filter((t) => t > now - ms);
    if (inWindow.length >= max) wait = Math.max(wait, inWindow[inWindow.length - max]! + ms - now);
  }
  return wait;
}
