import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCard } from '../../../src/domain/card.ts';
import { buildDigest } from '../../../src/domain/digest.ts';
import type { StoredMessage } from './fake-slack.ts';
import { CHANNELS, POOL_CHANNEL, sign, startHarness, waitFor, type Harness } from './harness.ts';

/**
 * The Slack adapter through the real Bolt app and its real HTTP receiver (mounted on Baton's
 * express server), against a fake Slack Web API. Requests are signed as Slack signs them.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ extraRefills: 20 });
});
afterAll(async () => {
  await h?.stop();
});

const PATIENT_NAME = 'Testa Patientson';
const BODY_WORDS = 'blood pressure pills';

const item = (id: string) => h.ctx.store.findItem(id);
const audit = (id: string) => h.ctx.store.auditOf(id);
const answerText = (tag: string) => h.fake.responsesFor(tag).map((r) => `${r.body.text} ${JSON.stringify(r.body.blocks ?? [])}`).join('\n');
const buttons = (m: StoredMessage) => (m.blocks.find((b) => b.type === 'actions')?.elements ?? []).map((e: any) => e.action_id);
const blocksText = (m: StoredMessage) => JSON.stringify(m.blocks);

async function claimed(slackUser: string) {
  const made = await h.newItem();
  await h.click(slackUser, made.card, 'item.claim');
  await waitFor(async () => (await item(made.itemId))?.state === 'CLAIMED', 5_000, 'claim');
  await h.deliver();
  return { itemId: made.itemId, card: await h.card(made.itemId) };
}

/** Clicks a form button and returns the modal Slack was asked to open. */
async function openForm(user: string, m: StoredMessage, action: string) {
  const before = h.fake.views.length;
  const r = await h.click(user, m, action);
  expect(r.status).toBe(200);
  return waitFor(() => h.fake.views.slice(before).find((v) => v.kind === 'open' && v.trigger_id === `trig-${r.tag}`)?.view, 5_000, 'views.open');
}

const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
const choice = (value: string) => ({ value: { type: 'static_select', selected_option: { value } } });

