import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnItem } from '../../../src/app/act-on-item.ts';
import { cardOf, cardText, CHANNELS, startTeamsHarness, type TeamsHarness } from './harness.ts';

/** "away …" typed in a person's chat with Baton, through teams-ai against the fake connector (fixed clock: Tue 1 Dec 2026, 09:00 Chicago). */

let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
  await h.install(); // Baton learns the team's channels (and where to post each queue's cards)
});
afterAll(async () => {
  await h?.stop();
});

/** Sends `text` as `fromKey` in their 1:1 chat (or `where`) and returns Baton's answer there. */
async function say(fromKey: string, text: string, where: Record<string, any> = h.inChat(`a:chat-${fromKey}`, fromKey)) {
  const before = h.fake.calls.length;
  const r = await h.post({ ...where, type: 'message', text });
  expect(r.status).toBe(200);
  const reply = h.fake.calls.slice(before).find((c) => (c.op === 'reply' || c.op === 'send') && c.conversationId === where.conversation.id);
  return reply?.body as { text: string; textFormat?: string } | undefined;
}

describe('Teams chat: away', () => {
  it('sets you away with a cover; your claimed item goes to them and its Teams card says so', async () => {
    const { itemId, card } = await h.newItem();
    await actOnItem(h.ctx, { itemId, actorKey: 'taylor-brooks', platform: 'teams', command: { type: 'claim' } });
    await h.deliver();
    const reply = await say('taylor-brooks', 'away until fri cover Jordan Kim');
    expect(reply?.textFormat).toBe('plain');
    expect(reply?.text).toContain('You are now away until Fri 4 Dec, 00:00 CST, Jordan Kim, RN covering.');
    expect(reply?.text).toContain('Open items handed over: 1 to Jordan Kim, RN.');
    expect(await h.ctx.store.findItem(itemId)).toMatchObject({ ownerId: 'jordan-kim', coveringFor: 'taylor-brooks' });
    await h.deliver();
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).toContain('Claimed: Jordan Kim, RN (covering for Taylor Brooks, MA)');
    expect((await say('taylor-brooks', 'Away'))?.text).toContain('You are away until Fri 4 Dec, 00:00 CST, Jordan Kim, RN covering.');
    expect((await say('taylor-brooks', 'away off'))?.text).toContain('You are back');
  });

  it('answers a bad command with each problem, and a refusal plainly', async () => {
    const bad = await say('jordan-kim', 'away until 2026-11-30 cover nobody');
    expect(bad?.text).toBe([
      'Nothing was changed:',
      '- until: Mon 30 Nov, 00:00 CST is in the past',
      '- cover: nobody called “nobody” is on the Baton roster',
      'For example: away until fri cover Dr. Baker · away off',
    ].join('\n'));
    const refused = await say('sam-ortiz', 'away until fri for dana reyes');
    expect(refused?.text).toMatch(/^Nothing was changed\. You may set away only for yourself/);
    expect(await h.ctx.store.awayPeriods({ after: h.clock.now() })).toEqual([]);
  });

  it('stays in the personal chat: in a channel it says where to send it, and strangers are told how to get on the roster', async () => {
    const inChannel = await say('dana-reyes', 'away until fri', h.inChannel(CHANNELS.nursing, 'dana-reyes'));
    expect(inChannel?.text).toBe('Send "away" in your personal chat with Baton, so the answer stays yours.');
    expect(await h.ctx.store.awayPeriods({ after: h.clock.now(), staffKey: 'dana-reyes' })).toEqual([]);
    expect((await say('stranger', 'away until fri'))?.text).toMatch(/^You are not on Baton's roster\. .*teamsAadId: 0a1b2c3d-0099/);
    expect((await say('dana-reyes', 'help'))?.text).toContain('Away: in this chat, "away until fri"');
  });
});
