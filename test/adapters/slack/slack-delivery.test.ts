import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from './fake-slack.ts';
import { CHANNELS, startHarness, waitFor, type Harness } from './harness.ts';

/**
 * Delivery to Slack under trouble: 429s, 5xx, slow answers and timeouts, with the real outbox
 * worker running on the wall clock, as in production.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ live: true, adapter: { timeoutMs: 1_500 } });
});
afterAll(async () => {
  await h?.stop();
});

const LAB = { subject: 'Lab results', body: 'Can you explain what my cholesterol lab results mean?' };
const cardsFor = (channel: string, itemId: string) => h.fake.topLevel(channel).filter((m) => m.metadata?.event_payload?.item_id === itemId);
const postsTo = (channel: string, since: number) => h.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === channel && !c.params.thread_ts && c.at >= since);

describe('rate limits', () => {
  it('a 429 on chat.postMessage is waited out (Retry-After) and the card appears once; other channels are not held up', async () => {
    const t0 = Date.now();
    h.fake.program('chat.postMessage', { status: 429, retryAfter: 3, match: (p) => p.channel === CHANNELS.refills && !p.thread_ts });
    const refill = await h.ingest();
    const lab = await h.ingest(LAB);
    const labCard = await waitFor(() => cardsFor(CHANNELS.nursing, lab)[0], 10_000, 'nursing card');
    const refillRef = await waitFor(() => h.ctx.store.findPlatformPost(refill, 'slack', 'card'), 15_000, 'refills card recorded');
    const refillCard = cardsFor(CHANNELS.refills, refill)[0]!;
    const calls = postsTo(CHANNELS.refills, t0);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(3_000); // Retry-After respected
    // The nursing card was posted while the refills channel was still paused.
    const labCall = h.fake.callsOf('chat.postMessage').find((c) => c.result?.ts === labCard.ts)!;
    expect(labCall.at).toBeLessThan(calls[1]!.at);
    expect(cardsFor(CHANNELS.refills, refill)).toHaveLength(1);
    expect(refillRef).toMatchObject({ channel: CHANNELS.refills, messageId: refillCard.ts });
  });

  it('answers to clicks are not held up by a rate-limited channel', async () => {
    const { card } = await h.newItem();
    h.fake.program('chat.postMessage', { status: 429, retryAfter: 30, match: (p) => p.channel === CHANNELS.refills });
    await h.ingest(); // its card post meets the 429: the refills channel pauses for 30 s
    const t0 = Date.now();
    await waitFor(() => h.fake.callsOf('chat.postMessage').some((c) => c.status === 429 && c.params.channel === CHANNELS.refills), 5_000);
    // Both answers come while the channel is still paused (its 30 s have not passed).
    const view = await h.click('U0TAYLOR', card, 'item.view');
    await waitFor(() => h.fake.responsesFor(view.tag).length, 10_000, 'view answer');
    const form = await h.click('U0TAYLOR', card, 'item.escalate');
    await waitFor(() => h.fake.views.find((v) => v.trigger_id === `trig-${form.tag}`), 10_000, 'views.open');
    expect(postsTo(CHANNELS.refills, t0).filter((c) => c.status === 200)).toEqual([]);
  });
});

describe('unknown outcomes', () => {
  it('a card post that times out (Slack got it, the answer came too late) is found again, not posted twice', async () => {
    const t0 = Date.now();
    h.fake.program('chat.postMessage', { delayMs: 3_000, sideEffect: true, match: (p) => p.channel === CHANNELS['front-desk'] && !p.thread_ts });
    const itemId = await h.ingest({ subject: 'Appointment', body: 'I need to reschedule my appointment next week.' });
    const ref = await waitFor(() => h.ctx.store.findPlatformPost(itemId, 'slack', 'card'), 20_000, 'card recorded');
    expect(cardsFor(CHANNELS['front-desk'], itemId)).toHaveLength(1);
    expect(ref.messageId).toBe(cardsFor(CHANNELS['front-desk'], itemId)[0]!.ts);
    expect(postsTo(CHANNELS['front-desk'], t0)).toHaveLength(1);
    expect(h.fake.callsOf('conversations.history').filter((c) => c.params.channel === CHANNELS['front-desk'] && c.at >= t0).length).toBeGreaterThan(0);
    // The found card was brought up to date.
    expect(h.fake.message(ref.channel, ref.messageId)!.updates).toBeGreaterThan(0);
  });

  it('a 5xx on chat.postMessage (not posted) is retried after checking, and the card appears once', async () => {
    const t0 = Date.now();
    h.fake.program('chat.postMessage', { status: 503, match: (p) => p.channel === CHANNELS.billing });
    const itemId = await h.ingest({ subject: 'Bill', body: 'I was charged twice on my bill, can you check my invoice?' });
    await waitFor(() => h.ctx.store.findPlatformPost(itemId, 'slack', 'card'), 20_000, 'card recorded');
    expect(postsTo(CHANNELS.billing, t0).map((c) => c.status)).toEqual([503, 200]);
    expect(cardsFor(CHANNELS.billing, itemId)).toHaveLength(1);
  });

  it('without the history scopes the retry still posts (and says why in the log)', async () => {
    const t0 = Date.now();
    h.fake.program('chat.postMessage', { status: 500, match: (p) => p.channel === CHANNELS.billing });
    h.fake.program('conversations.history', { error: 'missing_scope', match: (p) => p.channel === CHANNELS.billing });
    const itemId = await h.ingest({ subject: 'Bill', body: 'Question about my invoice from last month.' });
    await waitFor(() => h.ctx.store.findPlatformPost(itemId, 'slack', 'card'), 20_000, 'card recorded');
    expect(cardsFor(CHANNELS.billing, itemId)).toHaveLength(1);
    expect(postsTo(CHANNELS.billing, t0).map((c) => c.status)).toEqual([500, 200]);
    expect(h.logs.join('')).toContain('grant channels:history and groups:history');
  });

  it('a 5xx on chat.update is retried at once (updates are idempotent)', async () => {
    const { itemId, card } = await h.newItem(LAB); // nursing: the refills channel is still paused by the test above
    h.fake.program('chat.update', { status: 502, match: (p) => p.ts === card.ts });
    await h.click('U0DANA', card, 'item.claim');
    await waitFor(() => {
      const m: StoredMessage | undefined = h.fake.message(card.channel, card.ts);
      return m && JSON.stringify(m.blocks).includes('Claimed: Dana Reyes, RN');
    }, 15_000, 'card update');
    const updates = h.fake.callsOf('chat.update').filter((c) => c.params.ts === card.ts);
    expect(updates.map((c) => c.status).slice(0, 2)).toEqual([502, 200]);
    expect((await h.ctx.store.findItem(itemId))!.ownerId).toBe('dana-reyes');
  });
});
