import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actOnItem } from '../../../src/app/act-on-item.ts';
import { Roster } from '../../../src/domain/roster.ts';
import { phiFixtures, PhiScanner } from '../../support/phi-scan.ts';
import { withAssignment } from '../../support/assignment.ts';
import { CHANNELS, sign, startHarness, waitFor, type Harness } from './harness.ts';

/**
 * Next item (`/baton next`, the App Home button), workload on the Home tab and auto-assignment
 * DMs, through the real Bolt app and adapter against the fake Slack Web API.
 */

let h: Harness;
let roster: Roster;
beforeAll(async () => {
  h = await startHarness({ adapter: { home: { minGapMs: 200, settleMs: 20 } } });
  roster = h.ctx.roster;
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(async () => {
  h.ctx.roster = roster;
  // Each test starts with nothing unclaimed in refills.
  for (const i of await h.ctx.store.listItems({ queue: 'refills', states: ['OPEN'], limit: 500 })) {
    await actOnItem(h.ctx, { itemId: i.id, actorKey: 'chris-park', platform: 'slack', command: { type: 'resolve' } });
  }
  await h.deliver();
});

const ref = async (itemId: string) => `B-${(await h.ctx.store.findItem(itemId))!.seq}`;
const publishes = (user: string, since = 0) => h.fake.calls.filter((c) => c.method === 'views.publish' && c.params.user_id === user && c.at >= since && c.result?.ok);
const posts = (channel: string, since: number) => h.fake.calls.slice(since).filter((c) => c.method === 'chat.postMessage' && c.params.channel === channel);

async function slash(user: string, text: string) {
  const r = await h.slash(user, text);
  expect(r.status).toBe(200);
  const [resp] = await waitFor(() => (h.fake.responsesFor(r.tag).length ? h.fake.responsesFor(r.tag) : null), 5_000, 'slash answer');
  expect(resp!.body.response_type).toBe('ephemeral');
  return { text: resp!.body.text as string, all: `${resp!.body.text}\n${JSON.stringify(resp!.body.blocks ?? [])}` };
}

/** A click on a Home tab button as Slack sends it: a `view` container, no channel, message or response_url. */
async function homeClick(user: string, view: any, button: any) {
  const payload = {
    type: 'block_actions', api_app_id: 'A0BATON', token: 'legacy-verification-token', trigger_id: `trig-home-${Date.now()}`,
    team: { id: 'T0CLINIC', domain: 'clinic' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0CLINIC' },
    container: { type: 'view', view_id: 'V0HOME' },
    view: { id: 'V0HOME', team_id: 'T0CLINIC', type: 'home', blocks: view.blocks, private_metadata: '', callback_id: '', state: { values: {} }, hash: 'h1', title: { type: 'plain_text', text: 'View Title' }, close: null, submit: null, previous_view_id: null, root_view_id: 'V0HOME', app_id: 'A0BATON', external_id: '', app_installed_team_id: 'T0CLINIC', bot_id: 'B0BATON' },
    actions: [{ type: 'button', action_id: button.action_id, block_id: button.block_id, value: button.value, text: button.text, action_ts: `${Date.now() / 1000}` }],
  };
  const raw = 'payload=' + encodeURIComponent(JSON.stringify(payload));
  return h.post(raw, 'application/x-www-form-urlencoded', sign(raw));
}

async function homeOf(user: string) {
  const t0 = Date.now();
  await h.event({ type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home', event_ts: `${Date.now() / 1000}` });
  return waitFor(() => publishes(user, t0).at(-1)?.params.view, 5_000, `${user} home`);
}
const nextButton = (view: any) => view.blocks.filter((b: any) => b.type === 'actions').flatMap((b: any) => b.elements.map((e: any) => ({ ...e, block_id: b.block_id }))).find((e: any) => e.action_id === 'home.next');

describe('/baton next', () => {
  it('claims the most urgent, oldest unclaimed item of the person’s queues and says which, privately; the card follows', async () => {
    const routine = await h.newItem();
    const urgent = await h.newItem({ subject: 'Refill today', body: 'I am out of my insulin today, I need a refill urgently.' });
    const changes = h.changes;
    const first = await slash('U0TAYLOR', 'next');
    expect(first.text).toBe(`You claimed ${await ref(urgent.itemId)}`);
    expect(first.all).toContain(`<#${CHANNELS.refills}>`);
    expect((await h.ctx.store.findItem(urgent.itemId))!).toMatchObject({ state: 'CLAIMED', ownerId: 'taylor-brooks' });
    expect((await h.ctx.store.auditOf(urgent.itemId)).at(-1)).toMatchObject({ action: 'item.claim', actor: 'taylor-brooks', platform: 'slack', detail: { via: 'next' } });
    expect(h.changes).toBe(changes + 1); // the outbox is told at once
    await h.deliver();
    expect(JSON.stringify((await h.card(urgent.itemId)).blocks)).toContain('Taylor Brooks, MA');
    expect((await slash('U0TAYLOR', 'next')).text).toBe(`You claimed ${await ref(routine.itemId)}`);
    expect((await slash('U0TAYLOR', 'next')).text).toBe('Nothing is waiting to be claimed in your queues (Refills).');
  });

  it('answers a bad argument, someone without a queue and a stranger plainly', async () => {
    await h.newItem();
    expect((await slash('U0TAYLOR', 'next please')).text).toBe('/baton next takes nothing after it: it claims the most urgent, oldest unclaimed item in your queues.');
    expect((await slash('U0DRCHO', 'next')).text).toBe('You do not work any queue, so Baton has no next item for you.');
    expect((await slash('U0NOBODY', 'next')).text).toContain('Baton does not know your Slack account (U0NOBODY)');
    expect((await h.ctx.store.listItems({ queue: 'refills', states: ['OPEN'] })).length).toBe(1);
  });

  it('is listed in /baton help', async () => {
    expect((await slash('U0TAYLOR', 'help')).all).toContain('next* — claim the most urgent unclaimed item in your queues');
  });
});

describe('the App Home tab', () => {
  it('has a Next item button that claims, answers by DM (the Home has no private reply) and redraws the Home with the item under Mine', async () => {
    const { itemId } = await h.newItem();
    const view = await homeOf('U0JORDAN');
    const button = nextButton(view);
    expect(button).toMatchObject({ type: 'button', style: 'primary', text: { text: 'Next item' } });
    const before = h.fake.calls.length;
    const t0 = Date.now();
    expect((await homeClick('U0JORDAN', view, button)).status).toBe(200);
    const [dm] = await waitFor(() => (posts('D0JORDAN', before).length ? posts('D0JORDAN', before) : null), 5_000, 'DM');
    expect(dm!.params.text).toBe(`You claimed ${await ref(itemId)}`);
    expect((await h.ctx.store.findItem(itemId))!.ownerId).toBe('jordan-kim');
    const redrawn = await waitFor(() => publishes('U0JORDAN', t0).find((c) => JSON.stringify(c.params.view).includes(`Mine (`) && !JSON.stringify(c.params.view).includes('Mine (0)'))?.params.view, 5_000, 'redrawn');
    expect(JSON.stringify(redrawn)).toContain(await ref(itemId));
  });

  it('offers no Next item to someone who works no queue', async () => {
    expect(nextButton(await homeOf('U0DRCHO'))).toBeUndefined();
  });

  it('shows the workload of the person’s queues: open = claimed + snoozed, most loaded first, idle colleagues at zero', async () => {
    const a = await h.newItem();
    const b = await h.newItem();
    await actOnItem(h.ctx, { itemId: a.itemId, actorKey: 'chris-park', platform: 'slack', command: { type: 'claim' } });
    await actOnItem(h.ctx, { itemId: b.itemId, actorKey: 'chris-park', platform: 'slack', command: { type: 'claim' } });
    await actOnItem(h.ctx, { itemId: b.itemId, actorKey: 'chris-park', platform: 'slack', command: { type: 'snooze', until: new Date(h.clock.now().getTime() + 3_600_000), reason: 'pharmacy' } });
    const text = JSON.stringify(await homeOf('U0CHRIS'));
    const owned = async (k: string) => (await h.ctx.store.listItems({ ownerId: k, states: ['CLAIMED', 'SNOOZED'], limit: 500 })).length;
    const chris = await owned('chris-park');
    expect(text).toContain('*Workload* (open = claimed + snoozed)');
    expect(text).toMatch(new RegExp(`Chris Park, MA — ${chris} open \\(\\d+ claimed, [1-9]\\d* snoozed\\)`));
    expect(text).toContain(`Taylor Brooks, MA — ${await owned('taylor-brooks')} open`);
    expect(text).toContain(`Jordan Kim, RN — ${await owned('jordan-kim')} open`);
  });
});

describe('auto-assignment', () => {
  it('DMs the assignee: conversations.open with them, the card with "Assigned to you" in the notification line, no patient data', async () => {
    h.ctx.roster = withAssignment(roster, 'refills', { policy: 'round-robin' }, { members: ['taylor-brooks'] });
    const holds = (await h.ctx.store.listItems({ ownerId: 'taylor-brooks', states: ['CLAIMED', 'SNOOZED'], limit: 500 })).length;
    const before = h.fake.calls.length;
    const { itemId } = await h.newItem({ patient: { id: 'pt-aa', name: 'Testa Patientson', mrn: '55501234' } });
    const r = await ref(itemId);
    expect(h.fake.calls.slice(before).some((c) => c.method === 'conversations.open' && c.params.users === 'U0TAYLOR')).toBe(true);
    const [dm] = posts('D0TAYLOR', before);
    expect(dm).toBeDefined();
    expect(dm!.params.text).toMatch(new RegExp(`^Assigned to you: Prescription refill \\(routine\\) in Refills, ${r}: claimed$`));
    expect(JSON.stringify(dm!.params.blocks)).toContain(`Baton assigned ${r} (Refills, routine) to you. Release it from the card if you cannot take it.`);
    // Its buttons are the owner's: Release is there.
    expect(JSON.stringify(dm!.params.blocks)).toContain('"action_id":"item.release"');
    expect(new PhiScanner(phiFixtures()).scanText(dm!.params.text)).toEqual([]);
    expect(dm!.params.text).not.toContain('Patientson');
    // The channel card says who has it; its thread says how.
    const card = await h.card(itemId);
    expect(JSON.stringify(card.blocks)).toContain('Taylor Brooks, MA');
    expect(h.fake.replies(card.channel, card.ts).map((m) => JSON.stringify(m.blocks)).join()).toContain(`Auto-assigned to Taylor Brooks, MA (round-robin, ${holds} open)`);
  });

  it('a person without a Slack id gets no Slack DM, and the item is still theirs', async () => {
    const auto = withAssignment(roster, 'billing', { policy: 'round-robin' }, { members: ['jo-adams'] });
    h.ctx.roster = new Roster(auto.staff.map((s) => (s.key === 'jo-adams' ? { ...s, slackUserId: undefined } : s)), auto.queues);
    const before = h.fake.calls.length;
    const { itemId } = await h.newItem({ subject: 'Bill', body: 'I was charged twice for my last visit, can you check my bill?' });
    expect((await h.ctx.store.findItem(itemId))!.ownerId).toBe('jo-adams');
    expect(h.fake.calls.slice(before).filter((c) => c.method === 'conversations.open')).toEqual([]);
    expect(h.logs.some((l) => l.includes('no slackUserId for this staff member'))).toBe(true);
  });
});
