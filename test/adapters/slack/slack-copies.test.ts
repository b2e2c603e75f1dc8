import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from './fake-slack.ts';
import { startHarness, waitFor, type Harness } from './harness.ts';

/**
 * Copies of a card (a physician's DM, the pool fan-out when no pool channel is set) stay true:
 * each is recorded when it is sent and redrawn by the outbox's card updates; a fan-out that
 * fails part-way is retried without DMing the physicians already reached.
 */

let h: Harness;
beforeAll(async () => {
  // No pool channel: pool escalations go to every physician by DM (dr-baker given a Slack id: three physicians).
  h = await startHarness({ poolChannel: null, roster: { slackIds: { 'dr-baker': 'U0DRBAK' } } });
});
afterAll(async () => {
  await h?.stop();
});

const PHYSICIAN_DMS = ['D0DRALV', 'D0DRBAK', 'D0DRCHO'];
const item = (id: string) => h.ctx.store.findItem(id);
const buttons = (m: StoredMessage) => (m.blocks.find((b) => b.type === 'actions')?.elements ?? []).map((e: any) => e.action_id);
const blocksText = (m: { blocks?: any }) => JSON.stringify(m.blocks ?? []);
const dmsOf = (channel: string, itemId: string) => h.fake.topLevel(channel).filter((m) => blocksText(m).includes(`b:${itemId}:`));
const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
const choice = (value: string) => ({ value: { type: 'static_select', selected_option: { value } } });
const pending = async () => (await h.ctx.store.outboxStats(h.clock.now())).pending;

async function escalate(to: string, reason: string) {
  const { itemId, card } = await h.newItem();
  const before = h.fake.views.length;
  const r = await h.click('U0TAYLOR', card, 'item.escalate');
  const view = await waitFor(() => h.fake.views.slice(before).find((v) => v.trigger_id === `trig-${r.tag}`)?.view, 5_000, 'views.open');
  await h.submitView('U0TAYLOR', view, { reason: text(reason), physician: choice(to) });
  await waitFor(async () => (await item(itemId))?.state === 'ESCALATED', 5_000, 'escalated');
  return { itemId, card };
}

describe('a physician’s DM copy', () => {
  it('is recorded, left as sent while current, and redrawn without buttons once resolved (the channel card keeps Reopen / View)', async () => {
    const { itemId } = await escalate('dr-cho', 'Dose change outside the refill protocol');
    await h.deliver();
    const [dm] = dmsOf('D0DRCHO', itemId);
    expect(dm).toBeDefined();
    expect(await h.ctx.store.platformPostsOf(itemId, 'slack', 'copy:')).toEqual([expect.objectContaining({ kind: expect.stringMatching(/^copy:dr-cho:v\d+:[0-9a-f]+$/), channel: 'D0DRCHO', messageId: dm!.ts })]);
    // The card update for the same version does not redraw it: it keeps the words it was sent with.
    expect(h.fake.message(dm!.channel, dm!.ts)!.updates).toBe(0);
    expect(blocksText(dm!)).toContain('Escalated to you: Dose change outside the refill protocol');

    // The channel's card is the team's: its readers cannot act on an escalation, so it offers only View message.
    expect(buttons(await h.card(itemId))).toEqual(['item.view']);
    // The physician resolves it from the DM copy: the copy is redrawn, and the channel card updated.
    await h.click('U0DRCHO', dm!, 'item.resolve');
    await waitFor(async () => (await item(itemId))?.state === 'RESOLVED', 5_000, 'resolved');
    await h.deliver();
    const update = h.fake.callsOf('chat.update').filter((c) => c.params.channel === 'D0DRCHO' && c.params.ts === dm!.ts).at(-1)!;
    expect(update.result?.ok).toBe(true);
    expect(update.params.blocks.some((b: any) => b.type === 'actions')).toBe(false);
    expect(update.params.text).toMatch(/^Update: Prescription refill \(routine\) in Refills, B-\d+: resolved$/);
    expect(blocksText(update.params)).toContain('Team notes');
    expect(blocksText(update.params)).toContain('Dose change outside the refill protocol'); // the assignee's copy keeps the reason
    expect(blocksText(update.params)).toContain('Baton sent you this earlier; it has changed since');
    expect(buttons(await h.card(itemId))).toEqual(['item.reopen', 'item.view']);
    expect(await pending()).toBe(0);
  });
});

