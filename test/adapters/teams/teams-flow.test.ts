import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { actOnItem } from '../../../src/app/act-on-item.ts';
import { refKeys } from '../../../adapters/teams/conversation-refs.ts';
import { AAD, CHANNELS, STRANGER_AAD, TEAM, TENANT, cardOf, cardText, executeActions, expectValidCard, startTeamsHarness, teamsUser, type TeamsHarness } from './harness.ts';

/** Every card Baton sent to the connector (posts, replies, updates) is a valid Adaptive Card. */
function expectEverySentCardValid(h: TeamsHarness) {
  for (const c of h.fake.calls) {
    for (const att of c.body?.attachments ?? []) {
      expect(att.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expectValidCard(att.content);
    }
  }
}

describe('Teams: channels and cards', () => {
  let h: TeamsHarness;
  beforeAll(async () => {
    h = await startTeamsHarness({ platforms: ['teams', 'slack'], options: { tenantId: TENANT } });
    h.fake.members = [
      { id: '29:dr-cho', aadObjectId: AAD['dr-cho']!, name: 'Grace Cho' },
      { id: '29:someone-else', aadObjectId: '0a1b2c3d-0077-4000-8000-000000000077', name: 'Not on the roster' },
    ];
    await h.install();
  });
  afterAll(() => h.stop());
  afterEach(() => expectEverySentCardValid(h));

  it('install stores the channel and the tenant endpoint, learns roster members\' Teams ids, and tells IT the channel id', async () => {
    const store = h.ctx.store;
    expect(await store.findConversationRef(refKeys.channel(TEAM))).toMatchObject({ serviceUrl: h.fake.url, conversation: { id: TEAM, conversationType: 'channel' } });
    expect(await store.findConversationRef(refKeys.service)).toMatchObject({ serviceUrl: h.fake.url, bot: { id: '28:baton-test-bot' } });
    expect(await store.findConversationRef(refKeys.member(AAD['dr-cho']!))).toEqual({ id: '29:dr-cho', aadObjectId: AAD['dr-cho'] });
    // Only roster members are remembered.
    expect(await store.findConversationRef(refKeys.member('0a1b2c3d-0077-4000-8000-000000000077'))).toBeNull();
    const welcome = h.fake.calls.find((c) => c.op === 'reply' && c.conversationId === TEAM);
    expect(welcome?.body.text).toContain(`This channel's id: ${TEAM}`);
  });

  it('posts a new item as an Adaptive Card into its queue channel, once, with no patient data in the notification text', async () => {
    const { itemId, card } = await h.newItem();
    expect(card.conversationId).toBe(CHANNELS.refills);
    const cardsOfItem = () => h.fake.cardsIn(CHANNELS.refills).filter((m) => executeActions(cardOf(m))[0]?.data.itemId === itemId);
    expect(cardsOfItem()).toHaveLength(1);
    const c = cardOf(card);
    expectValidCard(c);
    expect(c.version).toBe('1.5');
    expect(card.activity.summary).toBe(c.fallbackText);
    expect(card.activity.summary).not.toMatch(/Testa|Patientson|55501234|blood pressure/);
    expect(cardText(c)).not.toMatch(/Testa|Patientson|blood pressure/); // message text is not on the channel card by default
    expect(cardText(c)).toContain('T.P. …1234'); // the patient token
    // Buttons are Universal Actions whose verbs are the command names, carrying the item and its version.
    const claim = executeActions(c).find((a) => a.verb === 'item.claim');
    expect(claim).toMatchObject({ type: 'Action.Execute', data: { itemId, version: 1 }, fallback: { type: 'Action.Submit', data: { verb: 'item.claim', itemId } } });
    // Delivering again posts nothing new.
    await h.deliver();
    expect(cardsOfItem()).toHaveLength(1);
  });

  it('claim answers the invoke with the updated card, replaces the card for everyone, audits, and notes it in the thread', async () => {
    const { itemId, card } = await h.newItem();
    const putsBefore = h.fake.ok('update').length;
    const r = await h.click('taylor-brooks', card, 'item.claim');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expectValidCard(r.card);
    expect(cardText(r.card)).toContain('Claimed: Taylor Brooks, MA');
    expect(executeActions(r.card).map((a) => a.verb)).toContain('item.release');
    // REPLACE_FOR_ALL: the message itself was updated in the same turn, so every member sees it.
    const put = h.fake.ok('update').slice(putsBefore)[0]!;
    expect(put.activityId).toBe(card.id);
    expect(put.conversationId).toBe(`${CHANNELS.refills};messageid=${card.id}`);
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).toContain('Claimed: Taylor Brooks, MA');
    const trail = await h.ctx.store.auditOf(itemId);
    expect(trail.at(-1)).toMatchObject({ action: 'item.claim', actor: 'taylor-brooks', platform: 'teams', fromState: 'OPEN', toState: 'CLAIMED' });
    await h.deliver();
    const note = h.fake.messagesIn(CHANNELS.refills).find((m) => m.conversationId === `${CHANNELS.refills};messageid=${card.id}`);
    expect(note?.activity.text).toBe('Claimed by Taylor Brooks, MA');
  });

  it('two people claiming at once: one owner; the other alone sees "already claimed by …", and the refusal is audited', async () => {
    const { itemId, card } = await h.newItem();
    const putsBefore = h.fake.ok('update').length;
    const [a, b] = await Promise.all([h.click('taylor-brooks', card, 'item.claim'), h.click('chris-park', card, 'item.claim')]);
    const item = (await h.ctx.store.findItem(itemId))!;
    expect(['taylor-brooks', 'chris-park']).toContain(item.ownerId);
    const [win, lose] = item.ownerId === 'taylor-brooks' ? [a, b] : [b, a];
    const winner = item.ownerId === 'taylor-brooks' ? 'Taylor Brooks, MA' : 'Chris Park, MA';
    expect(cardText(win.card)).toContain(`Claimed: ${winner}`);
    expect(cardText(lose.card)).toContain(`Already claimed by ${winner}.`);
    expectValidCard(lose.card);
    // Only the winner's click replaced the shared card; the loser's answer went to them alone.
    expect(h.fake.ok('update').slice(putsBefore)).toHaveLength(1);
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).not.toContain('Already claimed');
    const loser = item.ownerId === 'taylor-brooks' ? 'chris-park' : 'taylor-brooks';
    expect((await h.ctx.store.auditOf(itemId)).filter((e) => e.action === 'item.denied')).toMatchObject([
      { actor: loser, platform: 'teams', detail: { command: 'claim', code: 'item.already_claimed' } },
    ]);
  });

  it('refuses someone who is not on the roster, privately, tells them the id to give their manager, and audits it', async () => {
    const { itemId, card } = await h.newItem();
    const putsBefore = h.fake.ok('update').length;
    const r = await h.click('stranger', card, 'item.claim');
    expect(r.status).toBe(200);
    expectValidCard(r.card);
    expect(cardText(r.card)).toContain('You are not on the Baton roster');
    expect(cardText(r.card)).toContain(STRANGER_AAD);
    expect(h.fake.ok('update').length).toBe(putsBefore);
    expect((await h.ctx.store.findItem(itemId))!.state).toBe('OPEN');
    expect((await h.ctx.store.auditOf(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: `unknown:${STRANGER_AAD}`, platform: 'teams' });
  });

  it('refuses a staff member outside the queue and audits the attempt', async () => {
    const { itemId, card } = await h.newItem();
    const r = await h.click('jo-adams', card, 'item.claim');
    expect(cardText(r.card)).toContain('You are not allowed to claim items in this queue');
    expect((await h.ctx.store.auditOf(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: 'jo-adams', detail: { code: 'item.not_authorized' } });
  });

  it('"View message" shows the patient\'s words to the clicker only and audits the view', async () => {
    const { itemId, card } = await h.newItem({ body: 'My feet are swelling since the new pills.' });
    const putsBefore = h.fake.ok('update').length;
    const r = await h.click('jordan-kim', card, 'item.view');
    expectValidCard(r.card);
    expect(cardText(r.card)).toContain('My feet are swelling since the new pills.');
    expect(cardText(r.card)).toContain('Only you can see this');
    expect(h.fake.ok('update').length).toBe(putsBefore);
    expect(JSON.stringify(cardOf(h.fake.messages.get(card.id)!))).not.toContain('swelling');
    expect((await h.ctx.store.auditOf(itemId)).at(-1)).toMatchObject({ action: 'item.view', actor: 'jordan-kim', platform: 'teams' });
    expect(h.logs.join('')).not.toContain('swelling');
  });

  it('snoozes and reassigns with the inputs typed into the card', async () => {
    const { itemId, card } = await h.newItem();
    const r = await h.click('chris-park', card, 'item.reassign', { reassignTo: 'jordan-kim' });
    expect(cardText(r.card)).toContain('Claimed: Jordan Kim, RN');
    const updated = { ...card, activity: h.fake.messages.get(card.id)!.activity };
    const s = await h.click('jordan-kim', updated, 'item.snooze', { snoozeFor: '240', snoozeReason: 'pharmacy callback' });
    expect(cardText(s.card)).toContain('Snoozed');
    const item = (await h.ctx.store.findItem(itemId))!;
    expect(item.state).toBe('SNOOZED');
    expect(item.snoozedUntil!.getTime() - h.clock.now().getTime()).toBe(240 * 60_000);
    expect((await h.ctx.store.auditOf(itemId)).at(-1)).toMatchObject({ action: 'item.snooze', reason: 'pharmacy callback' });
  });

  it('Wake now: the snoozed card says until when, and the owner’s Action.Execute puts the item back in their hands, audited, the card redrawn', async () => {
    const { itemId, card } = await h.newItem();
    await h.click('jordan-kim', card, 'item.claim');
    const s = await h.click('jordan-kim', { ...card, activity: h.fake.messages.get(card.id)!.activity }, 'item.snooze', { snoozeFor: '60', snoozeReason: 'Waiting on the patient' });
    // In the organisation's zone; the reason is staff free text: recorded, not shown to the channel.
    expect(cardText(s.card)).toMatch(/Snoozed until \w{3} \d+ Dec, \d\d:\d\d CST — reason recorded/);
    expect(cardText(s.card)).not.toContain('Waiting on the patient');
    expect(executeActions(s.card).map((a) => a.verb)).toContain('item.wake');
    const w = await h.click('jordan-kim', { ...card, activity: h.fake.messages.get(card.id)!.activity }, 'item.wake');
    expect(cardText(w.card)).toContain('Claimed: Jordan Kim, RN');
    expect(cardText(w.card)).not.toContain('Snoozed until');
    expect(await h.ctx.store.findItem(itemId)).toMatchObject({ state: 'CLAIMED', ownerId: 'jordan-kim', snoozedUntil: null });
    expect((await h.ctx.store.auditOf(itemId)).at(-1)).toMatchObject({ action: 'item.wake', actor: 'jordan-kim', platform: 'teams', fromState: 'SNOOZED', toState: 'CLAIMED' });
    await h.deliver();
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).toContain('Claimed: Jordan Kim, RN');
    expect(h.fake.messagesIn(CHANNELS.refills).some((m) => m.conversationId.endsWith(`messageid=${card.id}`) && m.activity.text === 'Woken by Jordan Kim, RN: back to work')).toBe(true);
  });

  it('an escalation without a reason is refused with the domain\'s message (and audited)', async () => {
    const { itemId, card } = await h.newItem();
    const r = await h.click('taylor-brooks', card, 'item.escalate', { escalateTo: 'pool', escalateReason: '  ' });
    expect(cardText(r.card)).toContain('Give the physician a reason for the escalation.');
    expect((await h.ctx.store.auditOf(itemId)).at(-1)).toMatchObject({ action: 'item.denied', detail: { code: 'item.reason_required' } });
  });

  it('handles the Action.Submit fallback of older clients: the claim lands and the card is updated in place', async () => {
    const { itemId, card } = await h.newItem();
    const r = await h.post({
      ...h.inChannel(CHANNELS.refills, 'taylor-brooks', card.id),
      type: 'message',
      replyToId: card.id,
      value: { verb: 'item.claim', itemId, version: 1 },
    });
    expect(r.status).toBe(200);
    expect((await h.ctx.store.findItem(itemId))!.ownerId).toBe('taylor-brooks');
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).toContain('Claimed: Taylor Brooks, MA');
  });

  it('an item claimed on another platform updates its Teams card', async () => {
    const { itemId, card } = await h.newItem();
    const r = await actOnItem(h.ctx, { itemId, actorKey: 'chris-park', platform: 'slack', command: { type: 'claim' } });
    expect(r.ok).toBe(true);
    await h.deliver();
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).toContain('Claimed: Chris Park, MA');
    expect(h.fake.messagesIn(CHANNELS.refills).some((m) => m.conversationId.endsWith(`messageid=${card.id}`) && m.activity.text === 'Claimed by Chris Park, MA')).toBe(true);
  });

  it('"setup" in a channel stores that channel and answers with its id and queue', async () => {
    const r = await h.post({ ...h.inChannel(CHANNELS.nursing, 'dana-reyes'), type: 'message', text: '<at>Baton</at> setup', entities: [{ type: 'mention', text: '<at>Baton</at>', mentioned: { id: '28:baton-test-bot', name: 'Baton' } }] });
    expect(r.status).toBe(200);
    expect(await h.ctx.store.findConversationRef(refKeys.channel(CHANNELS.nursing))).toMatchObject({ conversation: { id: CHANNELS.nursing } });
    const reply = h.fake.calls.filter((c) => c.op === 'reply' && c.conversationId === CHANNELS.nursing).at(-1);
    expect(reply?.body.text).toContain(`This channel's id: ${CHANNELS.nursing}`);
    expect(reply?.body.text).toContain('Queue cards posted here: Nursing (nursing)');
    expect(reply?.body.text).toContain('You are Dana Reyes, RN (dana-reyes)');
  });

  it('answers an unknown item with a private notice, not an error', async () => {
    const { card } = await h.newItem();
    const forged = { ...card, activity: JSON.parse(JSON.stringify(card.activity).replaceAll(/"itemId":"[^"]+"/g, '"itemId":"no-such-item"')) };
    const r = await h.click('taylor-brooks', forged, 'item.claim');
    expect(r.status).toBe(200);
    expectValidCard(r.card);
    expect(cardText(r.card)).toContain('That item no longer exists.');
  });

  it('activity from another tenant never changes where Baton posts', async () => {
    const other = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const foreign = h.inChannel('19:elsewhere@thread.tacv2', 'priya-shah');
    const r = await h.post({ ...foreign, conversation: { ...foreign.conversation, tenantId: other }, channelData: { ...foreign.channelData, tenant: { id: other } }, type: 'message', text: 'help' });
    expect(r.status).toBe(200);
    expect(await h.ctx.store.findConversationRef(refKeys.service)).toMatchObject({ tenantId: TENANT });
    expect(await h.ctx.store.findConversationRef(refKeys.channel('19:elsewhere@thread.tacv2'))).toBeNull();
  });

  it('keeps the user id of people who click, for direct messages later', async () => {
    expect(await h.ctx.store.findConversationRef(refKeys.member(AAD['taylor-brooks']!))).toEqual({ id: teamsUser('taylor-brooks').id, aadObjectId: AAD['taylor-brooks'] });
  });
});
