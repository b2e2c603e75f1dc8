import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT, TEAM, TENANT, startTeamsHarness, teamsUser, type TeamsHarness } from './harness.ts';

const APP_ID = 'baton-test-app';

/** A Bot Framework-shaped JWT (RS256, a key id, the channel's issuer). Its signature is never checked: finding the key fails first. */
function channelToken(kid = 'key-1'): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64({ iss: 'https://api.botframework.com', aud: APP_ID, nbf: now - 60, exp: now + 3600, serviceurl: 'https://smba.trafficmanager.net/amer/' })}.c2lnbmF0dXJl`;
}

/** An address nothing listens on (taken, then given back): a key lookup there fails like a DNS failure does, with the address in the error. */
async function deadAddress(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`;
}

const INTERNALS = /ECONNREFUSED|ENOTFOUND|getaddrinfo|request to|127\.0\.0\.1|openid|Unexpected token|JSON at position|SyntaxError|req\.body|middleware|stack|at \w+ \(/i;

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: r.status, text: await r.text() };
}

describe('Teams /api/messages with Bot Framework authentication on', () => {
  let h: TeamsHarness;
  let metadata: http.Server;
  let metadataUrl: string;
  beforeAll(async () => {
    // Key metadata that answers 500: botbuilder's AuthenticationError then names the failure.
    metadata = http.createServer((_req, res) => res.writeHead(500).end('boom'));
    await new Promise<void>((r) => metadata.listen(0, '127.0.0.1', () => r()));
    metadataUrl = `http://127.0.0.1:${(metadata.address() as AddressInfo).port}/openid`;
    h = await startTeamsHarness({ options: { authDisabled: false, appId: APP_ID, appPassword: 'not-a-real-secret', tenantId: TENANT, openIdMetadataUrl: await deadAddress() } });
  });
  afterAll(async () => {
    await h?.stop();
    await new Promise<void>((r) => metadata.close(() => r()));
  });

  const activity = () => JSON.stringify({ ...h.inChannel(TEAM, 'priya-shah'), type: 'message', text: 'help', recipient: BOT, from: teamsUser('priya-shah') });

  it('answers a token whose signing-key lookup fails with 401 and no internals, and logs the cause by code', async () => {
    const r = await post(h.url, activity(), { authorization: `Bearer ${channelToken()}` });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.text)).toEqual({ error: { code: 'teams.unauthenticated', message: 'The request does not carry a valid Bot Framework token.' } });
    expect(r.text).not.toMatch(INTERNALS);
    const line = JSON.parse(h.logs.find((l) => l.includes('could not be verified'))!);
    expect(line.err).toMatchObject({ code: 'ECONNREFUSED' });
    expect(JSON.stringify(line)).not.toContain('request to');
    expect(h.fake.calls).toEqual([]); // nothing ran
  });

  it('answers a missing or malformed token with 401 and the same words', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-jwt' }, { authorization: 'Basic Zm9vOmJhcg==' }] as Array<Record<string, string>>) {
      const r = await post(h.url, activity(), headers);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.text).error.code).toBe('teams.unauthenticated');
      expect(r.text).not.toMatch(INTERNALS);
    }
  });

  it('answers malformed JSON with 400 before looking at the token', async () => {
    const r = await post(h.url, '{"type": "message", "text": "my chest hurts', { authorization: `Bearer ${channelToken()}` });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toEqual({ error: { code: 'teams.malformed_json', message: 'The body is not valid JSON.' } });
    expect(r.text).not.toContain('chest');
  });

  it('gives key metadata that answers 500 the same 401', async () => {
    const h2 = await startTeamsHarness({ options: { authDisabled: false, appId: APP_ID, appPassword: 'not-a-real-secret', tenantId: TENANT, openIdMetadataUrl: metadataUrl } });
    try {
      const r = await post(h2.url, activity(), { authorization: `Bearer ${channelToken()}` });
      expect(r.status).toBe(401);
      expect(r.text).not.toMatch(INTERNALS);
      expect(r.text).not.toContain('Failed to load');
    } finally {
      await h2.stop();
    }
  });
});

describe('Teams /api/messages, any authentication', () => {
  let h: TeamsHarness;
  beforeAll(async () => {
    h = await startTeamsHarness();
  });
  afterAll(() => h?.stop());

  it.each([
    ['malformed JSON', '{"type":', 'teams.malformed_json'],
    ['an empty body', '', 'teams.malformed_json'],
    ['an array', '[{"type":"message"}]', 'teams.invalid_activity'],
    ['a string', '"message"', 'teams.invalid_activity'],
    ['an object without a type', '{"text":"hi"}', 'teams.invalid_activity'],
    ['a type that is not a string', '{"type":5}', 'teams.invalid_activity'],
  ])('answers %s with 400 and no internals', async (_what, body, code) => {
    const r = await post(h.url, body);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.code).toBe(code);
    expect(r.text).not.toMatch(INTERNALS);
  });

  it('answers a body over the size limit with 413, and a bad Content-Encoding with 4xx, without body-parser’s words', async () => {
    const big = await post(h.url, JSON.stringify({ type: 'message', text: 'x'.repeat(1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.text).not.toMatch(/limit|entity/i);
    const gz = await post(h.url, 'not gzip at all', { 'content-encoding': 'gzip' });
    expect(gz.status).toBeGreaterThanOrEqual(400);
    expect(gz.status).toBeLessThan(500);
  });

  it('still runs a well-formed activity and answers 200', async () => {
    const r = await post(h.url, JSON.stringify({ ...h.inChannel(TEAM, 'priya-shah'), type: 'conversationUpdate', membersAdded: [BOT] }));
    expect(r.status).toBe(200);
  });
});
