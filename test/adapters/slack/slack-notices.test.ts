import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mentionMarkup } from '../../../adapters/slack/blocks.ts';
import type { Mention } from '../../../src/app/chat-adapter.ts';
import { cardForItem } from '../../../src/app/item-card.ts';
import { phiFixtures, PhiScanner } from '../../support/phi-scan.ts';
import { CHANNELS, startHarness, type Harness } from './harness.ts';

/**
 * Notices that reach people, through the real adapter against the fake Slack Web API: who a
 * call pages (user group, else the lead, plus the people named), and that the notification line
 * — the top-level `text`, which Slack shows on lock screens — carries no patient data.
 */

const GROUP = 'S0NURSES';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ roster: { userGroups: { nursing: GROUP } } });
});
afterAll(async () => {
  await h?.stop();
});

const PATIENT = { id: 'pt-77', name: 'Testa Patientson', mrn: '55507777', pcp: 'dr-cho' };
const RED_FLAG = { patient: PATIENT, subject: 'Chest', body: 'I have crushing chest pain since this morning and my left arm feels numb.' };
const staff = (key: string) => h.ctx.roster.member(key)!;
const cardOf = async (itemId: string) => cardForItem(h.ctx, (await h.ctx.store.findItem(itemId))!);
const postOf = (ts: string) => h.fake.callsOf('chat.postMessage').find((c) => c.result?.ts === ts)!;
const mention = (queue: string | null, fallback: string[], people: string[] = []): Mention => ({ queue, fallback: fallback.map(staff), people: people.map(staff) });

/** The notification line is patient-free: no fixture name, MRN, subject or message words. */
function expectNoPhi(text: string) {
  expect(text).not.toContain(PATIENT.name);
  expect(text).not.toContain(PATIENT.mrn);
  expect(text).not.toContain('chest pain since');
  expect(new PhiScanner(phiFixtures()).scanText(text)).toEqual([]);
}

describe('a new red-flag card', () => {
  it('pages the queue’s user group: <!subteam^…> starts the notification text and the first block', async () => {
    const { itemId } = await h.newItem(RED_FLAG);
    const card = await cardOf(itemId);
    expect(card.fallbackText).toMatch(/^RED FLAG: Urgent clinical \(red flag\) \(\w+\) in Nursing, B-\d+: unclaimed$/);
    const ref = await h.adapter.postCard(card, { mention: mention('nursing', ['dana-reyes']) });
    const call = postOf(ref.messageId);
    expect(call.params.channel).toBe(CHANNELS.nursing);
    expect(call.params.text).toBe(`<!subteam^${GROUP}> ${card.fallbackText}`);
    expect(call.params.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(call.params.blocks[0].text.text).toContain(`<!subteam^${GROUP}>`);
    // With a group, the lead is not paged on top of it.
    expect(JSON.stringify(call.params)).not.toContain('<@U0DANA>');
    expect(h.fake.refused).toEqual([]);
    expectNoPhi(call.params.text);
  });

  it('without a slackUserGroup, pages the fallback (the lead) by <@U…>, and names a person without a Slack id in plain text', async () => {
    const { itemId } = await h.newItem({ patient: PATIENT });
    const card = await cardOf(itemId);
    expect(card.queue.key).toBe('refills');
    const ref = await h.adapter.postCard(card, { mention: mention('refills', ['chris-park'], ['dr-baker']) });
    const text = postOf(ref.messageId).params.text as string;
    expect(text).toBe(`<@U0CHRIS> ${staff('dr-baker').name} ${card.fallbackText}`);
    expect(text).not.toContain('subteam');
    expectNoPhi(text);
  });

  it('a card posted without a mention pages nobody', async () => {
    const { itemId } = await h.newItem(RED_FLAG);
    const ref = await h.adapter.postCard(await cardOf(itemId));
    const call = postOf(ref.messageId);
    expect(call.params.text).toMatch(/^RED FLAG: /);
    expect(JSON.stringify(call.params.blocks)).not.toMatch(/<!subteam|<@U/);
  });
});

describe('thread notices', () => {
  const REMINDER = 'Reminder for Nursing: B-7 (stat, red flag): unclaimed, 20m past target';

  it('a broadcast notice is chat.postMessage with thread_ts and reply_broadcast=true, the group mention first', async () => {
    const { itemId, card } = await h.newItem(RED_FLAG);
    const ref = (await h.ctx.store.findPlatformPost(itemId, 'slack', 'card'))!;
    const before = h.fake.callsOf('chat.postMessage').length;
    await h.adapter.postThreadNote(ref, REMINDER, { broadcast: true, mention: mention('nursing', ['dana-reyes']) });
    const [call] = h.fake.callsOf('chat.postMessage').slice(before);
    expect(call!.params).toMatchObject({ channel: card.channel, thread_ts: card.ts, reply_broadcast: 'true' });
    expect(call!.params.text).toBe(`<!subteam^${GROUP}> ${REMINDER}`);
    expect(call!.params.blocks[0].text.text).toBe(`<!subteam^${GROUP}> ${REMINDER}`);
    expect(h.fake.replies(card.channel, card.ts).at(-1)!.reply_broadcast).toBe(true);
    expectNoPhi(call!.params.text);
  });

  it('without a group, a broadcast pages the lead and the owner by <@U…>', async () => {
    const { itemId, card } = await h.newItem({ patient: PATIENT });
    const ref = (await h.ctx.store.findPlatformPost(itemId, 'slack', 'card'))!;
    const before = h.fake.callsOf('chat.postMessage').length;
    await h.adapter.postThreadNote(ref, 'Reminder for Refills: B-8 (routine): no response, 2h past target', { broadcast: true, mention: mention('refills', ['chris-park'], ['taylor-brooks']) });
    const [call] = h.fake.callsOf('chat.postMessage').slice(before);
    expect(call!.params).toMatchObject({ thread_ts: card.ts, reply_broadcast: 'true' });
    expect(call!.params.text).toBe('<@U0CHRIS> <@U0TAYLOR> Reminder for Refills: B-8 (routine): no response, 2h past target');
  });

  it('a plain note stays in the thread: no reply_broadcast, no mention, a generic notification text', async () => {
    const { itemId, card } = await h.newItem({ patient: PATIENT });
    const ref = (await h.ctx.store.findPlatformPost(itemId, 'slack', 'card'))!;
    const before = h.fake.callsOf('chat.postMessage').length;
    await h.adapter.postThreadNote(ref, 'Claimed by Taylor Brooks, MA');
    const [call] = h.fake.callsOf('chat.postMessage').slice(before);
    expect(call!.params.thread_ts).toBe(card.ts);
    expect(call!.params.reply_broadcast).toBeUndefined();
    expect(call!.params.text).toBe('Baton: update on this item');
  });
});

describe('mention markup', () => {
  it('escapes a name so it cannot ping the channel, and names each person once', () => {
    const odd = { ...staff('dr-baker'), key: 'odd', name: 'Dr. <!channel> & Co', slackUserId: undefined };
    expect(mentionMarkup(undefined, [odd, staff('dana-reyes'), staff('dana-reyes')])).toBe('Dr. &lt;!channel&gt; &amp; Co <@U0DANA>');
    expect(mentionMarkup('not-a-group-id', [])).toBe('');
  });
});
