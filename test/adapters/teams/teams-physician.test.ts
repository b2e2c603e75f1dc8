import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refKeys } from '../../../adapters/teams/conversation-refs.ts';
import { AAD, CHANNELS, POOL_CHANNEL, cardOf, cardText, executeActions, expectValidCard, startTeamsHarness, type TeamsHarness } from './harness.ts';
import type { HeldMessage } from './fake-connector.ts';

describe('Teams: physicians', () => {
  let h: TeamsHarness;
  beforeAll(async () => {
    h = await startTeamsHarness();
    h.fake.members = [{ id: '29:dr-cho', aadObjectId: AAD['dr-cho']!, name: 'Grace Cho' }];
    await h.install();
  });
  afterAll(() => h.stop());

  /** The newest card Baton sent into a 1:1 chat. */
  const latestDm = (conversationId: string): HeldMessage => h.fake.cardsIn(conversationId).at(-1)!;

  async function escalatedToCho(reason: string) {
    const { itemId, card } = await h.newItem();
    const r = await h.click('taylor-brooks', card, 'item.escalate', { escalateTo: 'dr-cho', escalateReason: reason });
    expect(cardText(r.card)).toContain('With a physician: Dr. Grace Cho');
    await h.deliver();
    const chat = (await h.ctx.store.findConversationRef(refKeys.user(AAD['dr-cho']!))) as { conversation: { id: string } } | null;
    if (!chat) throw new Error('no chat with dr-cho was stored');
    return { itemId, card, chatId: chat.conversation.id };
  }

  it('escalating creates the physician\'s 1:1 chat and sends the card with the reason and the physician actions', async () => {
    const creates = h.fake.ok('create').length;
    const { itemId, chatId } = await escalatedToCho('Asking for 90 days instead of 30; outside protocol');
    const create = h.fake.ok('create').slice(creates)[0]!;
    // Teams' user id learned at install, in the tenant Baton was installed in.
    expect(create.body).toMatchObject({ isGroup: false, bot: { id: '28:baton-test-bot' }, members: [{ id: '29:dr-cho' }], tenantId: expect.any(String) });
    const dm = latestDm(chatId);
    const c = cardOf(dm);
    expectValidCard(c);
    expect(cardText(c)).toContain('Escalated to you: Asking for 90 days instead of 30; outside protocol');
    expect(executeActions(c).map((a) => a.verb).sort()).toEqual(['item.reassign', 'item.resolve', 'item.return', 'item.view']);
    // The notification line says what kind of item it is, not the reason or anything about the patient.
    expect(dm.activity.summary).toBe(c.fallbackText);
    expect(dm.activity.summary).not.toContain('90 days');
    expect(executeActions(c)[0].data.itemId).toBe(itemId);
  });

  it('a second escalation reuses the chat instead of creating another', async () => {
    await escalatedToCho('first');
    const creates = h.fake.ok('create').length;
    await escalatedToCho('second');
    expect(h.fake.ok('create')).toHaveLength(creates);
  });

  it('the physician resolves from the DM: the DM card and the channel card both show it resolved', async () => {
    const { itemId, card, chatId } = await escalatedToCho('Dose question');
    const dm = latestDm(chatId);
    const r = await h.click('dr-cho', dm, 'item.resolve', { resolveNote: 'Called pharmacy' });
    expect(r.status).toBe(200);
    expectValidCard(r.card);
    expect(cardText(r.card)).toContain('Resolved: Dr. Grace Cho');
    expect(cardText(cardOf(h.fake.messages.get(dm.id)!))).toContain('Resolved'); // replaced in the turn, for the chat
    await h.deliver();
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).toContain('Resolved: Dr. Grace Cho');
    expect((await h.ctx.store.auditOf(itemId)).at(-1)).toMatchObject({ action: 'item.resolve', actor: 'dr-cho', platform: 'teams', reason: 'Called pharmacy' });
  });

  it('the physician returns it to the team with instructions: the thread says so, the instructions go to the one it returns to', async () => {
    const { itemId, card, chatId } = await escalatedToCho('Needs a decision');
    const r = await h.click('dr-cho', latestDm(chatId), 'item.return', { returnInstructions: 'Approve 30 days and book a visit' });
    expect(cardText(r.card)).toContain('Claimed: Taylor Brooks, MA');
    await h.deliver();
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).toContain('Claimed: Taylor Brooks, MA');
    const note = h.fake.messagesIn(CHANNELS.refills).filter((m) => m.conversationId.endsWith(`messageid=${card.id}`)).at(-1);
    expect(note?.activity.text).toBe('Returned to the team by Dr. Grace Cho (to Taylor Brooks, MA) — instructions recorded');
    expect((await h.ctx.store.findItem(itemId))!.state).toBe('CLAIMED');
    const toTaylor = [...h.fake.messages.values()].filter((m) => cardText(cardOf(m)).includes('Returned to you by Dr. Grace Cho: Approve 30 days and book a visit'));
    expect(toTaylor.length).toBe(1);
    expect(toTaylor[0]!.conversationId.startsWith('19:')).toBe(false); // Taylor's own chat, not a channel
  });

  it('hands to another physician: a chat is opened with them from their AAD id when Baton has never seen them', async () => {
    const { itemId, chatId } = await escalatedToCho('Second opinion');
    const creates = h.fake.ok('create').length;
    await h.click('dr-cho', latestDm(chatId), 'item.reassign', { handTo: 'dr-alvarez' });
    await h.deliver();
    expect((await h.ctx.store.findItem(itemId))!.ownerId).toBe('dr-alvarez');
    const create = h.fake.ok('create').slice(creates)[0]!;
    expect(create.body.members).toEqual([{ id: AAD['dr-alvarez'] }]);
    const alvarez = (await h.ctx.store.findConversationRef(refKeys.user(AAD['dr-alvarez']!))) as { conversation: { id: string } };
    expect(cardText(cardOf(latestDm(alvarez.conversation.id)))).toContain('With a physician: Dr. Elena Alvarez');
    // Dr. Cho's copy is refreshed too: she sees it moved on.
    expect(cardText(cardOf(h.fake.messages.get(latestDm(chatId).id)!))).toContain('Dr. Elena Alvarez');
  });

  it('a physician who is not the assignee cannot resolve it; the refusal is private and audited', async () => {
    const { itemId, card, chatId } = await escalatedToCho('Dose');
    // The team's shared channel card offers nobody there an escalated item's actions: only View message.
    expect(executeActions({ ...cardOf(h.fake.messages.get(card.id)!), refresh: undefined }).map((a) => a.verb)).toEqual(['item.view']);
    // A click sent from a card that is not theirs (Dr. Cho's copy, forwarded) is still judged against the roster.
    const r = await h.click('dr-alvarez', latestDm(chatId), 'item.resolve');
    expect(cardText(r.card)).toContain('You are not allowed to resolve this item.');
    expect((await h.ctx.store.findItem(itemId))!.state).toBe('ESCALATED');
    expect((await h.ctx.store.auditOf(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: 'dr-alvarez', detail: { code: 'item.not_authorized' } });
  });

  it('an escalation to the pool is posted in the physician pool channel, where any physician can take it', async () => {
    const { itemId, card } = await h.newItem();
    await h.click('taylor-brooks', card, 'item.escalate', { escalateTo: 'pool', escalateReason: 'Any physician please' });
    await h.deliver();
    const pool = h.fake.cardsIn(POOL_CHANNEL).at(-1)!;
    expect(cardText(cardOf(pool))).toContain('Escalated to you: Any physician please');
    const r = await h.click('dr-alvarez', pool, 'item.claim');
    expect(cardText(r.card)).toContain('With a physician: Dr. Elena Alvarez');
    await h.deliver();
    expect((await h.ctx.store.findItem(itemId))!.ownerId).toBe('dr-alvarez');
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).toContain('Dr. Elena Alvarez');
  });

  it('a physician with no Teams account on the roster is reached through the pool channel, with their name', async () => {
    const { card } = await h.newItem();
    await h.click('taylor-brooks', card, 'item.escalate', { escalateTo: 'dr-baker', escalateReason: 'Cardiology question' });
    await h.deliver();
    const pool = h.fake.cardsIn(POOL_CHANNEL).at(-1)!;
    expect(cardText(cardOf(pool))).toContain('For Dr. Marcus Baker: Escalated to you: Cardiology question');
    expect(h.logs.join('')).toContain('physician has no teamsAadId');
  });
});
