import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refKeys } from '../../../adapters/teams/conversation-refs.ts';
import { AAD, CHANNELS, cardOf, cardText, executeActions, expectValidCard, startTeamsHarness, teamsUser, type TeamsHarness } from './harness.ts';
import type { HeldMessage } from './fake-connector.ts';

/** Roster members whose Teams user id (MRI) Baton learns at install; jordan-kim deliberately not. */
const KNOWN = ['dr-alvarez', 'dr-cho', 'morgan-lee', 'chris-park', 'taylor-brooks', 'sam-ortiz'];
/** The card's buttons (its refresh action is not one). */
const verbs = (card: any) => executeActions({ ...card, refresh: undefined }).map((a) => a.verb).sort();

describe('Teams: per-user buttons (Universal Actions refresh)', () => {
  let h: TeamsHarness;
  beforeAll(async () => {
    h = await startTeamsHarness();
    h.fake.members = KNOWN.map((k) => ({ id: `29:${k}`, aadObjectId: AAD[k]!, name: k }));
    await h.install();
  });
  afterAll(() => h.stop());

  /** The invoke Teams sends when a listed user's client shows the card: the card's own refresh action, trigger "automatic". */
  async function refresh(fromKey: string, held: HeldMessage) {
    const r = cardOf(held).refresh;
    if (!r) throw new Error('the card has no refresh');
    const where = held.conversationId.startsWith('19:') ? h.inChannel(held.conversationId.split(';')[0]!, fromKey, held.id) : h.inChat(held.conversationId, fromKey);
    const res = await h.post({ ...where, type: 'invoke', name: 'adaptiveCard/action', replyToId: held.id, value: { action: { ...r.action, id: '' }, trigger: 'automatic' } });
    return { status: res.status, body: res.json, card: res.json?.value };
  }

  it('the channel card lists, by Teams user id, the queue\'s team, its lead and the managers Baton knows, for a refresh', async () => {
    const { itemId, card } = await h.newItem();
    const c = cardOf(card);
    expectValidCard(c);
    expect(c.refresh).toEqual({
      action: { type: 'Action.Execute', title: 'Refresh', verb: 'card.refresh', data: { itemId, version: 1, state: 'OPEN', ownerId: null } },
      // Refills: chris-park (lead), taylor-brooks, jordan-kim (no Teams id learned yet: left out); morgan-lee (manager).
      userIds: ['29:chris-park', '29:taylor-brooks', '29:morgan-lee'],
    });
  });

  it('a refresh answers each person with the card drawn for them, in the invoke only: nothing in Teams changes', async () => {
    const { card } = await h.newItem();
    await h.click('taylor-brooks', card, 'item.claim');
    await h.deliver();
    const shared = h.fake.messages.get(card.id)!;
    // The shared card still has every button of a claimed item, for clients without refresh.
    expect(verbs(cardOf(shared))).toEqual(['item.escalate', 'item.reassign', 'item.release', 'item.resolve', 'item.snooze', 'item.view']);
    const before = h.fake.calls.length;

    const owner = await refresh('taylor-brooks', shared);
    expect(owner.status).toBe(200);
    expect(owner.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expectValidCard(owner.card);
    expect(verbs(owner.card)).toEqual(['item.escalate', 'item.reassign', 'item.release', 'item.resolve', 'item.snooze', 'item.view']);
    // Their view keeps refreshing, with the same list.
    expect(owner.card.refresh.userIds).toEqual(cardOf(shared).refresh.userIds);

    // Another member of the queue: nothing to do on someone else's claimed item but read it.
    const colleague = await refresh('jordan-kim', shared);
    expect(verbs(colleague.card)).toEqual(['item.view']);
    // The lead supervises: everything but Claim.
    const lead = await refresh('chris-park', shared);
    expect(verbs(lead.card)).toEqual(['item.escalate', 'item.reassign', 'item.release', 'item.resolve', 'item.snooze', 'item.view']);

    // No message was sent or replaced: a user-specific view goes to that user's client only.
    expect(h.fake.calls.slice(before)).toEqual([]);
    expect(h.fake.messages.get(card.id)!.activity).toBe(shared.activity);
  });

  it('an unclaimed item: Claim for the team, and no Release for anyone', async () => {
    const { card } = await h.newItem();
    const member = await refresh('taylor-brooks', card);
    expect(verbs(member.card)).toEqual(['item.claim', 'item.escalate', 'item.reassign', 'item.resolve', 'item.snooze', 'item.view']);
    // Someone from another queue who is not a lead or manager cannot claim here.
    const outsider = await refresh('sam-ortiz', card);
    expect(verbs(outsider.card)).toEqual(['item.view']);
  });

  it('someone not on the roster gets the shared card with every button, as today', async () => {
    const { card } = await h.newItem();
    const r = await refresh('stranger', card);
    expect(r.status).toBe(200);
    expect(verbs(r.card)).toEqual(verbs(cardOf(card)));
  });

  it('an escalated item is refreshed for the physicians, the lead and the managers; a physician gets Claim on a pool item, the team does not', async () => {
    const { card } = await h.newItem();
    await h.click('taylor-brooks', card, 'item.escalate', { escalateTo: 'pool', escalateReason: 'Dose question' });
    await h.deliver();
    const shared = h.fake.messages.get(card.id)!;
    expect(cardOf(shared).refresh.userIds).toEqual(['29:dr-alvarez', '29:dr-cho', '29:chris-park', '29:morgan-lee']);
    // The shared card, which the team sees (the MA who escalated included): nothing there for them to press but View message.
    expect(verbs(cardOf(shared))).toEqual(['item.view']);
    const doctor = await refresh('dr-cho', shared);
    expect(verbs(doctor.card)).toEqual(['item.claim', 'item.reassign', 'item.resolve', 'item.return', 'item.view']);
    const ma = await refresh('taylor-brooks', shared);
    expect(verbs(ma.card)).toEqual(['item.view']);
    // The lead's own view keeps the override the shared card leaves out (no Claim: leads are no physicians).
    const lead = await refresh('chris-park', shared);
    expect(verbs(lead.card)).toEqual(['item.reassign', 'item.resolve', 'item.return', 'item.view']);
  });

  it('after escalating, the card in the escalating MA’s answer shows no physician buttons', async () => {
    const { card } = await h.newItem();
    const r = await h.click('taylor-brooks', card, 'item.escalate', { escalateTo: 'dr-cho', escalateReason: 'Dose question' });
    expect(cardText(r.card)).toContain('With a physician: Dr. Grace Cho');
    expect(verbs(r.card)).toEqual(['item.view']);
  });

  it('a snoozed item: Wake now for its owner and the lead, not for a teammate', async () => {
    const { card } = await h.newItem();
    await h.click('taylor-brooks', card, 'item.claim');
    await h.deliver();
    await h.click('taylor-brooks', h.fake.messages.get(card.id)!, 'item.snooze', { snoozeFor: '60', snoozeReason: 'Waiting on the patient' });
    await h.deliver();
    const shared = h.fake.messages.get(card.id)!;
    expect(verbs(cardOf(shared))).toEqual(['item.view', 'item.wake']);
    expect(verbs((await refresh('taylor-brooks', shared)).card)).toEqual(['item.view', 'item.wake']);
    expect(verbs((await refresh('chris-park', shared)).card)).toEqual(['item.view', 'item.wake']);
    expect(verbs((await refresh('jordan-kim', shared)).card)).toEqual(['item.view']);
  });

  it('the in-turn answer to a click carries the refresh list, so the others\' views follow the new state', async () => {
    const { card } = await h.newItem();
    // Any activity from Jordan Kim (here, her client's refresh) tells Baton her Teams user id.
    await refresh('jordan-kim', card);
    const r = await h.click('taylor-brooks', card, 'item.claim');
    expect(r.card.refresh.userIds).toEqual(['29:chris-park', '29:taylor-brooks', '29:jordan-kim', '29:morgan-lee']);
    expect(r.card.refresh.action.data.version).toBe(2);
    // A refusal is private and carries no refresh: the clicker's client would replace the notice at once.
    const denied = await h.click('sam-ortiz', card, 'item.resolve');
    expect(cardText(denied.card)).toContain('You are not allowed');
    expect(denied.card.refresh).toBeUndefined();
  });

  it('a refresh for an item that no longer exists says so', async () => {
    const { card } = await h.newItem();
    const held = { ...card, activity: structuredClone(card.activity) };
    cardOf(held).refresh.action.data.itemId = '00000000-0000-4000-8000-000000000000';
    const r = await refresh('taylor-brooks', held);
    expect(r.status).toBe(200);
    expect(cardText(r.card)).toBe('That item no longer exists.');
  });
});

describe('Teams: refresh list limit', () => {
  let h: TeamsHarness;
  afterAll(() => h?.stop());

  it('past 60 people, the card has no refresh: everyone sees the shared card', async () => {
    // Refills with 58 more clickers: 61 team members, lead and manager, all with Teams ids.
    h = await startTeamsHarness({ extraRefills: 58 });
    await h.install();
    const refills = h.ctx.roster.queue('refills')!;
    for (const k of [...refills.members, 'morgan-lee']) {
      await h.ctx.store.saveConversationRef(refKeys.member(AAD[k]!), 'teams', { id: teamsUser(k).id, aadObjectId: AAD[k]! }, h.clock.now());
    }
    const { card } = await h.newItem();
    expect(card.conversationId).toBe(CHANNELS.refills);
    expect(cardOf(card).refresh).toBeUndefined();
    expect(verbs(cardOf(card))).toContain('item.claim');
  });
});
