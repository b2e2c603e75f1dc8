import { describe, expect, it } from 'vitest';
import { ConnectorCallFailed, ConnectorGate, classifyConnectorError, parseRetryAfter, threadOf } from '../../../adapters/teams/connector-gate.ts';
import { RateLimitedError } from '../../../src/app/chat-adapter.ts';

/** A gate on a hand-driven clock; `sleep` moves the clock instead of waiting. */
function gate(maxInlineWaitMs = 0) {
  let t = 1_000_000;
  const g = new ConnectorGate({ now: () => t, sleep: async (ms) => { t += ms; }, maxInlineWaitMs });
  return { g, advance: (ms: number) => { t += ms; }, now: () => t };
}
const ok = async () => 'sent';
/** Shaped like the RestError botframework-connector throws. */
const restError = (statusCode: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`status ${statusCode}`), { name: 'RestError', statusCode, response: { status: statusCode, headers: { get: (n: string) => headers[n.toLowerCase()] } } });

describe('Bot Connector gate', () => {
  it('lets 7 calls into one thread per second and defers the 8th without calling', async () => {
    const { g, advance } = gate();
    for (let i = 0; i < 7; i++) await g.run('19:a@thread.tacv2', 'post', ok);
    let called = false;
    await expect(g.run('19:a@thread.tacv2;messageid=9', 'post', async () => { called = true; })).rejects.toBeInstanceOf(RateLimitedError);
    expect(called).toBe(false);
    await g.run('19:other@thread.tacv2', 'post', ok); // other threads are not held back
    advance(1_000);
    await g.run('19:a@thread.tacv2', 'post', ok); // 8 in 2 s is allowed
    await expect(g.run('19:a@thread.tacv2', 'post', ok)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('waits inline for a slot when the wait is short', async () => {
    const { g, now } = gate(1_000);
    for (let i = 0; i < 7; i++) await g.run('t', 'post', ok);
    const before = now();
    await expect(g.run('t', 'post', ok)).resolves.toBe('sent');
    expect(now() - before).toBeGreaterThan(0);
  });

  it('holds 60 calls per 30 s per thread', async () => {
    const { g, advance } = gate();
    for (let i = 0; i < 60; i++) {
      await g.run('t', 'post', ok);
      advance(300);
    }
    await expect(g.run('t', 'post', ok)).rejects.toMatchObject({ retryAfterMs: expect.any(Number) });
  });

  it('after a 429 with Retry-After, refuses the thread locally for that long, then lets calls through', async () => {
    const { g, advance } = gate();
    const e = await g.run('t', 'post', async () => { throw restError(429, { 'retry-after': '3' }); }).catch((x) => x);
    expect(e).toBeInstanceOf(RateLimitedError);
    expect(e.retryAfterMs).toBe(3_000);
    expect(e.message).toBe('Teams post failed: HTTP 429 (retry after 3s)');
    let calls = 0;
    await expect(g.run('t', 'update', async () => { calls++; })).rejects.toBeInstanceOf(RateLimitedError);
    expect(g.tryTake('t;messageid=1')).toBe(false);
    expect(calls).toBe(0);
    advance(3_000);
    await g.run('t', 'update', async () => { calls++; });
    expect(calls).toBe(1);
  });

  it('turns 412/502/504 and resets into retryable failures, and 403 into a permanent one, naming only the status', async () => {
    const { g } = gate();
    for (const status of [412, 502, 504]) {
      const e = await g.run(`t${status}`, 'post', async () => { throw restError(status); }).catch((x) => x);
      expect(e).toBeInstanceOf(ConnectorCallFailed);
      expect(e).toMatchObject({ status, retryable: true, message: `Teams post failed: HTTP ${status}` });
    }
    const reset = await g.run('tr', 'post', async () => { throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }); }).catch((x) => x);
    expect(reset).toMatchObject({ retryable: true, message: 'Teams post failed: ECONNRESET' });
    const blocked = await g.run('tb', 'post', async () => { throw restError(403); }).catch((x) => x);
    expect(blocked).toMatchObject({ status: 403, retryable: false });
  });

  it('reads Retry-After as seconds or as an HTTP date, and gives a bare 429 a short pause', () => {
    const now = Date.parse('2026-12-01T15:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 15:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(classifyConnectorError(restError(429), now)).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1_000 });
  });

  it('treats a channel and its card threads as one conversation for the limits', () => {
    expect(threadOf('19:a@thread.tacv2;messageid=1700000000001')).toBe('19:a@thread.tacv2');
  });
});
