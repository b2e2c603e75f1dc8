import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamsAdapter } from '../../../adapters/teams/index.ts';
import { ingestMessage } from '../../../src/app/ingest-message.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { memoryContext, portalMessage } from '../../support/context.ts';
import express from 'express';
import { listen } from '../../../src/http/server.ts';
import { FakeConnector } from './fake-connector.ts';
import { AAD, CHANNELS, TEAM, TENANT, cardOf, cardText, executeActions, startTeamsHarness, type TeamsHarness } from './harness.ts';

const cardsOfItem = (h: TeamsHarness, itemId: string) =>
  h.fake.cardsIn(CHANNELS.refills).filter((m) => executeActions(cardOf(m))[0]?.data.itemId === itemId);

describe('Teams: rate limits and failures', () => {
  let h: TeamsHarness;
  beforeAll(async () => {
    h = await startTeamsHarness({ options: { inTurnUpdateTimeoutMs: 300, connectorTimeoutMs: 1_000 } });
    await h.install();
  });
  afterAll(() => h.stop());

  it('a 429 is retried after Retry-After, not before, and the card appears once', async () => {
    h.fake.failNext('send', 429, { 'retry-after': '1' });
    const { itemId } = await ingestMessage(h.ctx, portalMessage({ externalId: 'rl-429' }));
    const attempts = () => h.fake.calls.filter((c) => c.op === 'send' && c.body?.attachments?.[0]?.content?.actions?.some((a: any) => a.data?.itemId === itemId));
    await h.deliver();
    expect(attempts()).toHaveLength(1); // refused with 429; the connector client did not retry by itself
    expect(cardsOfItem(h, itemId)).toHaveLength(0);
    expect(await h.ctx.store.findPlatformPost(itemId, 'teams', 'card')).toBeNull();

    h.clock.advance(1_000); // the outbox row is due again after exactly the Retry-After
    await h.deliver();
    const [first, second] = attempts();
    expect(second?.status).toBe(200);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950); // and Teams heard nothing before then
    expect(cardsOfItem(h, itemId)).toHaveLength(1);
    await h.deliver();
    expect(attempts()).toHaveLength(2);
  });

  it('a 502 is not retried inside the call: one request per outbox attempt, then the card goes through once', async () => {
    h.fake.failNext('send', 502);
    const { itemId } = await ingestMessage(h.ctx, portalMessage({ externalId: 'rl-502' }));
    const before = h.fake.calls.length;
    await h.deliver();
    const sends = () => h.fake.calls.slice(before).filter((c) => c.op === 'send');
    expect(sends().map((c) => c.status)).toEqual([502]);
    expect(cardsOfItem(h, itemId)).toHaveLength(0);
    h.clock.advance(10 * 60_000); // past the outbox backoff
    await h.deliver();
    expect(sends().map((c) => c.status)).toEqual([502, 200]);
    expect(cardsOfItem(h, itemId)).toHaveLength(1);
  });

  it('a 429 on the in-turn card refresh does not fail the click; the outbox update brings the card up to date', async () => {
    const { itemId, card } = await h.newItem();
    h.fake.failNext('update', 429, { 'retry-after': '1' });
    const r = await h.click('taylor-brooks', card, 'item.claim');
    expect(r.status).toBe(200);
    expect(cardText(r.card)).toContain('Claimed: Taylor Brooks, MA'); // the clicker sees the result at once
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).not.toContain('Claimed:'); // the shared card is behind
    await new Promise((res) => setTimeout(res, 1_100));
    h.clock.advance(60_000);
    await h.deliver();
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).toContain('Claimed: Taylor Brooks, MA');
    expect((await h.ctx.store.findItem(itemId))!.ownerId).toBe('taylor-brooks');
  });

  it('a slow connector does not hold up the answer to a click: the in-turn refresh gives up in time', async () => {
    const { card } = await h.newItem();
    h.fake.delayNext('update', 3_000);
    const t0 = Date.now();
    const r = await h.click('taylor-brooks', card, 'item.claim');
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(cardText(r.card)).toContain('Claimed: Taylor Brooks, MA');
    expect(h.logs.some((l) => l.includes('card refresh left to the outbox'))).toBe(true);
  });

  it('a connector that never answers times out, and the delivery is retried rather than stuck', async () => {
    h.clock.advance(10 * 60_000);
    await h.deliver(); // nothing else pending: the next send is this card
    h.fake.delayNext('send', 60_000);
    const { itemId } = await ingestMessage(h.ctx, portalMessage({ externalId: 'hang-1' }));
    const t0 = Date.now();
    await h.deliver();
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await h.ctx.store.findPlatformPost(itemId, 'teams', 'card')).toBeNull();
    h.clock.advance(10 * 60_000);
    await h.deliver();
    expect(await h.ctx.store.findPlatformPost(itemId, 'teams', 'card')).not.toBeNull();
  });

  it('an unexpected failure in a click is answered with a Universal Actions error (500, an apology and a reference), and logged by class without its message', async () => {
    const { card } = await h.newItem();
    // The item is gone from under the card in a way the use case does not expect: a store that throws.
    const findItem = h.ctx.store.findItem.bind(h.ctx.store);
    // Its message quotes patient data, as a database driver's does.
    (h.ctx.store as { findItem: unknown }).findItem = async () => { throw Object.assign(new Error('lookup failed for Testa Patientson'), { code: 'XX000' }); };
    try {
      const r = await h.click('taylor-brooks', card, 'item.claim');
      expect(r.status).toBe(500);
      expect(r.body).toEqual({
        statusCode: 500,
        type: 'application/vnd.microsoft.error',
        value: { code: 'internal', message: expect.stringMatching(/^Something went wrong on Baton's side \(reference [0-9a-f]{8}\)\. Refresh the card before trying again\.$/) },
      });
      // Nothing replaced the card in the channel: it still offers Claim.
      expect(h.fake.messages.get(card.id)!.updates).toBe(0);
      const ref = /reference ([0-9a-f]{8})/.exec(r.body.value.message)![1]!;
      const line = JSON.parse(h.logs.find((l) => l.includes(ref))!);
      expect(line).toMatchObject({ msg: 'Teams turn failed', err: { type: 'Error', code: 'XX000' } });
      expect(h.logs.join('')).not.toContain('Patientson');
    } finally {
      (h.ctx.store as { findItem: unknown }).findItem = findItem;
    }
  });
});