describe('the pool fan-out (no pool channel)', () => {
  it('a failed DM part-way is retried without DMing the physicians already reached', async () => {
    h.fake.program('chat.postMessage', { status: 500, match: (p) => p.channel === 'D0DRBAK' });
    const { itemId } = await escalate('pool', 'Needs a clinician today');
    await h.deliver();
    expect(PHYSICIAN_DMS.map((c) => dmsOf(c, itemId).length)).toEqual([1, 0, 0]); // Alvarez reached; Baker failed; Cho not tried
    expect(await pending()).toBeGreaterThan(0);

    h.clock.advance(10 * 60_000); // past the outbox's backoff
    await h.deliver();
    expect(PHYSICIAN_DMS.map((c) => dmsOf(c, itemId).length)).toEqual([1, 1, 1]);
    expect(h.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'D0DRALV' && blocksText(c.params).includes(`b:${itemId}:`))).toHaveLength(1);
    const kinds = (await h.ctx.store.platformPostsOf(itemId, 'slack', 'copy:')).map((p) => p.kind.replace(/:v\d+:[0-9a-f]+$/, ''));
    expect(kinds.sort()).toEqual(['copy:pool/dr-alvarez', 'copy:pool/dr-baker', 'copy:pool/dr-cho']);
    expect(await pending()).toBe(0);
  });

  it('a claim redraws every copy; one Slack no longer has does not block the others', async () => {
    const { itemId } = await escalate('pool', 'Needs a clinician today');
    await h.deliver();
    const [alv, bak, cho] = PHYSICIAN_DMS.map((c) => dmsOf(c, itemId)[0]!);
    h.fake.program('chat.update', { error: 'message_not_found', match: (p) => p.channel === 'D0DRALV' });
    await h.click('U0DRCHO', cho!, 'item.claim');
    await waitFor(async () => (await item(itemId))?.ownerId === 'dr-cho', 5_000, 'claimed');
    await h.deliver();
    const baker = h.fake.message(bak!.channel, bak!.ts)!;
    expect(baker.updates).toBeGreaterThan(0);
    expect(blocksText(baker)).toContain('With a physician: Dr. Grace Cho');
    expect(blocksText(baker)).toContain('Sent to every physician (no pool channel)');
    expect(buttons(baker)).not.toContain('item.claim');
    expect(buttons(h.fake.message(cho!.channel, cho!.ts)!)).not.toContain('item.claim');
    expect(h.fake.message(alv!.channel, alv!.ts)!.updates).toBe(0); // the one Slack refused
    expect(h.logs.join('')).toContain('can no longer be updated in Slack');
    expect(await pending()).toBe(0);
  });

  it('a copy update that fails for a retryable reason is retried by the outbox', async () => {
    const { itemId } = await escalate('pool', 'Needs a clinician today');
    await h.deliver();
    const bak = dmsOf('D0DRBAK', itemId)[0]!;
    const cho = dmsOf('D0DRCHO', itemId)[0]!;
    // Four 503s: the call's own three quick retries are used up, so the outbox row must retry.
    h.fake.program('chat.update', { status: 503, times: 4, match: (p) => p.channel === 'D0DRBAK' && p.ts === bak.ts });
    await h.click('U0DRALV', dmsOf('D0DRALV', itemId)[0]!, 'item.claim');
    await waitFor(async () => (await item(itemId))?.ownerId === 'dr-alvarez', 5_000, 'claimed');
    await h.deliver();
    expect(blocksText(h.fake.message(cho.channel, cho.ts)!)).toContain('With a physician: Dr. Elena Alvarez'); // not held up
    expect(blocksText(h.fake.message(bak.channel, bak.ts)!)).not.toContain('Dr. Elena Alvarez');
    expect(await pending()).toBeGreaterThan(0);

    h.clock.advance(10 * 60_000);
    await h.deliver();
    expect(blocksText(h.fake.message(bak.channel, bak.ts)!)).toContain('With a physician: Dr. Elena Alvarez');
    expect(await pending()).toBe(0);
  });
});