describe('cards', () => {
  it('posts the card in its queue channel, within Block Kit limits, with command buttons and no patient data in the notification text', async () => {
    const { itemId, card } = await h.newItem({ link: 'https://ehr.example.org/inbox/77?a=1&b=2' });
    expect(card.channel).toBe(CHANNELS.refills);
    expect(h.fake.refused).toEqual([]);
    expect(buttons(card)).toEqual(['item.claim', 'item.escalate', 'item.reassign', 'item.snooze', 'item.resolve', 'item.view']);
    const claim = card.blocks.find((b) => b.type === 'actions').elements[0];
    expect(JSON.parse(claim.value)).toEqual({ i: itemId, v: 1, s: 'OPEN', o: null });
    const resolve = card.blocks.find((b) => b.type === 'actions').elements.find((e: any) => e.action_id === 'item.resolve');
    expect(resolve.confirm.text.text).toMatch(/resolved/);
    // One filled button on unclaimed work, the card's emphasis: Claim. Resolve (and its confirm) stay plain.
    expect(claim.style).toBe('primary');
    expect(resolve.style).toBeUndefined();
    expect(resolve.confirm.style).toBeUndefined();
    expect(card.text).toMatch(/^Prescription refill \(routine\) in Refills, B-\d+: unclaimed$/);
    expect(card.text).not.toContain('Testa');
    expect(blocksText(card)).not.toContain(PATIENT_NAME);
    expect(blocksText(card)).not.toContain(BODY_WORDS);
    expect(blocksText(card)).toContain('T.P.');
    expect(blocksText(card)).toContain('<https://ehr.example.org/inbox/77?a=1&amp;b=2|Open in the EHR>');
    const post = h.fake.callsOf('chat.postMessage').find((c) => c.result?.ts === card.ts)!;
    expect(post.auth).toBe('Bearer xoxb-test');
    expect(post.params.unfurl_links).toBe('false');
    expect(post.params.metadata).toEqual({ event_type: 'baton_card', event_payload: { item_id: itemId } });
  });

  it('claim: acks at once, updates the card to show the owner and notes it in the thread without broadcasting', async () => {
    const { itemId, card } = await h.newItem();
    const r = await h.click('U0TAYLOR', card, 'item.claim');
    expect(r.status).toBe(200);
    await waitFor(async () => (await item(itemId))?.ownerId === 'taylor-brooks', 5_000, 'owner');
    await h.deliver();
    const now = await h.card(itemId);
    expect(now.ts).toBe(card.ts);
    expect(now.updates).toBeGreaterThan(0);
    expect(blocksText(now)).toContain('Claimed: Taylor Brooks, MA');
    expect(now.text).toMatch(/: claimed$/);
    expect(buttons(now)).toEqual(['item.release', 'item.escalate', 'item.reassign', 'item.snooze', 'item.resolve', 'item.view']);
    const notes = h.fake.replies(card.channel, card.ts);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.reply_broadcast).toBe(false);
    expect(JSON.stringify(notes[0]!.blocks)).toContain('Claimed by Taylor Brooks, MA');
    expect(h.fake.responsesFor(r.tag)).toEqual([]); // success is shown on the card, not whispered
    await waitFor(() => h.changes > 0, 5_000, 'onChange (worker kick)');
  });

  it('20 concurrent claim clicks by 20 people: exactly one owner, 19 private "already claimed by …" answers', async () => {
    const { itemId, card } = await h.newItem();
    const users = Array.from({ length: 20 }, (_, n) => `U0CLK${String(n + 1).padStart(2, '0')}`);
    const clicks = await Promise.all(users.map((u) => h.click(u, card, 'item.claim')));
    expect(clicks.map((c) => c.status)).toEqual(users.map(() => 200));
    await waitFor(async () => (await audit(itemId)).filter((e) => e.action === 'item.denied').length === 19, 15_000, '19 denials');
    await waitFor(() => clicks.filter((c) => h.fake.responsesFor(c.tag).length).length === 19, 5_000, '19 answers');
    const after = (await item(itemId))!;
    expect(after.state).toBe('CLAIMED');
    const ownerName = h.ctx.roster.member(after.ownerId!)!.name;
    const winner = clicks.filter((c) => h.fake.responsesFor(c.tag).length === 0);
    expect(winner).toHaveLength(1);
    for (const c of clicks) {
      if (c === winner[0]) continue;
      const [resp] = h.fake.responsesFor(c.tag);
      expect(resp!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(resp!.body.text).toBe(`Already claimed by ${ownerName}.`);
    }
    const trail = await audit(itemId);
    expect(trail.filter((e) => e.action === 'item.claim')).toHaveLength(1);
    expect(trail.filter((e) => e.action === 'item.denied').every((e) => (e.detail as any).code === 'item.already_claimed')).toBe(true);
    await h.deliver();
    expect(blocksText(await h.card(itemId))).toContain(`Claimed: ${ownerName}`);
    expect(h.fake.replies(card.channel, card.ts)).toHaveLength(1);
  });

  it('a redelivered click (same action_ts, X-Slack-Retry-Num) is not worked twice; a second Claim by the owner is "already yours" with no second transition', async () => {
    const { itemId, card } = await h.newItem();
    const first = await h.click('U0TAYLOR', card, 'item.claim', { actionTs: '1800000000.424242' });
    await waitFor(async () => (await item(itemId))?.state === 'CLAIMED');
    const retry = await h.click('U0TAYLOR', card, 'item.claim', { actionTs: '1800000000.424242', headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    const again = await h.click('U0TAYLOR', card, 'item.claim');
    await waitFor(() => h.fake.responsesFor(again.tag).length === 1);
    expect(h.fake.responsesFor(again.tag)[0]!.body.text).toMatch(/^B-\d+ is already yours\.$/);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.fake.responsesFor(first.tag)).toEqual([]);
    expect(h.fake.responsesFor(retry.tag)).toEqual([]);
    const trail = await audit(itemId);
    expect(trail.filter((e) => e.action === 'item.claim')).toHaveLength(1);
    expect(trail.filter((e) => e.action === 'item.denied')).toHaveLength(0);
  });

  it('resolve: the card shows Resolved with Reopen, and the thread says who resolved it', async () => {
    const { itemId, card } = await claimed('U0TAYLOR');
    await h.click('U0TAYLOR', card, 'item.resolve');
    await waitFor(async () => (await item(itemId))?.state === 'RESOLVED');
    await h.deliver();
    const now = await h.card(itemId);
    expect(buttons(now)).toEqual(['item.reopen', 'item.view']);
    expect(blocksText(now)).toContain('Resolved');
    expect(h.fake.replies(card.channel, card.ts).map((m) => JSON.stringify(m.blocks)).join()).toContain('Resolved by Taylor Brooks, MA');
  });

  it('a click on an out-of-date card changes nothing, says what the item is now, and is audited', async () => {
    const { itemId, card: stale } = await h.newItem();
    await h.click('U0TAYLOR', stale, 'item.claim');
    await waitFor(async () => (await item(itemId))?.state === 'CLAIMED');
    const r = await h.click('U0CHRIS', stale, 'item.resolve'); // the lead, on the card as it was before the claim
    await waitFor(() => h.fake.responsesFor(r.tag).length === 1);
    expect(answerText(r.tag)).toMatch(/Nothing was changed: this card was out of date\. B-\d+ is now claimed by Taylor Brooks, MA\./);
    expect((await item(itemId))!.state).toBe('CLAIMED');
    expect((await audit(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: 'chris-park', detail: { command: 'resolve', code: 'item.stale' } });
  });
});

describe('refusals', () => {
  it('forged signature → 401 and nothing changes', async () => {
    const { itemId, card } = await h.newItem();
    const before = (await audit(itemId)).length;
    const r = await h.click('U0TAYLOR', card, 'item.claim', { headers: { 'x-slack-signature': 'v0=' + 'ab'.repeat(32) } });
    expect(r.status).toBe(401);
    const other = await h.click('U0TAYLOR', card, 'item.claim', { headers: sign('payload=something-else') });
    expect(other.status).toBe(401);
    await new Promise((res) => setTimeout(res, 200));
    expect((await item(itemId))!.state).toBe('OPEN');
    expect((await audit(itemId)).length).toBe(before);
    expect(h.fake.responsesFor(r.tag)).toEqual([]);
  });

  it('stale timestamp (6 minutes old) → 401 and nothing changes', async () => {
    const { itemId, card } = await h.newItem();
    const raw = 'payload=' + encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U0TAYLOR' }, actions: [] }));
    const old = await h.post(raw, 'application/x-www-form-urlencoded', sign(raw, undefined, Math.floor(Date.now() / 1000) - 360));
    expect(old.status).toBe(401);
    const r = await h.click('U0TAYLOR', card, 'item.claim', { headers: sign('x', undefined, Math.floor(Date.now() / 1000) - 360) });
    expect(r.status).toBe(401);
    await new Promise((res) => setTimeout(res, 200));
    expect((await item(itemId))!.state).toBe('OPEN');
  });

  it('someone outside the queue is refused privately, and the refusal is audited', async () => {
    const { itemId, card } = await h.newItem();
    const r = await h.click('U0JOADAMS', card, 'item.claim'); // billing staff on a refills card
    await waitFor(() => h.fake.responsesFor(r.tag).length === 1);
    expect(answerText(r.tag)).toContain('You are not allowed to claim items in this queue');
    expect(h.fake.responsesFor(r.tag)[0]!.body.response_type).toBe('ephemeral');
    expect((await item(itemId))!.state).toBe('OPEN');
    expect((await audit(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: 'jo-adams', platform: 'slack', detail: { code: 'item.not_authorized' } });
  });

  it('when the response_url has expired, the private answer goes by chat.postEphemeral in the card’s channel', async () => {
    const { card } = await h.newItem();
    h.fake.expiredResponseUrls.add('expired-1');
    const before = h.fake.ephemerals.length;
    await h.click('U0JOADAMS', card, 'item.claim', { tag: 'expired-1' });
    await waitFor(() => h.fake.ephemerals.length > before, 5_000, 'ephemeral');
    expect(h.fake.ephemerals.at(-1)).toMatchObject({ channel: CHANNELS.refills, user: 'U0JOADAMS' });
    expect(h.fake.ephemerals.at(-1)!.text).toContain('You are not allowed to claim items in this queue');
  });

  it('an unknown Slack user gets a private explanation with their user id, and the attempt is audited', async () => {
    const { itemId, card } = await h.newItem();
    const r = await h.click('U0STRANGER', card, 'item.claim');
    await waitFor(() => h.fake.responsesFor(r.tag).length === 1);
    expect(answerText(r.tag)).toContain('Baton does not know your Slack account (U0STRANGER)');
    expect((await audit(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: 'unknown:U0STRANGER', detail: { code: 'staff.unknown' } });
    const form = await h.click('U0STRANGER', card, 'item.escalate');
    await waitFor(() => h.fake.responsesFor(form.tag).length === 1);
    expect(h.fake.views.find((v) => v.trigger_id === `trig-${form.tag}`)).toBeUndefined();
    expect((await audit(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: 'unknown:U0STRANGER', detail: { command: 'escalate' } });
  });

  it('a form the person may not use is refused before it opens', async () => {
    const { itemId, card } = await claimed('U0TAYLOR');
    const r = await h.click('U0JORDAN', card, 'item.snooze'); // a queue member, not the owner or a lead
    await waitFor(() => h.fake.responsesFor(r.tag).length === 1);
    expect(answerText(r.tag)).toContain('You are not allowed to snooze this item');
    expect(h.fake.views.find((v) => v.trigger_id === `trig-${r.tag}`)).toBeUndefined();
    expect((await audit(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: 'jordan-kim', detail: { command: 'snooze', code: 'item.not_authorized' } });
  });
});

describe('view message', () => {
  it('shows the patient text privately to the person who asked, and audits the view', async () => {
    const { itemId, card } = await h.newItem();
    const callsBefore = h.fake.calls.length;
    const r = await h.click('U0TAYLOR', card, 'item.view');
    await waitFor(() => h.fake.responsesFor(r.tag).length === 1);
    const resp = h.fake.responsesFor(r.tag)[0]!.body;
    expect(resp.response_type).toBe('ephemeral');
    expect(JSON.stringify(resp.blocks)).toContain(BODY_WORDS);
    expect(resp.text).not.toContain(BODY_WORDS);
    expect((await audit(itemId)).at(-1)).toMatchObject({ action: 'item.view', actor: 'taylor-brooks', platform: 'slack' });
    // Nothing went to a channel: no Web API call carried the text.
    expect(JSON.stringify(h.fake.calls.slice(callsBefore).map((c) => c.params))).not.toContain(BODY_WORDS);
  });

  it('refuses the text to someone outside the queue, privately, and audits it', async () => {
    const { itemId, card } = await h.newItem();
    const r = await h.click('U0ROBIN', card, 'item.view');
    await waitFor(() => h.fake.responsesFor(r.tag).length === 1);
    expect(answerText(r.tag)).toContain('You are not allowed to read this message');
    expect(answerText(r.tag)).not.toContain(BODY_WORDS);
    expect((await audit(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: 'robin-patel', detail: { command: 'view' } });
  });
});

describe('forms', () => {
  it('escalate: the modal defaults to the patient’s PCP; the physician gets a DM with the reason and physician actions; no role channel gets a new card', async () => {
    const { itemId, card } = await claimed('U0TAYLOR');
    const dmsBefore = h.fake.messages.filter((m) => m.channel === 'D0DRCHO').length;
    const view = await openForm('U0TAYLOR', card, 'item.escalate');
    expect(view.callback_id).toBe('item.escalate');
    const select = view.blocks.find((b: any) => b.block_id === 'physician').element;
    expect(select.initial_option.value).toBe('dr-cho');
    expect(select.options.map((o: any) => o.value)).toEqual(['dr-alvarez', 'dr-baker', 'dr-cho', 'pool']); // the card's choices, in its order (every platform offers these)
    expect(JSON.stringify(view)).not.toContain('T.P.'); // modals are not message content: no patient token
    const topBefore = Object.values(CHANNELS).map((c) => h.fake.topLevel(c).length);

    const sub = await h.submitView('U0TAYLOR', view, { reason: text('Dose change outside the refill protocol'), physician: choice('dr-cho') });
    expect(sub.status).toBe(200);
    expect(sub.text).toBe('');
    await waitFor(async () => (await item(itemId))?.state === 'ESCALATED');
    expect((await item(itemId))!.ownerId).toBe('dr-cho');
    await h.deliver();

    expect(h.fake.callsOf('conversations.open').some((c) => c.params.users === 'U0DRCHO')).toBe(true);
    const dms = h.fake.messages.filter((m) => m.channel === 'D0DRCHO');
    expect(dms.length).toBe(dmsBefore + 1);
    const dm = dms.at(-1)!;
    expect(dm.text).toMatch(/^Escalated to you: Prescription refill \(routine\) in Refills, B-\d+: with a physician$/);
    expect(dm.text).not.toContain('Dose change');
    expect(blocksText(dm)).toContain('Dose change outside the refill protocol');
    expect(blocksText(dm)).toContain('T.P.');
    expect(buttons(dm)).toEqual(['item.resolve', 'item.return', 'item.reassign', 'item.view']);
    expect(h.fake.refused).toEqual([]);
    expect(Object.values(CHANNELS).map((c) => h.fake.topLevel(c).length)).toEqual(topBefore);
    expect(h.fake.topLevel(POOL_CHANNEL).some((m) => JSON.stringify(m.metadata ?? {}).includes(itemId))).toBe(false);
    const notes = h.fake.replies(card.channel, card.ts).map((m) => JSON.stringify(m.blocks)).join();
    // The channel's thread and card say a reason was recorded; the physician's DM (above) carries it.
    expect(notes).toContain('Escalated by Taylor Brooks, MA to Dr. Grace Cho — reason recorded');
    expect(notes).not.toContain('Dose change');
    expect(blocksText(await h.card(itemId))).toContain('With a physician: Dr. Grace Cho');
    // One channel message for the whole team: nobody reading it may claim, return or hand over the escalation.
    expect(buttons(await h.card(itemId))).toEqual(['item.view']);
    expect(blocksText(await h.card(itemId))).toContain('Escalated by Taylor Brooks, MA to Dr. Grace Cho* — reason recorded');
    expect(blocksText(await h.card(itemId))).not.toContain('Dose change');

    // The physician returns it from the DM: the item goes back to Taylor, and the DM copy is redrawn.
    const back = await openForm('U0DRCHO', dm, 'item.return');
    await h.submitView('U0DRCHO', back, { instructions: text('Approve 30 days; book a visit') });
    await waitFor(async () => (await item(itemId))?.state === 'CLAIMED');
    expect((await item(itemId))!.ownerId).toBe('taylor-brooks');
    await waitFor(() => h.fake.message(dm.channel, dm.ts)!.updates > 0, 5_000, 'DM redraw');
    expect(buttons(h.fake.message(dm.channel, dm.ts)!)).not.toContain('item.return');
  });

  it('escalate to the pool: posted in the physician pool channel; a physician claims it there and the post is redrawn', async () => {
    const { itemId, card } = await h.newItem({ patient: { id: 'pt-9', name: 'Testa Patientson', mrn: '55509999' } });
    const view = await openForm('U0TAYLOR', card, 'item.escalate');
    expect(view.blocks.find((b: any) => b.block_id === 'physician').element.initial_option.value).toBe('pool');
    await h.submitView('U0TAYLOR', view, { reason: text('Needs a clinician today'), physician: choice('pool') });
    await waitFor(async () => (await item(itemId))?.state === 'ESCALATED');
    await h.deliver();
    const post = h.fake.topLevel(POOL_CHANNEL).at(-1)!;
    expect(post.text).toMatch(/^Escalation for the physician pool: /);
    expect(blocksText(post)).toContain('Needs a clinician today');
    expect(buttons(post)[0]).toBe('item.claim');
    const asPosted = structuredClone(post);
    await h.click('U0DRALV', post, 'item.claim');
    await waitFor(async () => (await item(itemId))?.ownerId === 'dr-alvarez');
    await waitFor(() => h.fake.message(post.channel, post.ts)!.updates > 0, 5_000, 'pool post redraw');
    expect(blocksText(h.fake.message(post.channel, post.ts)!)).toContain('With a physician: Dr. Elena Alvarez');
    // A second physician clicking the old pool post hears who has it.
    const late = await h.click('U0DRCHO', asPosted, 'item.claim');
    await waitFor(() => h.fake.responsesFor(late.tag).length === 1);
    expect(answerText(late.tag)).toContain('Already claimed by Dr. Elena Alvarez');
  });

  it('escalate without a reason: the modal shows the error and nothing changes', async () => {
    const { itemId, card } = await h.newItem();
    const view = await openForm('U0TAYLOR', card, 'item.escalate');
    const sub = await h.submitView('U0TAYLOR', view, { reason: text('   '), physician: choice('pool') });
    expect(sub.status).toBe(200);
    expect(JSON.parse(sub.text)).toEqual({ response_action: 'errors', errors: { reason: 'Give the physician a reason.' } });
    expect((await item(itemId))!.state).toBe('OPEN');
  });

  it('reassign: the picker lists only people who work the queue; the choice becomes the owner', async () => {
    const { itemId, card } = await claimed('U0TAYLOR');
    const view = await openForm('U0TAYLOR', card, 'item.reassign');
    const keys = view.blocks.find((b: any) => b.block_id === 'to').element.options.map((o: any) => o.value);
    expect(keys).toContain('jordan-kim');
    expect(keys).toContain('chris-park');
    expect(keys).not.toContain('taylor-brooks');
    expect(keys).not.toContain('jo-adams');
    expect(keys).not.toContain('dr-cho');
    await h.submitView('U0TAYLOR', view, { to: choice('jordan-kim') });
    await waitFor(async () => (await item(itemId))?.ownerId === 'jordan-kim');
    await h.deliver();
    expect(blocksText(await h.card(itemId))).toContain('Claimed: Jordan Kim, RN');
    expect(h.fake.replies(card.channel, card.ts).map((m) => JSON.stringify(m.blocks)).join()).toContain('Taylor Brooks, MA handed this to Jordan Kim, RN');
  });

  it('reassign to someone outside the queue (a forged submission) is refused privately and audited', async () => {
    const { itemId, card } = await claimed('U0TAYLOR');
    const view = await openForm('U0TAYLOR', card, 'item.reassign');
    const before = h.fake.ephemerals.length;
    await h.submitView('U0TAYLOR', view, { to: choice('jo-adams') });
    await waitFor(() => h.fake.ephemerals.length > before, 5_000, 'ephemeral');
    const e = h.fake.ephemerals.at(-1)!;
    expect(e).toMatchObject({ channel: CHANNELS.refills, user: 'U0TAYLOR' });
    expect(e.text).toContain('Jo Adams does not work this queue');
    expect((await item(itemId))!.ownerId).toBe('taylor-brooks');
    expect((await audit(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: 'taylor-brooks', detail: { command: 'reassign', code: 'item.invalid_target' } });
  });

  it('snooze: durations and a reason; the item sleeps until then and the card says so', async () => {
    const { itemId, card } = await claimed('U0TAYLOR');
    const view = await openForm('U0TAYLOR', card, 'item.snooze');
    const durations = view.blocks.find((b: any) => b.block_id === 'duration').element.options.map((o: any) => o.value);
    expect(durations).toContain('240');
    await h.submitView('U0TAYLOR', view, { duration: choice('240'), reason: text('Waiting on the pharmacy fax') });
    await waitFor(async () => (await item(itemId))?.state === 'SNOOZED');
    expect((await item(itemId))!.snoozedUntil!.toISOString()).toBe(new Date(h.clock.now().getTime() + 4 * 3_600_000).toISOString());
    await h.deliver();
    const now = await h.card(itemId);
    expect(buttons(now)).toEqual(['item.wake', 'item.view']);
    // When it wakes, in the organisation's zone (09:00 CST + 4 h); the reason only "recorded" on the channel card.
    expect(blocksText(now)).toContain('Snoozed until Tue 1 Dec, 13:00 CST — reason recorded');
    expect(blocksText(now)).not.toContain('pharmacy fax');
    expect(now.text).not.toContain('pharmacy fax');
    // The thread says a reason was recorded, not the reason (staff free text, card.messageText: none).
    const thread = h.fake.replies(card.channel, card.ts).map((m) => JSON.stringify(m.blocks)).join();
    expect(thread).toContain('Snoozed by Taylor Brooks, MA until');
    expect(thread).toContain('— reason recorded');
    expect(thread).not.toContain('pharmacy fax');
    expect((await h.ctx.store.auditOf(itemId)).at(-1)).toMatchObject({ action: 'item.snooze', reason: 'Waiting on the pharmacy fax' });
  });

  it('wake now: a snoozed card’s Claim is refused with what to do; the owner’s Wake now puts it back in their hands and the card redraws', async () => {
    const { itemId, card } = await claimed('U0TAYLOR');
    const view = await openForm('U0TAYLOR', card, 'item.snooze');
    await h.submitView('U0TAYLOR', view, { duration: choice('60'), reason: text('Waiting on the patient') });
    await waitFor(async () => (await item(itemId))?.state === 'SNOOZED');
    await h.deliver();
    const snoozed = await h.card(itemId);

    // Someone else who works the queue may not wake the owner's item; the refusal is private and audited.
    const other = await h.click('U0JORDAN', snoozed, 'item.wake');
    await waitFor(() => h.fake.responsesFor(other.tag).length === 1, 5_000, 'refusal');
    expect(answerText(other.tag)).toContain('You are not allowed to wake this item.');
    expect((await audit(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: 'jordan-kim', detail: { command: 'wake', code: 'item.not_authorized' } });

    const r = await h.click('U0TAYLOR', snoozed, 'item.wake');
    expect(r.status).toBe(200);
    await waitFor(async () => (await item(itemId))?.state === 'CLAIMED', 5_000, 'woken');
    expect(await item(itemId)).toMatchObject({ ownerId: 'taylor-brooks', snoozedUntil: null, resumeState: null });
    expect((await audit(itemId)).at(-1)).toMatchObject({ action: 'item.wake', actor: 'taylor-brooks', platform: 'slack', fromState: 'SNOOZED', toState: 'CLAIMED' });
    await h.deliver();
    const after = await h.card(itemId);
    expect(after.ts).toBe(snoozed.ts);
    expect(buttons(after)).toContain('item.resolve');
    expect(blocksText(after)).toContain('Claimed: Taylor Brooks, MA');
    expect(blocksText(after)).not.toContain('Snoozed until');
    expect(h.fake.replies(card.channel, card.ts).map((m) => JSON.stringify(m.blocks)).join()).toContain('Woken by Taylor Brooks, MA: back to work');
  });

  it('a Claim from a card drawn before the snooze is refused, saying until when the item sleeps', async () => {
    const { itemId, card } = await h.newItem();
    const view = await openForm('U0TAYLOR', card, 'item.snooze');
    await h.submitView('U0TAYLOR', view, { duration: choice('60'), reason: text('Waiting on the patient') });
    await waitFor(async () => (await item(itemId))?.state === 'SNOOZED');
    // A card drawn before the snooze, still showing Claim: judged against the item as it is now.
    const r = await h.click('U0JORDAN', card, 'item.claim');
    await waitFor(() => h.fake.responsesFor(r.tag).length === 1, 5_000, 'answer');
    expect(answerText(r.tag)).toMatch(/this card was out of date\. B-\d+ is now snoozed until Tue 1 Dec, 10:00 CST/);
    expect((await item(itemId))!.state).toBe('SNOOZED');
  });
});

describe('App Home and /baton', () => {
  it('App Home shows my items, my queues and what is overdue, without patient tokens', async () => {
    const { itemId } = await claimed('U0TAYLOR');
    const ref = `B-${(await item(itemId))!.seq}`;
    const before = h.fake.views.length;
    const r = await h.event({ type: 'app_home_opened', user: 'U0TAYLOR', channel: 'D0TAYLOR', tab: 'home', event_ts: '1800000000.1' });
    expect(r.status).toBe(200);
    const home = await waitFor(() => h.fake.views.slice(before).find((v) => v.kind === 'publish' && v.user_id === 'U0TAYLOR'), 5_000, 'views.publish');
    const s = JSON.stringify(home.view);
    expect(home.view.type).toBe('home');
    expect(s).toContain('Mine (');
    expect(s).toContain('My queues');
    expect(s).toContain('Overdue (');
    expect(s).toContain(`*${ref}*`);
    expect(s).toContain('Refills');
    expect(s).not.toContain('T.P.');
    expect(h.fake.refused).toEqual([]);
  });

  it('a redelivered event (X-Slack-Retry-Num, same event_id) publishes once', async () => {
    const before = h.fake.views.filter((v) => v.kind === 'publish').length;
    const ev = { type: 'app_home_opened', user: 'U0CHRIS', channel: 'D0CHRIS', tab: 'home', event_ts: '1800000000.2' };
    await h.event(ev, {}, 'EvHOMEONCE');
    await h.event(ev, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }, 'EvHOMEONCE');
    await waitFor(() => h.fake.views.filter((v) => v.kind === 'publish').length > before);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.views.filter((v) => v.kind === 'publish').length).toBe(before + 1);
  });

  it('App Home for an unknown user explains how to get added', async () => {
    const before = h.fake.views.length;
    await h.event({ type: 'app_home_opened', user: 'U0NEWBIE', channel: 'D0NEWBIE', tab: 'home', event_ts: '1800000000.3' });
    const home = await waitFor(() => h.fake.views.slice(before).find((v) => v.user_id === 'U0NEWBIE'));
    expect(JSON.stringify(home.view)).toContain('slackUserId: U0NEWBIE');
  });

  it('/baton mine | queue | stats | help are answered privately', async () => {
    const { itemId } = await claimed('U0TAYLOR');
    const ref = `B-${(await item(itemId))!.seq}`;
    const open = await h.newItem();
    const openRef = `B-${(await item(open.itemId))!.seq}`;
    const ask = async (user: string, words: string) => {
      const r = await h.slash(user, words);
      expect(r.status).toBe(200);
      const [resp] = await waitFor(() => (h.fake.responsesFor(r.tag).length ? h.fake.responsesFor(r.tag) : null));
      expect(resp!.body.response_type).toBe('ephemeral');
      return `${resp!.body.text}\n${JSON.stringify(resp!.body.blocks)}`;
    };
    const mine = await ask('U0TAYLOR', 'mine');
    expect(mine).toContain(`*${ref}*`);
    expect(mine).not.toContain(`*${openRef}*`);
    const queue = await ask('U0TAYLOR', 'queue refills');
    expect(queue).toContain(`*${openRef}*`);
    expect(queue).not.toContain(`*${ref}*`);
    expect(await ask('U0TAYLOR', 'queue billing')).toContain('You do not work the Billing queue');
    expect(await ask('U0TAYLOR', 'stats')).toMatch(/Refills\*: unclaimed \d+ · claimed \d+/);
    expect(await ask('U0TAYLOR', 'help')).toContain('/baton queue &lt;name&gt;');
    expect(await ask('U0NOBODY', 'mine')).toContain('Baton does not know your Slack account (U0NOBODY)');
  });
});

describe('outbound', () => {
  const cardOf = async (itemId: string) => buildCard((await item(itemId))!, { roster: h.ctx.roster, now: h.clock.now(), timezone: h.ctx.sla.calendar.timezone, messageText: 'none', excerptLength: 120 });

  it('a follow-up patient message appears in the card’s thread and the card shows it', async () => {
    const { itemId, card } = await h.newItem({ threadId: 'thread-followup-1' });
    await h.newItem({ threadId: 'thread-followup-1', body: 'Also, the pharmacy says they never got it.' });
    await h.deliver();
    expect((await item(itemId))!.messageCount).toBe(2);
    const now = await h.card(itemId);
    expect(blocksText(now)).toContain('2 messages');
    const notes = h.fake.replies(card.channel, card.ts);
    // Unclaimed work: the follow-up is announced in the channel and pages the queue (no group configured here: its lead).
    const bump = notes.find((m) => /New patient message on B-\d+ \(unclaimed\)/.test(JSON.stringify(m.blocks)));
    expect(bump).toMatchObject({ reply_broadcast: true });
    expect(bump!.text).toMatch(/^<@U0[A-Z]+> New patient message on B-\d+ \(unclaimed\)$/);
    expect(JSON.stringify(notes)).not.toContain('pharmacy says');
  });

  it('a reminder to a staff member is a DM with the card; the notification names no patient', async () => {
    const { itemId } = await claimed('U0TAYLOR');
    await h.adapter.sendDirect(h.ctx.roster.member('taylor-brooks')!, await cardOf(itemId), 'Reminder (level 2): response overdue');
    const dm = h.fake.messages.filter((m) => m.channel === 'D0TAYLOR').at(-1)!;
    expect(dm.text).toMatch(/^Baton reminder: Prescription refill/);
    expect(blocksText(dm)).toContain('Reminder (level 2): response overdue');
    expect(buttons(dm)).toContain('item.release');
  });

  it('an escalation to a physician with no Slack account goes to the pool channel, naming them', async () => {
    const { itemId } = await claimed('U0TAYLOR');
    await h.adapter.sendDirect(h.ctx.roster.member('dr-baker')!, await cardOf(itemId), 'Escalated to you: needs review');
    const post = h.fake.topLevel(POOL_CHANNEL).at(-1)!;
    expect(blocksText(post)).toContain('For Dr. Marcus Baker (no Slack account in Baton');
  });

  it('the daily digest is a DM to the manager', async () => {
    const digest = buildDigest({ items: [(await item((await h.newItem()).itemId))!], now: h.clock.now(), organization: 'Riverside Family Medicine', queues: h.ctx.roster.queues.map((q) => ({ key: q.key, name: q.name })), staffName: (k) => k, physicianMinutesPerMessage: 2.3 });
    await h.adapter.sendDigest(h.ctx.roster.member('morgan-lee')!, digest, 'plain text');
    const dm = h.fake.messages.filter((m) => m.channel === 'D0MORGAN').at(-1)!;
    expect(dm.text).toBe('Baton daily digest — Riverside Family Medicine');
    expect(blocksText(dm)).toContain('Open backlog by age');
    expect(h.fake.refused).toEqual([]);
  });
});

describe('Slack plumbing', () => {
  it('answers Slack’s url_verification challenge', async () => {
    const raw = JSON.stringify({ token: 'legacy', challenge: 'c-123', type: 'url_verification' });
    const r = await h.post(raw, 'application/json', sign(raw));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ challenge: 'c-123' });
  });

  it('is ready once the bot token is accepted', () => {
    expect(h.adapter.connected()).toBe(true);
    expect(h.fake.callsOf('auth.test')).toHaveLength(1);
  });

  it('never logs patient data', () => {
    const all = h.logs.join('\n');
    expect(all).not.toContain(PATIENT_NAME);
    expect(all).not.toContain(BODY_WORDS);
  });
});
