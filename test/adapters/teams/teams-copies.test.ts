import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamsAdapter } from '../../../adapters/teams/index.ts';
import { refKeys } from '../../../adapters/teams/conversation-refs.ts';
import { cardForItem } from '../../../src/app/item-card.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import type { HeldMessage } from './fake-connector.ts';
import { AAD, CHANNELS, POOL_CHANNEL, cardOf, cardText, executeActions, expectValidCard, startTeamsHarness, type TeamsHarness } from './harness.ts';

describe('Teams: copies that stay true, and the one card contract', () => {
  let h: TeamsHarness;
  beforeAll(async () => {
    // Refills is led by Chris Park, who is not one of its members here: the picker must still offer him.
    h = await startTeamsHarness({ editQueue: (q) => (q.key === 'refills' ? { ...q, members: q.members.filter((m) => m !== 'chris-park'), lead: 'chris-park' } : q) });
    h.fake.members = [{ id: '29:dr-cho', aadObjectId: AAD['dr-cho']!, name: 'Grace Cho' }];
    await h.install();
  });
  afterAll(() => h.stop());

  const chatOf = async (key: string) => ((await h.ctx.store.findConversationRef(refKeys.user(AAD[key]!))) as { conversation: { id: string } } | null)?.conversation.id;
  const dmSends = (from: number) => h.fake.calls.slice(from).filter((c) => c.op === 'send' && !String(c.conversationId).startsWith('19:'));

  async function escalatedToCho(reason: string) {
    const { itemId, card } = await h.newItem();
    await h.click('jordan-kim', card, 'item.escalate', { escalateTo: 'dr-cho', escalateReason: reason });
    await h.deliver();
    const chatId = (await chatOf('dr-cho'))!;
    return { itemId, card, chatId, dm: h.fake.cardsIn(chatId).at(-1)! };
  }

  it('a physician\'s copy shows the team\'s notes, as Slack\'s does; the channel card does not', async () => {
    const { card, dm } = await escalatedToCho('Asking for 90 days; outside protocol');
    const c = cardOf(dm);
    expectValidCard(c);
    const notes = c.body.find((b: any) => b.type === 'Container' && b.items?.[0]?.text === 'Team notes');
    expect(cardText(notes)).toBe('Team notes\nJordan Kim, RN (escalated): Asking for 90 days; outside protocol');
    expect(dm.activity.summary).not.toContain('90 days');
    expect(cardText(cardOf(h.fake.messages.get(card.id)!))).not.toContain('90 days');
  });

  it('when the item is resolved, its DM copy is redrawn resolved and without a single button; the channel card keeps Reopen', async () => {
    const { itemId, card, dm } = await escalatedToCho('Dose question');
    await h.click('dr-cho', dm, 'item.resolve', { resolveNote: 'Called pharmacy' });
    const updates = h.fake.ok('update').length;
    await h.deliver();
    const copyUpdate = h.fake.ok('update').slice(updates).find((u) => u.activityId === dm.id);
    expect(copyUpdate).toBeDefined(); // the outbox's card update reached the copy
    const copy = cardOf(copyUpdate!.body);
    expectValidCard(copy);
    expect(cardText(copy)).toContain('Resolved: Dr. Grace Cho');
    expect(copy.actions).toEqual([]);
    expect(executeActions(copy)).toEqual([]);
    expect(executeActions(cardOf(h.fake.messages.get(card.id)!)).map((a) => a.verb)).toContain('item.reopen');
    expect((await h.ctx.store.findItem(itemId))!.state).toBe('RESOLVED');
  });

  it('a retried sendDirect — the same version to the same person, even from a restarted process — sends no second DM', async () => {
    const { itemId } = await h.newItem();
    const item = (await h.ctx.store.findItem(itemId))!;
    const card = await cardForItem(h.ctx, item, 'direct');
    const dana = h.ctx.roster.member('dana-reyes')!;
    const before = h.fake.calls.length;
    await h.adapter.sendDirect(dana, card, 'Reminder: B-1 needs an owner');
    expect(dmSends(before)).toHaveLength(1);
    // A reminder DM is a copy of the card: it is kept up to date with it.
    const copies = (await h.ctx.store.findConversationRef(refKeys.copies(itemId))) as { copies: Array<{ key: string; activityId: string }> };
    expect(copies.copies.map((c) => c.key)).toEqual([`v${card.version}:dana-reyes`]);

    await h.adapter.sendDirect(dana, card, 'Reminder: B-1 needs an owner'); // the outbox retries the row
    const logger = createLogger({ level: 'error', destination: new Writable({ write(_c, _e, cb) { cb(); } }) });
    const restarted = createTeamsAdapter({ ctx: () => h.ctx, logger, authDisabled: true });
    await restarted.adapter.start();
    try {
      await restarted.adapter.sendDirect(dana, card, 'Reminder: B-1 needs an owner');
    } finally {
      await restarted.adapter.stop();
    }
    expect(dmSends(before)).toHaveLength(1);
    // A newer version of the item is a new message, and is sent.
    await h.adapter.sendDirect(dana, { ...card, version: card.version + 1 }, 'Reminder: B-1 still needs an owner');
    expect(dmSends(before)).toHaveLength(2);

    // Claimed later: the reminder copy shows it.
    const held = h.fake.messages.get(copies.copies[0]!.activityId)!;
    const channelCard = h.fake.cardsIn(CHANNELS.refills).find((m) => executeActions(cardOf(m))[0]?.data.itemId === itemId)!;
    await h.click('taylor-brooks', channelCard, 'item.claim');
    await h.deliver();
    expect(cardText(cardOf(h.fake.messages.get(held.id)!))).toContain('Claimed: Taylor Brooks, MA');
  });

  it('a second Claim by the owner (a double click on the old card) is answered "already yours", with no denial in the audit', async () => {
    const { itemId, card } = await h.newItem();
    const asFirstDrawn: HeldMessage = { ...card, activity: structuredClone(card.activity) };
    expect((await h.click('taylor-brooks', card, 'item.claim')).status).toBe(200);
    const again = await h.click('taylor-brooks', asFirstDrawn, 'item.claim');
    expect(again.status).toBe(200);
    const ref = (await h.ctx.store.findItem(itemId))!;
    expect(cardText(again.card)).toMatch(/^B-\d+ is already yours\./);
    expect(cardText(again.card)).not.toContain('Already claimed by');
    const audit = await h.ctx.store.auditOf(itemId);
    expect(audit.filter((a) => a.action === 'item.denied')).toEqual([]);
    expect(audit.filter((a) => a.action === 'item.claim')).toHaveLength(1);
    expect(ref.ownerId).toBe('taylor-brooks');
  });

  it('someone else claiming from a card drawn before the claim is told who has it, and that is audited', async () => {
    const { itemId, card } = await h.newItem();
    const asFirstDrawn: HeldMessage = { ...card, activity: structuredClone(card.activity) };
    await h.click('taylor-brooks', card, 'item.claim');
    const late = await h.click('jordan-kim', asFirstDrawn, 'item.claim');
    expect(cardText(late.card)).toContain('Already claimed by Taylor Brooks, MA.');
    expect((await h.ctx.store.auditOf(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: 'jordan-kim' });
  });

  it('the Reassign picker offers the card\'s choices: the queue\'s lead as well as its members', async () => {
    const { card } = await h.newItem();
    const reassign = cardOf(card).actions.find((a: any) => a.title === 'Reassign');
    expect(reassign.card.body[0].choices.map((c: any) => c.value)).toEqual(['taylor-brooks', 'jordan-kim', 'chris-park']);
    const r = await h.click('taylor-brooks', card, 'item.reassign', { reassignTo: 'chris-park' });
    expect(cardText(r.card)).toContain('Claimed: Chris Park, MA');
  });

  it('the Snooze picker offers the domain\'s lengths, with its default preselected', async () => {
    const { card } = await h.newItem();
    const snooze = cardOf(card).actions.find((a: any) => a.title === 'Snooze');
    const picker = snooze.card.body[0];
    expect(picker.choices.map((c: any) => c.value)).toEqual(['30', '60', '120', '240', '1440', '4320', '10080']);
    expect(picker.value).toBe('60');
  });
});
