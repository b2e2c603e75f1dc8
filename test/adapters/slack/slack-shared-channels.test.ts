import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../../adapters/slack/index.ts';
import { HISTORY_PAGES } from '../../../adapters/slack/adapter.ts';
import { cardForItem } from '../../../src/app/item-card.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { CHANNELS, POOL_CHANNEL, SIGNING_SECRET, startHarness, waitFor, type Harness } from './harness.ts';

/**
 * Channels shared with another organisation (Slack Connect) get no patient data: Baton asks
 * conversations.info before its first write into a channel, caches the answer, and refuses.
 * Also: findCard reads the channel's history from the item's creation, page by page.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    adapter: { channelCheckTtlMs: 60_000 },
    beforeStart: (fake) => {
      fake.channelInfo.set(CHANNELS.billing, { is_shared: true, is_ext_shared: true });
      fake.channelInfo.set(POOL_CHANNEL, { is_pending_ext_shared: true });
    },
  });
});
afterAll(async () => {
  await h?.stop();
});

const infoCalls = (channel: string) => h.fake.callsOf('conversations.info').filter((c) => c.params.channel === channel);

describe('channels shared outside the organisation', () => {
  it('at start, every queue and pool channel is checked once and the log names each refused one with its queue', () => {
    for (const ch of [...Object.values(CHANNELS), POOL_CHANNEL]) expect(infoCalls(ch)).toHaveLength(1);
    const all = h.logs.join('\n');
    expect(all).toContain(`Slack channel ${CHANNELS.billing} (queue billing) is shared with another organisation (Slack Connect): Baton refuses to post there`);
    expect(all).toContain(`Slack channel ${POOL_CHANNEL} (the physician pool) has a pending invitation to share it with another organisation`);
    expect(all).toContain(`Baton refuses to post into ${CHANNELS.billing} (queue billing), ${POOL_CHANNEL} (the physician pool)`);
    expect(all).not.toContain(`Slack channel ${CHANNELS.refills} (`);
  });

  it('a billing card is refused with a clear error and never posted; other queues post, checked from the cache', async () => {
    const itemId = await h.ingest({ subject: 'Bill', body: 'I was charged twice on my bill, can you check my invoice?' });
    await h.deliver();
    expect(h.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === CHANNELS.billing)).toEqual([]);
    expect(await h.ctx.store.findPlatformPost(itemId, 'slack', 'card')).toBeNull();
    const card = await cardForItem(h.ctx, (await h.ctx.store.findItem(itemId))!, 'channel');
    await expect(h.adapter.postCard(card)).rejects.toThrow(`Slack channel ${CHANNELS.billing} (queue billing) is shared with another organisation (Slack Connect): Baton does not post patient data there`);
    // Logged once, however often it is refused.
    expect(h.logs.filter((l) => l.includes(`Slack channel ${CHANNELS.billing} (queue billing) is shared`))).toHaveLength(1);

    const { card: refill } = await h.newItem();
    expect(refill.channel).toBe(CHANNELS.refills);
    expect(infoCalls(CHANNELS.refills)).toHaveLength(1); // cached since start
  });

  it('an escalation to the pool channel with a pending share is refused too', async () => {
    const { itemId, card } = await h.newItem();
    await h.click('U0TAYLOR', card, 'item.escalate');
    const view = await waitFor(() => h.fake.views.find((v) => v.kind === 'open')?.view, 5_000, 'modal');
    await h.submitView('U0TAYLOR', view, { reason: { value: { type: 'plain_text_input', value: 'Needs a clinician' } }, physician: { value: { type: 'static_select', selected_option: { value: 'pool' } } } });
    await waitFor(async () => (await h.ctx.store.findItem(itemId))?.state === 'ESCALATED', 5_000, 'escalated');
    await h.deliver();
    expect(h.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === POOL_CHANNEL)).toEqual([]);
    expect(h.fake.topLevel(POOL_CHANNEL)).toEqual([]);
  });

  it('a channel Baton cannot check (no channels:read) is refused; once it can, and the channel is not shared, posting resumes', async () => {
    const { card: first } = await h.newItem({ subject: 'Appointment', body: 'I need to reschedule my appointment next week.' });
    expect(first.channel).toBe(CHANNELS['front-desk']);
    // A new process (fresh cache) installed without the scope.
    const logs: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write(c, _e, cb) { logs.push(String(c)); cb(); } }) });
    const other = createSlackAdapter({ ctx: () => h.ctx, logger, botToken: h.fake.token, signingSecret: SIGNING_SECRET, apiUrl: h.fake.apiUrl, channelCheckTtlMs: 100 });
    h.fake.program('conversations.info', { error: 'missing_scope', times: 6 });
    await other.adapter.start();
    const itemId = await h.ingest({ subject: 'Appointment', body: 'Can I move my visit to Friday?' });
    const card = await cardForItem(h.ctx, (await h.ctx.store.findItem(itemId))!, 'channel');
    await expect(other.adapter.postCard(card)).rejects.toThrow('could not be checked for sharing outside the organisation (conversations.info: missing_scope; grant channels:read and groups:read)');
    await new Promise((r) => setTimeout(r, 150)); // the cached verdict expires
    h.fake.reset();
    const ref = await other.adapter.postCard(card);
    expect(ref.channel).toBe(CHANNELS['front-desk']);
    expect(h.fake.calls.map((c) => c.method)).toEqual(['conversations.info', 'chat.postMessage']);
    expect(logs.join('')).toContain(`Slack channel ${CHANNELS['front-desk']} is no longer shared outside the organisation: posting resumes`);
    await other.adapter.stop();
  });
});

describe('findCard', () => {
  it('pages conversations.history from the item’s creation until it finds the card', async () => {
    const { itemId } = await h.newItem();
    for (let n = 0; n < 450; n++) h.fake.addMessage(CHANNELS.refills, `chatter ${n}`); // newer than the card
    const fresh = createSlackAdapter({ ctx: () => h.ctx, logger: createLogger({ level: 'silent' }), botToken: h.fake.token, signingSecret: SIGNING_SECRET, apiUrl: h.fake.apiUrl });
    await fresh.adapter.start();
    h.fake.reset();
    const item = (await h.ctx.store.findItem(itemId))!;
    const card = await cardForItem(h.ctx, item, 'channel');
    const found = await fresh.adapter.findCard!(card);
    const posted = await h.ctx.store.findPlatformPost(itemId, 'slack', 'card');
    expect(found).toEqual({ channel: posted!.channel, messageId: posted!.messageId });
    const pages = h.fake.callsOf('conversations.history');
    const oldest = String(Math.floor(item.createdAt.getTime() / 1000) - 60);
    expect(pages.map((c) => ({ channel: c.params.channel, limit: c.params.limit, oldest: c.params.oldest, cursor: c.params.cursor ?? null }))).toEqual([
      { channel: CHANNELS.refills, limit: '200', oldest, cursor: null },
      { channel: CHANNELS.refills, limit: '200', oldest, cursor: pages[0]!.result!.response_metadata.next_cursor },
      { channel: CHANNELS.refills, limit: '200', oldest, cursor: pages[1]!.result!.response_metadata.next_cursor },
    ]);
    expect(h.fake.callsOf('chat.update').map((c) => c.params.ts)).toEqual([posted!.messageId]); // brought up to date
    await fresh.adapter.stop();
  });

  it(`stops after ${HISTORY_PAGES} pages when the card is not there`, async () => {
    const itemId = await h.ingest();
    for (let n = 0; n < HISTORY_PAGES * 200 + 50; n++) h.fake.addMessage(CHANNELS.refills, `chatter ${n}`);
    const card = await cardForItem(h.ctx, (await h.ctx.store.findItem(itemId))!, 'channel');
    h.fake.reset();
    expect(await h.adapter.findCard!(card)).toBeNull();
    expect(h.fake.callsOf('conversations.history')).toHaveLength(HISTORY_PAGES);
    expect(h.logs.join('')).toContain('an earlier card post was not found in the pages of channel history read');
  });
});
