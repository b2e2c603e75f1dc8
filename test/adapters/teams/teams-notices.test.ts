import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mention } from '../../../src/app/chat-adapter.ts';
import { ingestMessage } from '../../../src/app/ingest-message.ts';
import { cardForItem } from '../../../src/app/item-card.ts';
import { AAD, CHANNELS, cardOf, expectValidCard, startTeamsHarness, type TeamsHarness } from './harness.ts';
import { portalMessage } from '../../support/context.ts';

/** A Graph teamworkTag id is a base64 string (msteams-docs PR #8650). */
const NURSES_TAG = { id: 'NTI4ZGJlM2YtMTVlMC00ZTM3LTg0YTEtMDBjYzMwNTg0N2RkIyNlYzgwMTVmMC1iMmYxLTQxZTItODA0OC1hMGE2OTcwNmM5ZGIjI3RxRE04YndyVQ==', name: 'Nurses' };
const PATIENT = { name: 'Testa Patientson', mrn: '55501234' };
const RED_FLAG_BODY = 'I have crushing chest pain and my left arm is numb since this morning.';

describe('Teams: notices that reach people', () => {
  let h: TeamsHarness;
  beforeAll(async () => {
    // Nursing pages its tag; Refills has none, so its lead is paged.
    h = await startTeamsHarness({ editQueue: (q) => (q.key === 'nursing' ? { ...q, teamsTag: NURSES_TAG } : q) });
    // Teams' user id of the Refills lead, learned from the team's member list at install.
    h.fake.members = [{ id: '29:chris-park', aadObjectId: AAD['chris-park']!, name: 'Chris Park' }];
    await h.install();
  });
  afterAll(() => h.stop());

  const member = (key: string) => h.ctx.roster.member(key)!;
  const sendsTo = (conversationId: string, from: number) => h.fake.calls.slice(from).filter((c) => c.op === 'send' && c.conversationId === conversationId);
  /** Anything in a notification line that is patient data. */
  const expectNoPatientData = (s: string) => {
    for (const v of [PATIENT.name, PATIENT.mrn, 'chest pain and', 'Refill request', 'blood pressure pills']) expect(s).not.toContain(v);
  };

  /** A red-flag item whose card is not posted yet (the outbox is not run). */
  async function redFlagItem() {
    const { itemId } = await ingestMessage(h.ctx, portalMessage({ externalId: `rf-${Math.random()}`, subject: 'Help', body: RED_FLAG_BODY }));
    const item = (await h.ctx.store.findItem(itemId))!;
    expect(item.redFlags.length).toBeGreaterThan(0);
    expect(item.queue).toBe('nursing');
    return item;
  }

  it('a new red flag is posted with a mention of the queue\'s tag, which the card carries in msteams.entities', async () => {
    const item = await redFlagItem();
    const card = await cardForItem(h.ctx, item);
    const before = h.fake.calls.length;
    const mention: Mention = { queue: 'nursing', fallback: [member('dana-reyes')], people: [] };
    const ref = await h.adapter.postCard(card, { mention });
    const [post] = sendsTo(CHANNELS.nursing, before);
    expect(ref).toEqual({ channel: CHANNELS.nursing, messageId: expect.any(String) });
    const content = post!.body.attachments[0].content;
    expectValidCard(content);
    expect(content.body[0]).toEqual({ type: 'TextBlock', text: '<at>Nurses</at>: please look at this now.', weight: 'Bolder', wrap: true });
    // Only the tag: with a tag the lead is not paged as well.
    expect(content.msteams).toEqual({
      width: 'Full',
      entities: [{ type: 'mention', text: '<at>Nurses</at>', mentioned: { id: NURSES_TAG.id, name: 'Nurses', type: 'tag' } }],
    });
    expect(post!.body.summary).toBe(card.fallbackText);
    expect(post!.body.summary).toMatch(/^RED FLAG: /);
    expectNoPatientData(post!.body.summary);
    expectNoPatientData(content.body[0].text);
  });

  it('without a tag the queue\'s lead is mentioned by their Teams user id; others by AAD id, or by name when Teams cannot reach them', async () => {
    const { itemId } = await ingestMessage(h.ctx, portalMessage({ externalId: `nt-${Math.random()}` }));
    const card = await cardForItem(h.ctx, (await h.ctx.store.findItem(itemId))!);
    expect(card.queue.key).toBe('refills');
    const before = h.fake.calls.length;
    // jordan-kim has never been seen by Baton; dr-baker has no Teams account on the roster.
    await h.adapter.postCard(card, { mention: { queue: 'refills', fallback: [member('chris-park')], people: [member('jordan-kim'), member('dr-baker'), member('chris-park')] } });
    const content = sendsTo(CHANNELS.refills, before)[0]!.body.attachments[0].content;
    expectValidCard(content);
    expect(content.body[0].text).toBe('<at>Chris Park, MA</at>, <at>Jordan Kim, RN</at>, Dr. Marcus Baker: please look at this now.');
    expect(content.msteams.entities).toEqual([
      { type: 'mention', text: '<at>Chris Park, MA</at>', mentioned: { id: '29:chris-park', name: 'Chris Park, MA' } },
      { type: 'mention', text: '<at>Jordan Kim, RN</at>', mentioned: { id: AAD['jordan-kim'], name: 'Jordan Kim, RN' } },
    ]);
  });

  it('a broadcast reminder is a new channel post mentioning the tag, with a quiet copy of the line in the card\'s thread', async () => {
    const { card } = await h.newItem({ subject: 'Help', body: RED_FLAG_BODY });
    expect(card.conversationId).toBe(CHANNELS.nursing);
    const ref = { channel: CHANNELS.nursing, messageId: card.id };
    const before = h.fake.calls.length;
    const text = 'B-12 is unclaimed: claim overdue by 15m';
    await h.adapter.postThreadNote(ref, text, { broadcast: true, mention: { queue: 'nursing', fallback: [member('dana-reyes')], people: [] } });
    const [thread] = sendsTo(`${CHANNELS.nursing};messageid=${card.id}`, before);
    const [channel] = sendsTo(CHANNELS.nursing, before);
    // The channel post: to the channel itself (a new thread root), so the whole channel sees it and
    // the tag is notified; the mention travels in a card, where Teams reads `type: 'tag'`.
    expect(channel!.body.conversation.id).toBe(CHANNELS.nursing);
    expect(channel!.body.summary).toBe(text);
    const notice = cardOf(channel!.body);
    expectValidCard(notice);
    expect(notice.body).toEqual([{ type: 'TextBlock', text: `<at>Nurses</at>: ${text}`, wrap: true }]);
    expect(notice.msteams.entities).toEqual([{ type: 'mention', text: '<at>Nurses</at>', mentioned: { id: NURSES_TAG.id, name: 'Nurses', type: 'tag' } }]);
    // The thread keeps the record, without paging anyone a second time.
    expect(thread!.body).toMatchObject({ type: 'message', text, textFormat: 'plain' });
    expect(thread!.body.entities).toBeUndefined();
    expect(h.fake.calls.slice(before).filter((c) => c.op === 'send' || c.op === 'reply')).toHaveLength(2);
    expectNoPatientData(channel!.body.summary);
    expectNoPatientData(notice.body[0].text);
  });

  it('a thread note with a mention but no broadcast is one reply in the thread that pages the owner', async () => {
    const { card } = await h.newItem();
    const before = h.fake.calls.length;
    const text = 'B-4 is still claimed by Taylor Brooks, MA: response overdue by 2h';
    await h.adapter.postThreadNote({ channel: CHANNELS.refills, messageId: card.id }, text, { mention: { queue: 'refills', fallback: [], people: [member('taylor-brooks')] } });
    const calls = h.fake.calls.slice(before).filter((c) => c.op === 'send' || c.op === 'reply');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.conversationId).toBe(`${CHANNELS.refills};messageid=${card.id}`);
    expect(calls[0]!.body.summary).toBe(text);
    const notice = cardOf(calls[0]!.body);
    expect(notice.body[0].text).toBe(`<at>Taylor Brooks, MA</at>: ${text}`);
    // Never seen by Baton: mentioned by the AAD object id, which Teams accepts in card mentions.
    expect(notice.msteams.entities).toEqual([{ type: 'mention', text: '<at>Taylor Brooks, MA</at>', mentioned: { id: AAD['taylor-brooks'], name: 'Taylor Brooks, MA' } }]);
  });

  it('a thread note without options is the plain reply it always was', async () => {
    const { card } = await h.newItem();
    const before = h.fake.calls.length;
    await h.adapter.postThreadNote({ channel: CHANNELS.refills, messageId: card.id }, 'Claimed by Taylor Brooks, MA');
    const calls = h.fake.calls.slice(before).filter((c) => c.op === 'send' || c.op === 'reply');
    expect(calls.map((c) => [c.conversationId, c.body.text, c.body.textFormat, c.body.entities])).toEqual([
      [`${CHANNELS.refills};messageid=${card.id}`, 'Claimed by Taylor Brooks, MA', 'plain', undefined],
    ]);
  });
});
