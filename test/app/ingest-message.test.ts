import { describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { cardForItem } from '../../src/app/item-card.ts';
import { memoryContext, portalMessage } from '../support/context.ts';

describe('ingesting a portal message', () => {
  it('stores the message, a triaged work item, an audit event and a card outbox row per platform', async () => {
    const { ctx, store } = memoryContext(['sandbox', 'slack']);
    const r = await ingestMessage(ctx, portalMessage({ externalId: 'a-1' }));
    expect(r).toMatchObject({ queue: 'refills', priority: 'routine', duplicate: false });
    const item = (await store.findItem(r.itemId))!;
    expect(item).toMatchObject({ state: 'OPEN', category: 'rx-refill', patientToken: 'T.P. …1234', messageCount: 1 });
    expect(item.claimDueAt).toBeInstanceOf(Date);
    expect(store.audit.map((a) => a.action)).toEqual(['item.created']);
    expect(store.outbox.map((o) => o.dedupeKey)).toEqual([`card.post:sandbox:${r.itemId}`, `card.post:slack:${r.itemId}`]);
  });

  it('answers a repeat of the same (source, externalId) as a duplicate and writes nothing', async () => {
    const { ctx, store } = memoryContext();
    const first = await ingestMessage(ctx, portalMessage({ externalId: 'a-1' }));
    const again = await ingestMessage(ctx, portalMessage({ externalId: 'a-1', body: 'changed text' }));
    expect(again).toEqual({ ...first, duplicate: true });
    expect(store.messages).toHaveLength(1);
    expect(store.outbox).toHaveLength(1);
  });

  it('joins a follow-up in the same thread to the existing item instead of a second card', async () => {
    const { ctx, store } = memoryContext();
    const first = await ingestMessage(ctx, portalMessage({ externalId: 'a-1', threadId: 't-9' }));
    const second = await ingestMessage(ctx, portalMessage({ externalId: 'a-2', threadId: 't-9', body: 'Also, which pharmacy did you use?' }));
    expect(second.itemId).toBe(first.itemId);
    expect(store.items.size).toBe(1);
    expect((await store.findItem(first.itemId))!.messageCount).toBe(2);
    expect(store.outbox.filter((o) => o.kind === 'card.post')).toHaveLength(1);
    expect(store.outbox.map((o) => o.kind)).toContain('thread.note');
    expect(store.audit.map((a) => a.action)).toEqual(['item.created', 'item.follow_up']);
  });

  it('reopens a resolved item when the patient writes again in its thread', async () => {
    const { ctx, store } = memoryContext();
    const first = await ingestMessage(ctx, portalMessage({ externalId: 'a-1', threadId: 't-9' }));
    const done = await actOnItem(ctx, { itemId: first.itemId, actorKey: 'taylor-brooks', platform: 'sandbox', command: { type: 'resolve' } });
    expect(done.ok).toBe(true);
    await ingestMessage(ctx, portalMessage({ externalId: 'a-2', threadId: 't-9', body: 'The pharmacy still has nothing.' }));
    const item = (await store.findItem(first.itemId))!;
    expect(item).toMatchObject({ state: 'OPEN', ownerId: null, resolvedAt: null });
    expect(store.audit.at(-1)).toMatchObject({ action: 'item.reopened_by_message', fromState: 'RESOLVED', toState: 'OPEN' });
  });

  it('routes a red-flag message to the clinical queue at stat priority', async () => {
    const { ctx, store } = memoryContext();
    const r = await ingestMessage(ctx, portalMessage({ subject: 'refill', body: 'I need a refill but I also have crushing chest pain since this morning.' }));
    expect(r).toMatchObject({ queue: 'nursing', priority: 'stat' });
    const item = (await store.findItem(r.itemId))!;
    expect(item.redFlags.length).toBeGreaterThan(0);
    // stat runs on wall-clock time: 15 minutes, even outside business hours.
    expect(item.claimDueAt!.getTime() - ctx.clock.now().getTime()).toBe(15 * 60_000);
  });

  it('moves an unowned thread to the clinical queue when a follow-up raises a red flag', async () => {
    const { ctx, store } = memoryContext();
    const first = await ingestMessage(ctx, portalMessage({ externalId: 'a-1', threadId: 't-3' }));
    await ingestMessage(ctx, portalMessage({ externalId: 'a-2', threadId: 't-3', body: 'Now I am short of breath and my lips look blue.' }));
    expect(await store.findItem(first.itemId)).toMatchObject({ queue: 'nursing', priority: 'stat' });
  });

  it('retitles the card when a follow-up raises a red flag: the title names the current category, not the first one', async () => {
    const { ctx, store } = memoryContext();
    const first = await ingestMessage(ctx, portalMessage({ externalId: 'a-1', threadId: 't-4', subject: 'Appointment', body: 'Can I move my appointment to next Tuesday afternoon?' }));
    expect((await cardForItem(ctx, (await store.findItem(first.itemId))!)).title).toBe('Scheduling');
    await ingestMessage(ctx, portalMessage({ externalId: 'a-2', threadId: 't-4', subject: 'Appointment', body: 'Now I have crushing chest pain and I am sweating.' }));
    const item = (await store.findItem(first.itemId))!;
    expect(item).toMatchObject({ category: 'red-flag', priority: 'stat' });
    const card = await cardForItem(ctx, item);
    expect(card).toMatchObject({ title: 'Urgent clinical (red flag)', category: 'red-flag', redFlag: true });
    expect(card.fallbackText).toMatch(/^RED FLAG: Urgent clinical \(red flag\) \(stat\)/);
  });

  it('keeps the audit free of message text and patient names', async () => {
    const { ctx, store } = memoryContext();
    await ingestMessage(ctx, portalMessage({ externalId: 'a-1' }));
    const text = JSON.stringify(store.audit);
    expect(text).not.toContain('Testa');
    expect(text).not.toContain('blood pressure pills');
  });
});
