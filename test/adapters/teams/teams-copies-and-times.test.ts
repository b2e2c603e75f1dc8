import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refKeys } from '../../../adapters/teams/conversation-refs.ts';
import { buildDigest } from '../../../src/domain/digest.ts';
import { AAD, POOL_CHANNEL, cardOf, cardText, startTeamsHarness, type TeamsHarness } from './harness.ts';

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d/;

describe('Teams: DM and pool copies keep their intro line', () => {
  let h: TeamsHarness;
  beforeAll(async () => {
    h = await startTeamsHarness();
    h.fake.members = [{ id: '29:dr-cho', aadObjectId: AAD['dr-cho']!, name: 'Grace Cho' }];
    await h.install();
  });
  afterAll(() => h.stop());

  it('a click on the physician\'s DM copy answers, and replaces that copy, with its intro; the outbox update keeps it too', async () => {
    const { card } = await h.newItem();
    await h.click('taylor-brooks', card, 'item.escalate', { escalateTo: 'dr-cho', escalateReason: 'Dose above protocol' });
    await h.deliver();
    const chat = (await h.ctx.store.findConversationRef(refKeys.user(AAD['dr-cho']!))) as { conversation: { id: string } };
    const dm = h.fake.cardsIn(chat.conversation.id).at(-1)!;
    expect(cardText(cardOf(dm))).toContain('Escalated to you: Dose above protocol');

    const r = await h.click('dr-cho', dm, 'item.resolve', { resolveNote: 'Called the pharmacy' });
    expect(r.status).toBe(200);
    expect(cardText(r.card)).toContain('Resolved: Dr. Grace Cho');
    expect(cardText(r.card)).toContain('Escalated to you: Dose above protocol');
    // REPLACE_FOR_ALL put the same card into the chat message in the turn.
    const inTurn = h.fake.calls.filter((c) => c.op === 'update' && c.activityId === dm.id).at(-1)!;
    expect(cardText(inTurn.body.attachments[0].content)).toContain('Escalated to you: Dose above protocol');

    await h.deliver();
    const updated = h.fake.messages.get(dm.id)!;
    expect(h.fake.calls.filter((c) => c.op === 'update' && c.activityId === dm.id).length).toBeGreaterThanOrEqual(2);
    expect(cardText(cardOf(updated))).toContain('Escalated to you: Dose above protocol');
    expect(cardText(cardOf(updated))).toContain('Resolved');
    // The channel card never carries the intro (it quotes the reason, staff free text).
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).not.toContain('Dose above protocol');
  });

  it('a click on the pool post keeps its intro, and a refusal there too', async () => {
    const { card } = await h.newItem();
    await h.click('taylor-brooks', card, 'item.escalate', { escalateTo: 'pool', escalateReason: 'Any physician please' });
    await h.deliver();
    const pool = h.fake.cardsIn(POOL_CHANNEL).at(-1)!;
    const denied = await h.click('taylor-brooks', pool, 'item.claim');
    expect(cardText(denied.card)).toContain('You are not allowed');
    expect(cardText(denied.card)).toContain('Escalated to you: Any physician please');
    const r = await h.click('dr-alvarez', pool, 'item.claim');
    expect(cardText(r.card)).toContain('With a physician: Dr. Elena Alvarez');
    expect(cardText(r.card)).toContain('Escalated to you: Any physician please');
  });
});

describe('Teams: times in the organisation\'s zone', () => {
  let h: TeamsHarness;
  beforeAll(async () => {
    h = await startTeamsHarness();
    await h.install();
  });
  afterAll(() => h.stop());

  it('the card\'s target names its due time in the organisation\'s zone (America/Chicago), never as ISO', async () => {
    expect(h.ctx.sla.calendar.timezone).toBe('America/Chicago');
    const { itemId, card } = await h.newItem();
    const item = (await h.ctx.store.findItem(itemId))!;
    const text = cardText(cardOf(card));
    expect(item.claimDueAt).not.toBeNull();
    expect(text).toContain(`(due ${chicago(item.claimDueAt!)})`);
    expect(text).not.toMatch(ISO);
  });

  it('a snoozed card says until when, in the card answer and in the outbox update', async () => {
    const { card } = await h.newItem();
    const r = await h.click('taylor-brooks', card, 'item.snooze', { snoozeFor: '240', snoozeReason: 'pharmacy callback' });
    // 15:00 UTC on Tuesday 1 December is 09:00 in Chicago; four hours later, 13:00 CST.
    // The reason is staff free text: the team's channel card says only that one was recorded.
    expect(cardText(r.card)).toContain('Snoozed until Tue 1 Dec, 13:00 CST — reason recorded');
    await h.deliver();
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).toContain('Snoozed until Tue 1 Dec, 13:00 CST — reason recorded');
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).not.toContain('pharmacy callback');
  });

  it('View message stamps each message in the organisation\'s zone', async () => {
    const { card } = await h.newItem();
    const r = await h.click('taylor-brooks', card, 'item.view');
    const text = cardText(r.card);
    // The portal message was sent at 14:55 UTC.
    expect(text).toContain('Tue 1 Dec, 08:55 CST');
    expect(text).not.toContain('UTC');
    expect(text).not.toMatch(ISO);
  });

  it('the manager\'s digest is stamped in the organisation\'s zone', async () => {
    const morgan = h.ctx.roster.member('morgan-lee')!;
    const digest = buildDigest({ items: [], now: h.clock.now(), organization: 'Riverside', queues: h.ctx.roster.queues.map((q) => ({ key: q.key, name: q.name })), staffName: (k) => k, physicianMinutesPerMessage: 4 });
    await h.adapter.sendDigest(morgan, digest, 'Daily digest');
    const sent = h.fake.ok('send').at(-1)!;
    const text = cardText(sent.body.attachments[0].content);
    expect(text).toContain('For Morgan Lee · Tue 1 Dec, 09:00 CST');
    expect(text).not.toMatch(ISO);
    // Morgan's own 1:1 chat, not a channel.
    expect(sent.conversationId?.startsWith('19:')).toBe(false);
  });
});

const chicago = (d: Date) =>
  `${new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'America/Chicago' }).format(d)} ${new Intl.DateTimeFormat('en-US', { day: 'numeric', timeZone: 'America/Chicago' }).format(d)} ${new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: 'America/Chicago' }).format(d)}, ${new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'America/Chicago' }).format(d)} ${new Intl.DateTimeFormat('en-US', { timeZoneName: 'short', timeZone: 'America/Chicago' }).formatToParts(d).find((p) => p.type === 'timeZoneName')!.value}`;
