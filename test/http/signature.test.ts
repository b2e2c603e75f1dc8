import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFeed } from '../../demo/send-messages.ts';
import { sign, signRequest, verifyExpressRequest, verifySignedRequest } from '../../src/http/signature.ts';
import { portalMessage } from '../support/context.ts';
import { postJson, startTestServer, type TestServer } from '../support/server.ts';

const secret = 'test-secret-0123456789';
const DEMO = fileURLToPath(new URL('../../demo/messages.ndjson', import.meta.url));
const now = () => Math.floor(Date.now() / 1000);
let tick = 0;
/** A timestamp no other request in this file used: every signature below is new unless a test replays it on purpose. */
const freshTs = () => String(now() - 200 + (tick++ % 200));

const v2 = (method: string, target: string, body = '', ts = freshTs()) => ({ 'x-baton-timestamp': ts, 'x-baton-signature': signRequest(secret, { timestamp: ts, method, target, body }) });
const v1 = (body: string, ts = freshTs()) => ({ 'x-baton-timestamp': ts, 'x-baton-signature': sign(secret, ts, body) });

describe('request signatures (v2 binds method, path and query)', () => {
  let s: TestServer;
  let itemId: string;
  let otherId: string;
  beforeAll(async () => {
    s = await startTestServer({ env: { INGEST_SECRET: secret } });
    for (const id of ['sig-1', 'sig-2']) {
      const body = JSON.stringify({ ...portalMessage({ externalId: id }), sentAt: '2026-12-01T14:55:00Z' });
      const r = await postJson(`${s.url}/v1/messages`, body, v2('POST', '/v1/messages', body));
      expect(r.status).toBe(202);
      if (id === 'sig-1') itemId = r.json.itemId;
      else otherId = r.json.itemId;
    }
  });
  afterAll(async () => s?.stop());

  const get = (target: string, headers: Record<string, string>) => fetch(`${s.url}${target}`, { headers }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));

  it('answers a signed GET of one item, and refuses that signature on a list, another item or another query', async () => {
    const headers = v2('GET', `/v1/items/${itemId}`);
    expect((await get(`/v1/items/${itemId}`, headers)).status).toBe(200);
    for (const target of ['/v1/items?limit=500', '/v1/items', `/v1/items/${otherId}`, `/v1/items/${itemId}?x=1`]) {
      const r = await get(target, headers);
      expect(r.status).toBe(401);
      expect(r.json.error.message).toContain('signature does not match');
    }
    const list = v2('GET', '/v1/items?limit=1');
    expect((await get('/v1/items?limit=1', list)).status).toBe(200);
    expect((await get('/v1/items?limit=500', list)).status).toBe(401);
  });

  it('refuses an exact replay of a signed request inside the window', async () => {
    const headers = v2('GET', `/v1/items/${itemId}`);
    expect((await get(`/v1/items/${itemId}`, headers)).status).toBe(200);
    const again = await get(`/v1/items/${itemId}`, headers);
    expect(again.status).toBe(401);
    expect(again.json.error.message).toContain('already received');

    const body = JSON.stringify({ ...portalMessage({ externalId: 'sig-3' }), sentAt: '2026-12-01T14:55:00Z' });
    const signed = v2('POST', '/v1/messages', body);
    expect((await postJson(`${s.url}/v1/messages`, body, signed)).status).toBe(202);
    expect((await postJson(`${s.url}/v1/messages`, body, signed)).status).toBe(401);
    // A retry signed afresh is an ordinary repeat: idempotent, 200 duplicate.
    const retry = await postJson(`${s.url}/v1/messages`, body, v2('POST', '/v1/messages', body));
    expect(retry).toMatchObject({ status: 200, json: { duplicate: true } });
  });

  it('binds the method: a GET signature does not make a POST', async () => {
    const body = JSON.stringify({ ...portalMessage({ externalId: 'sig-4' }), sentAt: '2026-12-01T14:55:00Z' });
    const r = await postJson(`${s.url}/v1/messages`, body, v2('GET', '/v1/messages', body));
    expect(r.status).toBe(401);
  });

  it('still reads a v1 (sha256=) signature for POST ingestion, for one release, and never for the item API', async () => {
    const body = JSON.stringify({ ...portalMessage({ externalId: 'sig-5' }), sentAt: '2026-12-01T14:55:00Z' });
    const signed = v1(body);
    expect((await postJson(`${s.url}/v1/messages`, body, signed)).status).toBe(202);
    expect((await postJson(`${s.url}/v1/messages`, body, signed)).status).toBe(401); // replays are refused in v1 too
    const r = await get('/v1/items', v1(''));
    expect(r.status).toBe(401);
    expect(r.json.error.message).toContain('only for POST ingestion');
  });

  it('is what the demo feed signs with (v2, fresh per request)', async () => {
    const out = await runFeed({ url: s.url, everyMs: 0, secret, file: DEMO, limit: 3, runId: 'sig-feed', log: () => {} });
    expect(out.results.map((r) => r.duplicate)).toEqual([false, false, false]);
  });

  it('explains a malformed signature header', async () => {
    const r = await get('/v1/items', { 'x-baton-timestamp': freshTs(), 'x-baton-signature': 'v3=abc' });
    expect(r.status).toBe(401);
    expect(r.json.error.message).toContain('v2=<64 hex digits>');
  });
});

describe('verifySignedRequest', () => {
  const req = (ts: string, over: Partial<{ method: string; target: string; body: string }> = {}) => {
    const r = { method: 'GET', target: '/v1/items', body: '', ...over };
    return { method: r.method, target: r.target, timestamp: ts, signature: signRequest(secret, { timestamp: ts, ...r }) };
  };

  it('signs timestamp.METHOD.path?query.body', async () => {
    const { createHmac } = await import('node:crypto');
    const want = createHmac('sha256', secret).update('1700000000.POST./v1/messages?x=1.{"a":1}').digest('hex');
    expect(signRequest(secret, { timestamp: '1700000000', method: 'post', target: '/v1/messages?x=1', body: '{"a":1}' })).toBe(`v2=${want}`);
  });

  it('refuses timestamps outside the five-minute window either way', () => {
    const t = 1_800_000_000;
    for (const ts of [t - 301, t + 301]) {
      const v = verifySignedRequest(secret, req(String(ts)), Buffer.alloc(0), t * 1000);
      expect(v).toMatchObject({ ok: false, why: expect.stringContaining('5-minute window') });
    }
  });

  it('forgets a signature when Baton failed the request (5xx), so the sender may retry it as it was', () => {
    const ts = String(now() - 7);
    const r = req(ts, { target: '/v1/items?forget=1' });
    const res = Object.assign(new EventEmitter(), { statusCode: 503 });
    const express = { method: r.method, originalUrl: r.target, res, get: (h: string) => (h === 'x-baton-signature' ? r.signature : h === 'x-baton-timestamp' ? r.timestamp : undefined) };
    expect(verifyExpressRequest(secret, express, Buffer.alloc(0), Date.now())).toBeNull();
    res.emit('finish');
    expect(verifyExpressRequest(secret, express, Buffer.alloc(0), Date.now())).toBeNull();
    res.statusCode = 200;
    res.emit('finish');
    expect(verifyExpressRequest(secret, express, Buffer.alloc(0), Date.now())).toContain('already received');
  });
});
