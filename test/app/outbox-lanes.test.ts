import { describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { RateLimitedError, type PostedRef } from '../../src/app/chat-adapter.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { OutboxWorker } from '../../src/app/outbox-worker.ts';
import type { CardView } from '../../src/domain/card.ts';
import { FakeChat } from '../fakes/fake-chat.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { contextFor, FixedClock, portalMessage } from '../support/context.ts';

/** A fake Slack that logs every call in order, and can answer a 429 once per kind of call. */
class LoggingChat extends FakeChat {
  log: Array<{ call: 'post' | 'update' | 'note'; itemId: string; at: number }> = [];
  limitOnce: Partial<Record<'post' | 'update' | 'note', number>> = {};
  private limited(call: 'post' | 'update' | 'note') {
    const ms = this.limitOnce[call];
    if (ms === undefined) return;
    delete this.limitOnce[call];
    throw new RateLimitedError(ms);
  }
  override async postCard(card: CardView) {
    this.limited('post');
    this.log.push({ call: 'post', itemId: card.itemId, at: Date.now() });
    return super.postCard(card);
  }
  override async updateCard(ref: PostedRef, card: CardView) {
    this.limited('update');
    this.log.push({ call: 'update', itemId: card.itemId, at: Date.now() });
    return super.updateCard(ref, card);
  }
  override async postThreadNote(ref: PostedRef, text: string) {
    this.limited('note');
    this.log.push({ call: 'note', itemId: this.posts.find((p) => p.ts === ref.messageId)!.itemId, at: Date.now() });
    return super.postThreadNote(ref, text);
  }
}

const wall = { now: () => new Date() };
let n = 0;
const refill = () => portalMessage({ externalId: `lanes-${++n}`, threadId: `lanes-t-${n}`, body: 'Please refill my inhaler' });

async function setup(opts: { clock?: { now(): Date }; paceMs?: number; leaseMs?: number; leaseMarginMs?: number; batch?: number } = {}) {
  const store = new MemoryStore();
  const ctx = contextFor(store, opts.clock ?? new FixedClock(), ['slack']);
  const chat = new LoggingChat('slack');
  const { clock: _clock, paceMs, ...rest } = opts;
  const worker = new OutboxWorker(() => ctx, new Map([['slack', chat]]), { pollMs: 10, ...rest, paceMs: { slack: paceMs ?? 20 } });
  return { store, ctx, chat, worker };
}

describe('outbox lanes: clicks show at once during a burst of new cards', () => {
  it('sends a claim on a posted card before the rest of a burst of posts queued in the same channel', async () => {
    const { ctx, chat, worker } = await setup();
    const { itemId } = await ingestMessage(ctx, refill());
    await worker.drain();
    for (let i = 0; i < 30; i++) await ingestMessage(ctx, refill());
    const draining = worker.drain();
    await new Promise((r) => setTimeout(r, 100)); // a few posts of the burst are out
    await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'claim' } });
    worker.kick();
    await draining;
    const calls = chat.log.map((c) => c.call);
    const update = chat.log.findIndex((c) => c.call === 'update' && c.itemId === itemId);
    const note = chat.log.findIndex((c) => c.call === 'note' && c.itemId === itemId);
    expect(update).toBeGreaterThan(0);
    expect(calls.slice(update).filter((c) => c === 'post').length).toBeGreaterThanOrEqual(20); // not behind the burst
    expect(calls.slice(note).filter((c) => c === 'post').length).toBeGreaterThanOrEqual(20); // the thread note neither
    expect(chat.posts).toHaveLength(31);
  });

  it('sends an update or note of a card whose post is queued right after that post, not before it', async () => {
    const { store, ctx, chat, worker } = await setup();
    const first = await ingestMessage(ctx, refill());
    const second = await ingestMessage(ctx, refill());
    await actOnItem(ctx, { itemId: second.itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'claim' } });
    await worker.drain();
    const order = chat.log.map((c) => `${c.call}:${c.itemId === first.itemId ? 1 : 2}`);
    expect(order.indexOf('post:2')).toBeLessThan(order.indexOf('update:2'));
    expect(order.indexOf('update:2')).toBe(order.indexOf('post:2') + 1);
    expect(order.indexOf('note:2')).toBeGreaterThan(order.indexOf('post:2'));
    expect(store.outbox.filter((r) => r.attempts > 1)).toEqual([]); // none had to be retried
  });

  it('still coalesces several queued updates of one card into one call showing the latest state', async () => {
    const { ctx, chat, worker } = await setup({ paceMs: 0 });
    const { itemId } = await ingestMessage(ctx, refill());
    await worker.drain();
    for (let i = 0; i < 10; i++) await ingestMessage(ctx, refill());
    for (const command of [{ type: 'claim' }, { type: 'release' }, { type: 'claim' }] as const) {
      await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack', command });
    }
    await worker.drain();
    expect(chat.updates.map((u) => u.version)).toEqual([4]);
    expect(chat.notes).toHaveLength(3);
  });

  it('pauses only the card-update lane on a 429 from chat.update: posts into the channel go on', async () => {
    const { ctx, chat, worker } = await setup({ clock: wall });
    const a = await ingestMessage(ctx, refill());
    const b = await ingestMessage(ctx, refill());
    await worker.drain();
    for (let i = 0; i < 10; i++) await ingestMessage(ctx, refill());
    chat.limitOnce.update = 600;
    const t0 = Date.now();
    await actOnItem(ctx, { itemId: a.itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'claim' } });
    await actOnItem(ctx, { itemId: b.itemId, actorKey: 'chris-park', platform: 'slack', command: { type: 'claim' } });
    await worker.drain();
    const posts = chat.log.filter((c) => c.call === 'post').slice(2);
    expect(posts).toHaveLength(10);
    expect(posts.at(-1)!.at - t0).toBeLessThan(600); // 10 posts at 20 ms did not wait for chat.update's Retry-After
    const updates = chat.log.filter((c) => c.call === 'update');
    expect(updates.map((u) => u.itemId).sort()).toEqual([a.itemId, b.itemId].sort());
    expect(Math.min(...updates.map((u) => u.at)) - t0).toBeGreaterThanOrEqual(590); // the update lane waited
  });

  it('pauses the channel on a 429 for a thread note (the same chat.postMessage bucket), not the card updates', async () => {
    const { ctx, chat, worker } = await setup({ clock: wall });
    const a = await ingestMessage(ctx, refill());
    const b = await ingestMessage(ctx, refill());
    await worker.drain();
    for (let i = 0; i < 5; i++) await ingestMessage(ctx, refill());
    chat.limitOnce.note = 600;
    const t0 = Date.now();
    await actOnItem(ctx, { itemId: a.itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'claim' } });
    await actOnItem(ctx, { itemId: b.itemId, actorKey: 'chris-park', platform: 'slack', command: { type: 'claim' } });
    await worker.drain();
    const updates = chat.log.filter((c) => c.call === 'update');
    expect(updates).toHaveLength(2);
    expect(Math.max(...updates.map((u) => u.at)) - t0).toBeLessThan(300);
    const posts = chat.log.filter((c) => c.call === 'post').slice(2);
    expect(posts).toHaveLength(5);
    expect(Math.min(...posts.map((p) => p.at)) - t0).toBeGreaterThanOrEqual(590);
  });
});

