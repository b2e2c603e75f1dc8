import { describe, expect, it } from 'vitest';
import { deliverOne } from '../../src/app/deliver-outbox.ts';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { resolveMention } from '../../src/app/notices.ts';
import { sweep } from '../../src/app/sweep.ts';
import type { OutboxMessage } from '../../src/app/ports.ts';
import { FakeChat } from '../fakes/fake-chat.ts';
import { memoryContext, portalMessage } from '../support/context.ts';

/**
 * Notices that reach people (issue: a thread reply with no broadcast and no mention notifies
 * nobody on Slack or Teams). What the use cases queue, platform-neutral; the adapters' own
 * tests show the exact Slack and Teams calls for each.
 */

const MIN = 60_000;
const RED_FLAG = 'Since an hour I have crushing chest pain going down my left arm.';
const notices = (rows: OutboxMessage[]) => rows.filter((o) => o.kind === 'thread.note' && o.payload.broadcast);
const PATIENT = /Testa|Patientson|55501234|chest|arm/i;

describe('notices that reach people', () => {
  it('a new red-flag card pages the queue (its group, else its lead); other cards page nobody', async () => {
    const { ctx, store } = memoryContext(['slack', 'teams']);
    await ingestMessage(ctx, portalMessage({ externalId: 'rf-1', subject: 'help', body: RED_FLAG }));
    await ingestMessage(ctx, portalMessage({ externalId: 'plain-1' }));
    const posts = store.outbox.filter((o) => o.kind === 'card.post');
    expect(posts.filter((o) => o.payload.mention).map((o) => [o.platform, o.payload.mention])).toEqual([
      ['slack', { queue: 'nursing', people: [] }],
      ['teams', { queue: 'nursing', people: [] }],
    ]);
    expect(resolveMention(ctx, { queue: 'nursing', people: [] })).toMatchObject({ queue: 'nursing', fallback: [{ key: 'dana-reyes' }], people: [] });
  });

  it('reminder level 1 is a broadcast thread reply paging the queue; its STAT repeat too, every 5 minutes until claimed', async () => {
    const { ctx, store, clock } = memoryContext(['slack']);
    const r = await ingestMessage(ctx, portalMessage({ externalId: 'rf-2', subject: 'help', body: RED_FLAG }));
    clock.advance(15 * MIN); // the STAT claim target
    await sweep(ctx, clock.now());
    clock.advance(5 * MIN);
    await sweep(ctx, clock.now()); // level 2 (owner-or-lead) fires, and no repeat in the same sweep
    clock.advance(5 * MIN);
    await sweep(ctx, clock.now()); // the repeat of level 1
    const sent = notices(store.outbox);
    expect(sent.map((o) => [o.payload.text, o.payload.mention])).toEqual([
      [expect.stringMatching(/^Reminder for Nursing: B-\d+ \(stat, red flag\): unclaimed, 0m past target$/), { queue: 'nursing', people: [] }],
      [expect.stringMatching(/^Still waiting for Nursing: B-\d+ \(stat, red flag\): unclaimed, 10m past target$/), { queue: 'nursing', people: [] }],
    ]);
    // Level 2 reached the lead by DM.
    expect(store.outbox.filter((o) => o.kind === 'dm').map((o) => o.payload.to)).toEqual(['dana-reyes']);
    // Claimed: the repeats stop.
    await actOnItem(ctx, { itemId: r.itemId, actorKey: 'jordan-kim', platform: 'slack', command: { type: 'claim' } });
    clock.advance(5 * MIN);
    await sweep(ctx, clock.now());
    expect(notices(store.outbox)).toHaveLength(2);
    expect(JSON.stringify(store.outbox.map((o) => o.payload))).not.toMatch(PATIENT);
  });

  it('an overdue response pages the owner too', async () => {
    const { ctx, store, clock } = memoryContext(['slack']);
    const r = await ingestMessage(ctx, portalMessage({ externalId: 'resp-1', subject: 'question', body: 'I have had a mild rash on my arm for a week, is this normal?' }));
    await actOnItem(ctx, { itemId: r.itemId, actorKey: 'jordan-kim', platform: 'slack', command: { type: 'claim' } });
    clock.advance(24 * 60 * MIN);
    await sweep(ctx, clock.now());
    expect(notices(store.outbox).map((o) => o.payload.mention)).toEqual([{ queue: 'nursing', people: ['jordan-kim'] }]);
  });

  it('a follow-up on unclaimed work is announced and pages the queue; on owned work it DMs the owner', async () => {
    const { ctx, store } = memoryContext(['slack']);
    const first = await ingestMessage(ctx, portalMessage({ externalId: 'fu-1', threadId: 't-1' }));
    await ingestMessage(ctx, portalMessage({ externalId: 'fu-2', threadId: 't-1', body: 'Any news on my refill?' }));
    expect(notices(store.outbox).map((o) => [o.payload.text, o.payload.mention])).toEqual([
      [expect.stringMatching(/^New patient message on B-\d+ \(unclaimed\)$/), { queue: 'refills', people: [] }],
    ]);
    await actOnItem(ctx, { itemId: first.itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'claim' } });
    await ingestMessage(ctx, portalMessage({ externalId: 'fu-3', threadId: 't-1', body: 'Still waiting, thanks.' }));
    expect(notices(store.outbox)).toHaveLength(1);
    expect(store.outbox.filter((o) => o.kind === 'dm').map((o) => [o.payload.to, o.payload.text])).toEqual([['taylor-brooks', expect.stringMatching(/^New patient message on B-\d+$/)]]);
    expect(JSON.stringify(store.outbox.map((o) => o.payload))).not.toMatch(/refill\?|Still waiting, thanks|Testa/);
  });

  it('delivery hands the adapter the broadcast flag and the mention resolved against the roster', async () => {
    const { ctx, store, clock } = memoryContext(['sandbox']);
    const chat = new FakeChat('sandbox');
    const adapters = new Map([['sandbox', chat]]);
    await ingestMessage(ctx, portalMessage({ externalId: 'rf-3', subject: 'help', body: RED_FLAG }));
    clock.advance(15 * MIN);
    await sweep(ctx, clock.now());
    for (let i = 0; i < 3; i++) for (const row of await store.takeOutbox(clock.now(), 50, 60_000)) await deliverOne(ctx, adapters, row);
    expect(chat.posts[0]!.mention).toMatchObject({ queue: 'nursing', fallback: [{ key: 'dana-reyes' }], people: [] });
    const broadcast = chat.notes.filter((n) => n.opts?.broadcast);
    expect(broadcast).toHaveLength(1);
    expect(broadcast[0]!.opts!.mention).toMatchObject({ queue: 'nursing', fallback: [{ key: 'dana-reyes' }] });
  });
});
