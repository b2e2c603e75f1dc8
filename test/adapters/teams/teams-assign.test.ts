import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { refKeys } from '../../../adapters/teams/conversation-refs.ts';
import { actOnItem } from '../../../src/app/act-on-item.ts';
import type { Roster } from '../../../src/domain/roster.ts';
import { withAssignment } from '../../support/assignment.ts';
import { AAD, CHANNELS, STRANGER_AAD, cardOf, cardText, executeActions, expectValidCard, startTeamsHarness, type TeamsHarness } from './harness.ts';

/**
 * The chat command "next" and auto-assignment DMs, through the real teams-ai app and adapter
 * against the fake Bot Framework connector.
 */

const TAYLOR_CHAT = 'a:taylor-brooks-chat';
const PATIENT = { id: 'pt-teams-aa', name: 'Testa Patientson', mrn: '55501234' };

describe('Teams: next item and auto-assignment', () => {
  let h: TeamsHarness;
  let roster: Roster;
  beforeAll(async () => {
    h = await startTeamsHarness();
    // Teams' user ids learned at install: Jordan is reached by a new 1:1 chat.
    h.fake.members = [{ id: '29:jordan-kim', aadObjectId: AAD['jordan-kim']!, name: 'Jordan Kim' }];
    await h.install();
    roster = h.ctx.roster;
  });
  afterAll(() => h.stop());
  beforeEach(async () => {
    h.ctx.roster = roster;
    for (const i of await h.ctx.store.listItems({ queue: 'refills', states: ['OPEN'], limit: 500 })) {
      await actOnItem(h.ctx, { itemId: i.id, actorKey: 'chris-park', platform: 'teams', command: { type: 'resolve' } });
    }
  });

  const ref = async (itemId: string) => `B-${(await h.ctx.store.findItem(itemId))!.seq}`;
  /** What Baton answered to the last message in a conversation (a reply in the turn). */
  const repliesIn = (conversationId: string, from: number) => h.fake.calls.slice(from).filter((c) => c.op === 'reply' && c.conversationId === conversationId && c.status < 300);
  async function say(activity: Record<string, unknown>, text: string) {
    const before = h.fake.calls.length;
    const r = await h.post({ ...activity, type: 'message', text });
    expect(r.status).toBe(200);
    const conversationId = (activity.conversation as { id: string }).id;
    const [reply] = repliesIn(conversationId, before);
    expect(reply).toBeDefined();
    return reply!.body;
  }

  it('"next" in the person’s chat claims the most urgent, oldest item of their queues and answers with its card, drawn for them', async () => {
    const routine = await h.newItem({ patient: PATIENT });
    await h.newItem();
    const reply = await say(h.inChat(TAYLOR_CHAT, 'taylor-brooks'), 'next');
    const card = reply.attachments?.[0]?.content;
    expectValidCard(card);
    const r = await ref(routine.itemId);
    expect(cardText(card)).toContain(`You claimed ${r} (Refills) with "next".`);
    expect(executeActions(card).map((a) => a.verb)).toContain('item.release');
    expect(executeActions(card).map((a) => a.verb)).not.toContain('item.claim');
    // The notification line is the card's PHI-free fallback.
    expect(reply.summary).toBe(card.fallbackText);
    expect(reply.summary).not.toContain('Patientson');
    expect((await h.ctx.store.findItem(routine.itemId))!).toMatchObject({ state: 'CLAIMED', ownerId: 'taylor-brooks' });
    expect((await h.ctx.store.auditOf(routine.itemId)).at(-1)).toMatchObject({ action: 'item.claim', actor: 'taylor-brooks', platform: 'teams', detail: { via: 'next' } });
  });

  it('the answered card is a copy Baton keeps current: the outbox redraws it, and its buttons work', async () => {
    const { itemId, card } = await h.newItem();
    await say(h.inChat(TAYLOR_CHAT, 'taylor-brooks'), 'next');
    const [copy] = (await h.ctx.store.findConversationRef(refKeys.copies(itemId)) as { copies: Array<{ activityId: string }> }).copies;
    expect(copy).toBeDefined();
    await h.deliver();
    const held = h.fake.messages.get(copy!.activityId)!;
    expect(held.updates).toBeGreaterThan(0);
    expect(cardText(cardOf(held))).toContain('Claimed: Taylor Brooks, MA');
    const r = await h.click('taylor-brooks', held, 'item.release');
    expect(r.status).toBe(200);
    expect((await h.ctx.store.findItem(itemId))!.state).toBe('OPEN');
    await h.deliver();
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).not.toContain('Claimed: Taylor Brooks, MA');
  });

  it('answers nothing waiting, a stranger and a channel plainly', async () => {
    expect((await say(h.inChat(TAYLOR_CHAT, 'taylor-brooks'), 'next')).text).toBe('Nothing is waiting to be claimed in your queues (Refills).');
    const stranger = await say(h.inChat('a:stranger-chat', 'stranger'), 'next');
    expect(stranger.text).toContain('You are not on the Baton roster');
    expect(stranger.text).toContain(`teamsAadId): ${STRANGER_AAD}`);
    // In a channel everyone reads the answer: the item and its queue only, no card.
    const { itemId } = await h.newItem();
    const inChannel = await say(h.inChannel(CHANNELS.refills, 'taylor-brooks'), 'next');
    expect(inChannel.attachments ?? []).toEqual([]);
    expect(inChannel.text).toBe(`You claimed ${await ref(itemId)} (Refills). Its card is in the Refills channel; type "next" in your chat with Baton to get the card there.`);
    expect((await h.ctx.store.findItem(itemId))!.ownerId).toBe('taylor-brooks');
  });

  it('"help" lists next', async () => {
    expect((await say(h.inChat(TAYLOR_CHAT, 'taylor-brooks'), 'help')).text).toContain('Type "next" to claim');
  });

  it('an auto-assignment reaches the assignee in their own 1:1 chat with Baton, "Assigned to you" in the notification line', async () => {
    h.ctx.roster = withAssignment(roster, 'refills', { policy: 'round-robin' }, { members: ['taylor-brooks'] });
    const before = h.fake.calls.length;
    const { itemId } = await h.newItem({ patient: PATIENT });
    const r = await ref(itemId);
    // Taylor's chat is known from her messages above: the DM goes there.
    const sent = h.fake.calls.slice(before).filter((c) => c.op === 'send' && c.conversationId === TAYLOR_CHAT);
    expect(sent).toHaveLength(1);
    const dm = sent[0]!.body;
    expectValidCard(dm.attachments[0].content);
    expect(dm.summary).toMatch(new RegExp(`^Assigned to you: Prescription refill \\(routine\\) in Refills, ${r}: claimed$`));
    expect(dm.summary).not.toContain('Patientson');
    expect(cardText(dm.attachments[0].content)).toContain(`Baton assigned ${r} (Refills, routine) to you. Release it from the card if you cannot take it.`);
    expect(executeActions(dm.attachments[0].content).map((a) => a.verb)).toContain('item.release');
  });

  it('someone Baton has never chatted with gets a new 1:1 chat, opened with their Teams id learned at install', async () => {
    h.ctx.roster = withAssignment(roster, 'refills', { policy: 'round-robin' }, { members: ['jordan-kim'] });
    const before = h.fake.calls.length;
    const { itemId } = await h.newItem();
    const [create] = h.fake.calls.slice(before).filter((c) => c.op === 'create');
    expect(create?.body).toMatchObject({ isGroup: false, members: [{ id: '29:jordan-kim' }] });
    const chat = (await h.ctx.store.findConversationRef(refKeys.user(AAD['jordan-kim']!))) as { conversation: { id: string } };
    const [dm] = h.fake.calls.slice(before).filter((c) => c.op === 'send' && c.conversationId === chat.conversation.id);
    expect(dm!.body.summary).toMatch(/^Assigned to you: /);
    expect(h.fake.cardsIn(chat.conversation.id)).toHaveLength(1);
    expect((await h.ctx.store.findItem(itemId))!.ownerId).toBe('jordan-kim');
  });
});
