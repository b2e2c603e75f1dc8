import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweep } from '../../../src/app/sweep.ts';
import type { StoredMessage } from './fake-slack.ts';
import { POOL_CHANNEL, startHarness, waitFor, type Harness } from './harness.ts';

/**
 * On call in Slack, through the real Bolt app against the fake Web API: a pool escalation made
 * while Dr. Alvarez is on call (Tuesday, the fixed clock's day) reaches her DM first and not the
 * pool channel; the sweep posts it in the pool channel once the fallback delay has passed.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // As a config reload would set it: the adapter reads the context at each use.
  h.ctx.pool = { ...h.ctx.pool, onCall: { handover: '08:00', weekly: { tue: { physician: 'dr-alvarez' } }, overrides: [] }, onCallFallbackAfter: 30 };
});
afterAll(async () => h?.stop());

const blocksText = (m: { blocks?: unknown }) => JSON.stringify(m.blocks ?? []);
const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
const choice = (value: string) => ({ value: { type: 'static_select', selected_option: { value } } });
const about = (itemId: string) => (m: StoredMessage) => blocksText(m).includes(`b:${itemId}:`);

describe('on call in Slack', () => {
  it('DMs the physician on call first, then posts in the pool channel once the fallback delay has passed unclaimed', async () => {
    const { itemId, card } = await h.newItem();
    const before = h.fake.views.length;
    const r = await h.click('U0TAYLOR', card, 'item.escalate');
    const view = await waitFor(() => h.fake.views.slice(before).find((v) => v.trigger_id === `trig-${r.tag}`)?.view, 5_000, 'views.open');
    await h.submitView('U0TAYLOR', view, { reason: text('Needs a clinician today'), physician: choice('pool') });
    await waitFor(async () => (await h.ctx.store.findItem(itemId))?.state === 'ESCALATED', 5_000, 'escalated');
    await h.deliver();

    const [dm] = h.fake.topLevel('D0DRALV').filter(about(itemId));
    expect(dm).toBeDefined();
    expect(blocksText(dm!)).toContain('On call: escalated to the physician pool, to you first');
    expect(blocksText(dm!)).toContain('With a physician (on call: Dr. Elena Alvarez)');
    expect(h.fake.topLevel(POOL_CHANNEL).filter(about(itemId))).toEqual([]);

    h.clock.advance(30 * 60_000);
    expect((await sweep(h.ctx, h.clock.now())).toPool).toBe(1);
    await h.deliver();
    const posts = h.fake.topLevel(POOL_CHANNEL).filter(about(itemId));
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toMatch(/^Escalation for the physician pool: /);
    expect(blocksText(posts[0]!)).toContain('Dr. Elena Alvarez, on call, has not taken it');
    // Her DM copy is redrawn: the item is now the whole pool's.
    await waitFor(() => h.fake.message(dm!.channel, dm!.ts)!.updates > 0, 5_000, 'DM redraw');
    expect(blocksText(h.fake.message(dm!.channel, dm!.ts)!)).toContain('With a physician (physician pool)');

    h.clock.advance(60_000);
    await sweep(h.ctx, h.clock.now());
    await h.deliver();
    expect(h.fake.topLevel(POOL_CHANNEL).filter(about(itemId))).toHaveLength(1);
  });
});
