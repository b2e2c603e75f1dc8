import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardForItem } from '../../../src/app/item-card.ts';
import { startHarness, waitFor, type Harness } from './harness.ts';

/**
 * The bot token dies while Baton runs: the app is uninstalled, its token revoked, the workspace
 * deactivated. Slack tells Baton by an event (`app_uninstalled`, `tokens_revoked`) or by the
 * error code of whichever Web API call comes next. Either way /readyz reports Slack down, the
 * log says it once and what to do, and deliveries fail at once without calling Slack.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ adapter: { tokenCheckMs: 200 } });
});
afterAll(async () => {
  await h?.stop();
});

const readyz = async () => {
  const r = await fetch(`${h.baseUrl}/readyz`);
  return { status: r.status, body: (await r.json()) as { adapters: Record<string, boolean> } };
};
const logLines = (needle: string) => h.logs.filter((l) => l.includes(needle));
const nonAuthCallsSince = (t0: number) => h.fake.calls.filter((c) => c.at >= t0 && c.method !== 'auth.test').map((c) => c.method);

describe('a dead bot token', () => {
  it('app_uninstalled: not ready, said once, deliveries fail fast; when auth.test accepts the token again, deliveries resume', async () => {
    expect(await readyz()).toMatchObject({ status: 200, body: { adapters: { slack: true } } });
    h.fake.tokenDead = 'token_revoked'; // what Slack answers once the app is gone
    const ev = await h.event({ type: 'app_uninstalled' });
    expect(ev.status).toBe(200);
    await waitFor(() => !h.adapter.connected(), 5_000, 'not connected');
    expect(await readyz()).toMatchObject({ status: 503, body: { adapters: { slack: false } } });
    await h.event({ type: 'tokens_revoked', tokens: { bot: ['U0BATON'] } });
    await h.event({ type: 'app_uninstalled' }, {}, 'EvAGAIN');

    const t0 = Date.now();
    const itemId = await h.ingest();
    await h.deliver();
    expect(nonAuthCallsSince(t0)).toEqual([]); // nothing was sent to Slack
    expect(await h.ctx.store.findPlatformPost(itemId, 'slack', 'card')).toBeNull();
    const card = await cardForItem(h.ctx, (await h.ctx.store.findItem(itemId))!, 'channel');
    const err = await h.adapter.postCard(card).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('Slack bot token is not usable (app_uninstalled): the app was uninstalled or its token revoked; reinstall the app, set the new SLACK_BOT_TOKEN and restart Baton');
    expect((await h.ctx.store.outboxStats(h.clock.now())).pending).toBeGreaterThan(0);

    const said = logLines('the Baton app was uninstalled from the Slack workspace');
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('set SLACK_BOT_TOKEN to its new Bot User OAuth Token, and restart Baton');
    expect(said[0]).toContain('"level":50');

    // auth.test re-checks the token while it is dead; it comes back once Slack accepts it.
    await waitFor(() => h.fake.callsOf('auth.test').filter((c) => c.at >= t0 && c.result?.ok === false).length >= 2, 5_000, 'auth.test re-checks');
    expect(h.adapter.connected()).toBe(false);
    h.fake.tokenDead = null;
    await waitFor(() => h.adapter.connected(), 5_000, 'connected again');
    expect(logLines('Slack accepts the bot token again')).toHaveLength(1);
    h.clock.advance(10 * 60_000); // past the outbox's backoff
    await h.deliver();
    expect(await h.ctx.store.findPlatformPost(itemId, 'slack', 'card')).not.toBeNull();
  });

  it('invalid_auth from any call (here the chat.update after a claim) does the same, and the next delivery is not sent', async () => {
    const { itemId, card } = await h.newItem();
    h.fake.tokenDead = 'invalid_auth';
    const t0 = Date.now();
    await h.click('U0TAYLOR', card, 'item.claim');
    await waitFor(async () => (await h.ctx.store.findItem(itemId))?.state === 'CLAIMED', 5_000, 'claimed');
    await h.deliver();
    expect(h.adapter.connected()).toBe(false);
    // The card update and its thread note travel on separate lanes (workspace-wide chat.update,
    // the channel's chat.postMessage), so both may be in flight when the first invalid_auth comes
    // back: each met the error, and nothing after them reached Slack.
    const inFlight = h.fake.calls.filter((c) => c.at >= t0 && c.method !== 'auth.test');
    expect(inFlight.map((c) => c.method)).toContain('chat.update');
    expect(inFlight.every((c) => ['chat.update', 'chat.postMessage'].includes(c.method) && c.result?.ok === false)).toBe(true);
    expect(h.fake.replies(card.channel, card.ts)).toHaveLength(0);
    await h.ingest(); // the next delivery is not sent
    await h.deliver();
    expect(nonAuthCallsSince(t0)).toHaveLength(inFlight.length);
    expect(logLines('Slack rejects the bot token (invalid_auth)')).toHaveLength(1);
    expect(await readyz()).toMatchObject({ status: 503 });
    h.fake.tokenDead = null;
    await waitFor(() => h.adapter.connected(), 5_000, 'connected again');
  });

  it('never logs patient data while saying so', () => {
    const all = h.logs.join('\n');
    expect(all).not.toContain('Testa');
    expect(all).not.toContain('blood pressure');
  });
});