describe('outbox lanes: a batch never outlives its lease', () => {
  it('sends no row after its lease ends, even when a Retry-After stalls the lane, and a second worker takes what was handed back', async () => {
    const store = new MemoryStore();
    const ctx = contextFor(store, wall, ['slack']);
    const sent: Array<{ itemId: string; at: number; leaseEnds: number; by: string }> = [];
    const chatFor = (by: string) => {
      const chat = new LoggingChat('slack');
      const post = chat.postCard.bind(chat);
      chat.postCard = async (card) => {
        const row = store.outbox.find((r) => r.kind === 'card.post' && r.itemId === card.itemId)!;
        const ref = await post(card);
        sent.push({ itemId: card.itemId, at: Date.now(), leaseEnds: row.lockedUntil!.getTime(), by });
        return ref;
      };
      return chat;
    };
    // 100 ms between posts and a 600 ms lease: 20 rows in one batch would take 2 s.
    const opts = { paceMs: { slack: 100 }, leaseMs: 600, leaseMarginMs: 100, batch: 20, pollMs: 10 };
    const one = chatFor('one');
    one.limitOnce.post = 350; // the lane stalls for a Retry-After with rows in hand
    const workers = [new OutboxWorker(() => ctx, new Map([['slack', one]]), opts), new OutboxWorker(() => ctx, new Map([['slack', chatFor('two')]]), opts)];
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await ingestMessage(ctx, refill())).itemId);
    const first = workers[0]!.drain();
    await new Promise((r) => setTimeout(r, 150));
    await Promise.all([first, workers[1]!.drain()]);
    // A row handed back is due again only when the Retry-After has passed; `drain` ends once
    // nothing is due, so on a busy machine both drains may end before then. Take what is left.
    await new Promise((r) => setTimeout(r, 400));
    await workers[1]!.drain();
    expect(sent.filter((s) => s.at >= s.leaseEnds)).toEqual([]);
    expect(sent.map((s) => s.itemId).sort()).toEqual([...ids].sort()); // each card exactly once
    expect(new Set(sent.map((s) => s.by))).toEqual(new Set(['one', 'two']));
    expect(store.outbox.every((r) => r.doneAt)).toBe(true);
  });

  it('holds no more rows than the slowest pace sends within a lease', async () => {
    const store = new MemoryStore();
    const ctx = contextFor(store, new FixedClock(), ['slack']);
    const taken: number[] = [];
    const take = store.takeOutbox.bind(store);
    store.takeOutbox = async (...args) => {
      const rows = await take(...args);
      taken.push(rows.length);
      return rows;
    };
    for (let i = 0; i < 12; i++) await ingestMessage(ctx, refill());
    const worker = new OutboxWorker(() => ctx, new Map([['slack', new FakeChat('slack')]]), { paceMs: { slack: 20 }, leaseMs: 100, leaseMarginMs: 20, batch: 50, pollMs: 5 });
    await worker.drain();
    expect(Math.max(...taken)).toBeLessThanOrEqual(4); // (100 - 20) / 20
    expect(taken.reduce((a, b) => a + b, 0)).toBe(12);
  });
});
