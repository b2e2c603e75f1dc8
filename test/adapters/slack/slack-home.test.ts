import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../../adapters/slack/index.ts';
import { actOnItem } from '../../../src/app/act-on-item.ts';
import { cardForItem } from '../../../src/app/item-card.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { CHANNELS, SIGNING_SECRET, sign, startHarness, waitFor, type Harness } from './harness.ts';

/** The App Home tab: remembered per person, republished on change (debounced), with working buttons. */

const GAP = 1_500;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ adapter: { home: { minGapMs: GAP, settleMs: 50 } } });
});
afterAll(async () => {
  await h?.stop();
});

const publishes = (user: string, since = 0) => h.fake.calls.filter((c) => c.method === 'views.publish' && c.params.user_id === user && c.at >= since && c.result?.ok);
const open = (user: string) => h.event({ type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home', event_ts: `${Date.now() / 1000}` });
/** The items' buttons (the Home's own "Next item" button names no item). */
const buttonsOf = (view: any) => view.blocks.filter((b: any) => b.type === 'actions').flatMap((b: any) => b.elements.map((e: any) => ({ ...e, block_id: b.block_id }))).filter((e: any) => e.action_id.startsWith('item.'));

/** A click on a Home tab button as Slack sends it: a `view` container, no channel, message or response_url. */
async function homeClick(user: string, view: any, button: any) {
  const payload = {
    type: 'block_actions',
    api_app_id: 'A0BATON',
    token: 'legacy-verification-token',
    trigger_id: `trig-home-${Date.now()}`,
    team: { id: 'T0CLINIC', domain: 'clinic' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0CLINIC' },
    container: { type: 'view', view_id: 'V0HOME' },
    view: { id: 'V0HOME', team_id: 'T0CLINIC', type: 'home', blocks: view.blocks, private_metadata: '', callback_id: '', state: { values: {} }, hash: 'h1', title: { type: 'plain_text', text: 'View Title' }, close: null, submit: null, previous_view_id: null, root_view_id: 'V0HOME', app_id: 'A0BATON', external_id: '', app_installed_team_id: 'T0CLINIC', bot_id: 'B0BATON' },
    actions: [{ type: 'button', action_id: button.action_id, block_id: button.block_id, value: button.value, text: button.text, action_ts: `${Date.now() / 1000}` }],
  };
  const raw = 'payload=' + encodeURIComponent(JSON.stringify(payload));
  return h.post(raw, 'application/x-www-form-urlencoded', sign(raw));
}

describe('App Home', () => {
  it('opening it remembers the person in the store and publishes Mine, My queues and Overdue, with labelled buttons', async () => {
    const { itemId } = await h.newItem();
    const ref = `B-${(await h.ctx.store.findItem(itemId))!.seq}`;
    await open('U0TAYLOR');
    const [call] = await waitFor(() => (publishes('U0TAYLOR').length ? publishes('U0TAYLOR') : null), 5_000, 'publish');
    expect(await h.ctx.store.findConversationRef('slack:home:T0CLINIC:U0TAYLOR')).toMatchObject({ team: 'T0CLINIC', user: 'U0TAYLOR' });
    const view = call!.params.view;
    const headers = view.blocks.filter((b: any) => b.type === 'header').map((b: any) => b.text.text);
    expect(headers).toEqual(['Baton', 'Mine (0)', 'My queues', 'Overdue (0)']);
    const claim = buttonsOf(view).find((b: any) => b.action_id === 'item.claim' && JSON.parse(b.value).i === itemId);
    expect(claim.accessibility_label).toBe(`Claim ${ref}`);
    for (const b of buttonsOf(view)) expect(b.accessibility_label).toMatch(/^[A-Z][\w ]+ B-\d+$/);
    expect(JSON.stringify(view)).toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-12-01 \d\d:\d\d UTC>/);
    expect(h.fake.refused).toEqual([]);
  });

  it('a burst of changes republishes an open Home a few times at most, never sooner than the gap; people who never opened it get nothing', async () => {
    const n0 = publishes('U0TAYLOR').length;
    await open('U0TAYLOR');
    await waitFor(() => publishes('U0TAYLOR').length > n0, 5_000, 'open publish');
    const opened = publishes('U0TAYLOR').at(-1)!.at;
    const made = await Promise.all([h.ingest(), h.ingest(), h.ingest()]);
    await h.deliver(); // three card posts in refills: three changes
    for (const id of made) {
      const ref = (await h.ctx.store.findPlatformPost(id, 'slack', 'card'))!;
      await h.adapter.updateCard(ref, await cardForItem(h.ctx, (await h.ctx.store.findItem(id))!, 'channel'));
    }
    await waitFor(() => publishes('U0TAYLOR', opened + 1).length, 5_000, 'republish');
    await new Promise((r) => setTimeout(r, GAP + 500));
    const after = publishes('U0TAYLOR', opened + 1);
    // Six changes (three posts, three updates): far fewer publishes, each at least GAP after the one before.
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after.length).toBeLessThanOrEqual(2);
    const times = [opened, ...after.map((c) => c.at)];
    for (let n = 1; n < times.length; n++) expect(times[n]! - times[n - 1]!).toBeGreaterThanOrEqual(GAP - 20);
    const unclaimed = (await h.ctx.store.listItems({ queue: 'refills', states: ['OPEN'] })).length;
    expect(unclaimed).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(after.at(-1)!.params.view)).toContain(`*Refills* <#C0REFILL> — unclaimed ${unclaimed} ·`); // the newest state
    expect(publishes('U0JORDAN')).toEqual([]); // works refills, never opened Baton's Home
  });

  it('a click on a Home button acts; a refusal is answered by DM (there is no channel); both Homes are redrawn', async () => {
    await open('U0JORDAN');
    const jordan = await waitFor(() => publishes('U0JORDAN').at(-1), 5_000, 'jordan home');
    // The oldest unclaimed refills item, on both Homes.
    const itemId = JSON.parse(buttonsOf(jordan.params.view).find((b: any) => b.action_id === 'item.claim').value).i as string;
    const claimOf = (view: any) => buttonsOf(view).find((b: any) => b.action_id === 'item.claim' && JSON.parse(b.value).i === itemId);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await open('U0TAYLOR');
    const fresh = await waitFor(() => publishes('U0TAYLOR', t0).at(-1)?.params.view, 5_000, 'taylor home');
    expect(claimOf(fresh)).toBeDefined();
    const r = await homeClick('U0TAYLOR', fresh, claimOf(fresh));
    expect(r.status).toBe(200);
    await waitFor(async () => (await h.ctx.store.findItem(itemId))?.ownerId === 'taylor-brooks', 5_000, 'claimed');
    await h.deliver();
    const redrawn = await waitFor(() => publishes('U0TAYLOR', t0).find((c) => JSON.stringify(c.params.view).includes('Mine (') && !JSON.stringify(c.params.view).includes('Mine (0)'))?.params.view, 5_000, 'taylor redrawn');
    expect(redrawn.blocks.find((b: any) => b.type === 'header' && b.text.text.startsWith('Mine')).text.text).toBe('Mine (1)');

    // Jordan's Home still offers Claim: the click is refused, privately, by DM.
    const before = h.fake.calls.length;
    await homeClick('U0JORDAN', jordan.params.view, claimOf(jordan.params.view));
    const dm = await waitFor(() => h.fake.calls.slice(before).find((c) => c.method === 'chat.postMessage' && c.params.channel === 'D0JORDAN'), 5_000, 'DM');
    expect(dm.params.text).toBe('Already claimed by Taylor Brooks, MA.');
    expect(h.fake.calls.slice(before).map((c) => c.method).filter((m) => m === 'chat.postEphemeral')).toEqual([]);
    expect(h.fake.calls.slice(before).some((c) => c.method === 'conversations.open' && c.params.users === 'U0JORDAN')).toBe(true);
    await waitFor(() => publishes('U0JORDAN', t0).length, 5_000, 'jordan redrawn');
  });

  it('draws each item’s buttons for its reader: Wake now on the owner’s snoozed item, the lead’s override on escalated work', async () => {
    const snoozed = await h.newItem();
    await actOnItem(h.ctx, { itemId: snoozed.itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'claim' } });
    await actOnItem(h.ctx, { itemId: snoozed.itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'snooze', until: new Date(h.clock.now().getTime() + 3_600_000), reason: 'Waiting on the patient' } });
    const escalated = await h.newItem();
    await actOnItem(h.ctx, { itemId: escalated.itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'escalate', reason: 'Dose question', to: 'dr-cho' } });
    await h.deliver();
    const buttonsFor = (view: any, itemId: string) => buttonsOf(view).filter((b: any) => JSON.parse(b.value).i === itemId).map((b: any) => b.action_id);
    const homeOf = async (user: string) => {
      const t0 = Date.now();
      await open(user);
      return waitFor(() => publishes(user, t0).at(-1)?.params.view, 5_000, `${user} home`);
    };
    const taylor = await homeOf('U0TAYLOR');
    expect(buttonsFor(taylor, snoozed.itemId)).toEqual(['item.wake', 'item.view']);
    expect(buttonsFor(taylor, escalated.itemId)).toEqual([]); // with a physician: not hers to act on, not listed
    // The Refills lead: the escalation under My queues, with what a lead may do (no Claim: leads are no physicians).
    const chris = await homeOf('U0CHRIS');
    expect(buttonsFor(chris, escalated.itemId)).toEqual(['item.resolve', 'item.return', 'item.reassign', 'item.view']);
    expect(buttonsFor(chris, snoozed.itemId)).toEqual([]); // snoozed items wait in Mine of their owner
  });

  it('who opened their Home survives a restart: a new process republishes it on change', async () => {
    const other = createSlackAdapter({ ctx: () => h.ctx, logger: createLogger({ level: 'silent' }), botToken: h.fake.token, signingSecret: SIGNING_SECRET, apiUrl: h.fake.apiUrl, home: { minGapMs: 100, settleMs: 20 } });
    await other.adapter.start();
    const { itemId } = await h.newItem();
    const t0 = Date.now();
    const ref = (await h.ctx.store.findPlatformPost(itemId, 'slack', 'card'))!;
    expect(ref.channel).toBe(CHANNELS.refills);
    await other.adapter.updateCard(ref, await cardForItem(h.ctx, (await h.ctx.store.findItem(itemId))!, 'channel'));
    await waitFor(() => publishes('U0TAYLOR', t0).length && publishes('U0JORDAN', t0).length, 5_000, 'republished by the new process');
    expect(publishes('U0DANA', t0)).toEqual([]);
    await other.adapter.stop();
  });
});
