import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import type { Store, Transition } from '../../src/app/ports.ts';
import { contextFor, FixedClock, portalMessage } from '../support/context.ts';
import { openStore, STORE_KINDS, type OpenedStore } from '../support/stores.ts';

const NOW = new Date('2026-12-01T17:00:00.123Z');
const LATER = new Date('2026-12-02T09:30:00.456Z');

describe.each(STORE_KINDS)('a batch of transitions on %s', (kind) => {
  let store: Store;
  let opened: OpenedStore | undefined;
  beforeAll(async () => {
    opened = await openStore(kind);
    store = opened.store;
  });
  afterAll(async () => opened?.cleanup());

  const newItem = async (n: string) => (await store.findItem((await ingestMessage(contextFor(store, new FixedClock(), ['sandbox']), portalMessage({ externalId: `bt-${n}` }))).itemId))!;
  const row = (itemId: string, key: string) => ({ dedupeKey: key, kind: 'dm' as const, itemId, platform: 'sandbox', payload: { to: 'dana-reyes', text: `t ${key}` }, nextAttemptAt: NOW });
  const audit = (itemId: string, action: string) => ({ itemId, actor: 'system', platform: 'scheduler', action, fromState: 'OPEN' as const, toState: 'OPEN' as const, detail: { level: 1 }, at: NOW });

  it('applies each change only at its expected version, with its audit and outbox rows only if applied', async () => {
    const [a, b, c] = [await newItem('a'), await newItem('b'), await newItem('c')];
    const batch: Transition[] = [
      { itemId: a.id, expectedVersion: a.version, patch: { reminderLevel: 2, nextReminderAt: LATER }, audit: [audit(a.id, 'reminder.sent'), audit(a.id, 'reminder.again')], outbox: [row(a.id, 'bt-a-1'), row(a.id, 'bt-a-2')] },
      { itemId: b.id, expectedVersion: b.version + 1, patch: { nextReminderAt: null }, audit: [audit(b.id, 'reminder.sent')], outbox: [row(b.id, 'bt-b-1')] },
      { itemId: c.id, expectedVersion: c.version, patch: { state: 'CLAIMED', ownerId: 'jordan-kim', snoozedUntil: null, resolveDueAt: LATER, redFlags: ['chest pain'], everEscalated: true, nextReminderAt: null }, audit: [], outbox: [] },
    ];
    const out = await store.applyTransitions(batch, NOW);
    expect(out.map((i) => i?.id ?? null)).toEqual([a.id, null, c.id]);
    expect(out[0]).toMatchObject({ version: a.version + 1, reminderLevel: 2, nextReminderAt: LATER, updatedAt: NOW, state: 'OPEN', queue: a.queue });
    expect(out[2]).toMatchObject({ version: c.version + 1, state: 'CLAIMED', ownerId: 'jordan-kim', resolveDueAt: LATER, redFlags: ['chest pain'], everEscalated: true, nextReminderAt: null });
    expect(await store.findItem(a.id)).toEqual(out[0]);
    expect(await store.findItem(c.id)).toEqual(out[2]);
    expect(await store.findItem(b.id)).toEqual(b);
    expect((await store.auditOf(a.id)).map((e) => e.action)).toEqual(['item.created', 'reminder.sent', 'reminder.again']);
    expect((await store.auditOf(a.id))[1]).toMatchObject({ detail: { level: 1 }, at: NOW, fromState: 'OPEN' });
    expect((await store.auditOf(b.id)).map((e) => e.action)).toEqual(['item.created']);
    expect([await store.outboxHas('bt-a-1'), await store.outboxHas('bt-a-2'), await store.outboxHas('bt-b-1')]).toEqual([true, true, false]);
  });

  it('applies nothing twice: the same batch again finds every version moved', async () => {
    const d = await newItem('d');
    const batch: Transition[] = [{ itemId: d.id, expectedVersion: d.version, patch: { reminderLevel: 1 }, audit: [audit(d.id, 'reminder.sent')], outbox: [] }];
    expect((await store.applyTransitions(batch, NOW))[0]).not.toBeNull();
    expect(await store.applyTransitions(batch, NOW)).toEqual([null]);
    expect((await store.auditOf(d.id)).filter((e) => e.action === 'reminder.sent')).toHaveLength(1);
    expect(await store.applyTransitions([], NOW)).toEqual([]);
  });
});