describe('Teams: authentication', () => {
  it('with TEAMS_APP_ID set, an unsigned request to /api/messages is refused with 401 and nothing runs', async () => {
    const { ctx, store } = memoryContext(['teams']);
    const logs: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write(c, _e, cb) { logs.push(String(c)); cb(); } }) });
    const teams = createTeamsAdapter({ ctx: () => ctx, logger, appId: '11111111-2222-4333-8444-555555555555', appPassword: 'test-secret', tenantId: TENANT });
    const server = await listen(express().use(teams.router), '127.0.0.1', 0);
    const fake = await new FakeConnector().start();
    try {
      const activity = {
        type: 'conversationUpdate', id: 'cu-1', channelId: 'msteams', serviceUrl: fake.url, from: { id: '29:priya', aadObjectId: AAD['priya-shah'] }, recipient: { id: '28:baton' },
        conversation: { id: TEAM, conversationType: 'channel', tenantId: TENANT }, channelData: { tenant: { id: TENANT }, team: { id: TEAM } }, membersAdded: [{ id: '28:baton' }],
      };
      const r = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      expect(r.status).toBe(401);
      expect(fake.calls).toHaveLength(0);
      expect(await store.findConversationRef('teams:service')).toBeNull();
      expect(logs.join('')).not.toContain('AUTHENTICATION IS OFF');
    } finally {
      await server.close();
      await fake.stop();
    }
  });

  it('refuses to start without an app id unless authentication is turned off explicitly, and then says so loudly', () => {
    const logs: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write(c, _e, cb) { logs.push(String(c)); cb(); } }) });
    const { ctx } = memoryContext(['teams']);
    expect(() => createTeamsAdapter({ ctx: () => ctx, logger })).toThrow(/TEAMS_APP_ID is not set/);
    expect(() => createTeamsAdapter({ ctx: () => ctx, logger, appId: '11111111-2222-4333-8444-555555555555' })).toThrow(/TEAMS_APP_PASSWORD is required/);
    createTeamsAdapter({ ctx: () => ctx, logger, authDisabled: true });
    const line = JSON.parse(logs.find((l) => l.includes('AUTHENTICATION IS OFF'))!);
    expect(line.level).toBeGreaterThanOrEqual(40);
  });
});
