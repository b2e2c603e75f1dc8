import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestModel } from '../../src/app/digest.ts';
import type { Store } from '../../src/app/ports.ts';
import { aggregateDigest, percentile } from '../../src/domain/digest-aggregates.ts';
import { buildDigest } from '../../src/domain/digest.ts';
import type { ItemState, WorkItem } from '../../src/domain/work-item.ts';
import { contextFor, FixedClock } from '../support/context.ts';
import { openStore, STORE_KINDS, type OpenedStore } from '../support/stores.ts';

const NOW = new Date('2026-12-01T18:00:00Z');
const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const at = (msAgo: number) => new Date(NOW.getTime() - msAgo);
const SETTINGS = { organization: 'Riverside', timezone: 'America/Chicago', physicianMinutesPerMessage: 2.3 };

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A varied history: every state, queues in and out of the roster, owners (and an empty one),
 * escalations, items resolved inside and outside both windows, reopened items that keep an old
 * resolvedAt, an item created after `now`, and time stamps exactly on every window and band
 * boundary. Durations come in whole minutes so ties (and even counts) occur.
 */
function history(): Array<{ item: WorkItem; patch: Partial<WorkItem> }> {
  const r = random(14);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const queues = ['front-desk', 'nursing', 'refills', 'billing', 'retired-queue'] as const;
  const owners = ['jordan-kim', 'dana-reyes', 'chris-park', 'dr-cho', '', null] as const;
  const states: ItemState[] = ['OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED', 'RESOLVED', 'RESOLVED'];
  const edges = [0, 4 * H, 24 * H, 72 * H, 7 * DAY, 7 * DAY + 1, 24 * H - 1, 1];
  const out: Array<{ item: WorkItem; patch: Partial<WorkItem> }> = [];
  for (let n = 0; n < 240; n++) {
    const state = pick(states);
    const createdAgo = n % 9 === 0 ? pick(edges) : n === 5 ? -H : Math.floor(r() * 10 * DAY / MIN) * MIN;
    const created = at(createdAgo);
    const first = n % 11 === 0 ? at(pick(edges)) : new Date(created.getTime() - Math.floor(r() * 90) * MIN);
    const claimed = state === 'OPEN' && n % 4 ? null : n % 13 === 0 ? at(pick(edges)) : new Date(created.getTime() + Math.floor(r() * 8) * 15 * MIN);
    const resolved = state === 'RESOLVED' || n % 10 === 0 ? (n % 7 === 0 ? at(pick(edges)) : new Date((claimed ?? created).getTime() + Math.floor(r() * 12) * 30 * MIN)) : null;
    const due = () => (r() < 0.2 ? null : at(Math.floor((r() - 0.5) * 2 * DAY)));
    const id = `dg-${n}`;
    const item: WorkItem = {
      id, seq: 0, threadKey: `dg-thread-${n}`, queue: pick(queues), category: 'admin', priority: 'routine', redFlags: [], clinicalContent: false, state: 'OPEN',
      resumeState: null, ownerId: null, escalatedBy: null, escalationReason: null, onCallId: null, poolFallbackAt: null, snoozedUntil: null, patientId: `p${n}`, patientToken: `T.${n}. …0000`,
      patientPcp: null, link: null, version: 1, messageCount: 1, everEscalated: false, firstMessageAt: first, lastMessageAt: first, createdAt: created,
      updatedAt: created, claimedAt: null, resolvedAt: null, claimDueAt: null, resolveDueAt: null, nextReminderAt: null, reminderLevel: 0,
    };
    const patch = { state, ownerId: claimed ? pick(owners) : null, claimedAt: claimed, resolvedAt: resolved, everEscalated: r() < 0.3, claimDueAt: due(), resolveDueAt: due() };
    out.push({ item, patch });
  }
  return out;
}

async function seed(store: Store) {
  for (const [n, { item, patch }] of history().entries()) {
    const message = {
      id: `dg-msg-${n}`, source: 'digest-test', externalId: `dg-${n}`, resourceId: null, threadKey: item.threadKey, itemId: item.id, patientId: item.patientId,
      patientName: null, patientMrn: null, subject: null, body: 'x', categoryHint: null, link: null, sentAt: item.firstMessageAt, receivedAt: item.createdAt,
    };
    const stored = await store.saveIngest({ kind: 'new', message, item, audit: [], outbox: [] });
    if (stored.status !== 'stored') throw new Error(`seeding ${item.id}: ${stored.status}`);
    if (!(await store.applyTransition(item.id, stored.item.version, patch, [], []))) throw new Error(`seeding ${item.id}: version moved`);
  }
}

describe.each(STORE_KINDS)('digest aggregates on %s', (kind) => {
  let store: Store;
  let opened: OpenedStore | undefined;
  beforeAll(async () => {
    opened = await openStore(kind);
    store = opened.store;
    await seed(store);
  }, 120_000);
  afterAll(async () => opened?.cleanup());

  const since = at(7 * DAY);

  it('computes the same numbers as the digest computed from the items, field by field', async () => {
    const items = await store.digestItems(since);
    const js = aggregateDigest(items, NOW, 5);
    const sql = await store.digestAggregates(NOW, since, 5);
    const byQueue = (a: { queue: string }, b: { queue: string }) => a.queue.localeCompare(b.queue);
    const byStaff = (a: { staff: string }, b: { staff: string }) => a.staff.localeCompare(b.staff);
    expect([...sql.backlog].sort(byQueue)).toEqual([...js.backlog].sort(byQueue));
    expect(sql.pastSla).toBe(js.pastSla);
    for (const w of ['last24h', 'last7d'] as const) {
      expect(sql[w].claim).toEqual(js[w].claim);
      expect(sql[w].resolve).toEqual(js[w].resolve);
      expect([...sql[w].resolvedBy].sort(byStaff)).toEqual([...js[w].resolvedBy].sort(byStaff));
      expect(sql[w].created).toBe(js[w].created);
      expect(sql[w].createdEscalated).toBe(js[w].createdEscalated);
      expect(sql[w].resolvedWithoutPhysician).toBe(js[w].resolvedWithoutPhysician);
    }
    expect(sql.oldest).toEqual(js.oldest);
    // Per-person workload, in the same order on both paths (staff key, then state, by code unit).
    expect(sql.workload).toEqual(js.workload);
    expect(new Set(js.workload.map((w) => w.state))).toEqual(new Set(['CLAIMED', 'SNOOZED', 'ESCALATED']));
    expect(js.workload.some((w) => w.staff === '')).toBe(false);
    // The history exercises what it claims to: even and odd counts, several owners, every band.
    expect(js.last7d.claim.count).toBeGreaterThan(20);
    expect(js.last7d.resolvedBy.length).toBeGreaterThan(2);
    expect(js.backlog.every((q) => q.bands.length === 4)).toBe(true);
  });

  it('gives the same digest as building it from the items', async () => {
    const ctx = contextFor(store, new FixedClock(NOW), ['sandbox']);
    const fromItems = buildDigest({
      items: await store.digestItems(since), now: NOW, organization: SETTINGS.organization, queues: ctx.roster.queues.map((q) => ({ key: q.key, name: q.name })),
      staffName: (k) => ctx.roster.member(k)?.name ?? k, physicianMinutesPerMessage: SETTINGS.physicianMinutesPerMessage,
    });
    const model = await digestModel(ctx, SETTINGS, NOW);
    for (const field of Object.keys(fromItems) as Array<keyof typeof fromItems>) expect(model[field], field).toEqual(fromItems[field]);
    expect(model.resolvedPerPerson.length).toBeGreaterThan(2);
    expect(model.workload.length).toBeGreaterThan(2);
    for (const w of model.workload) expect(w.open).toBe(w.claimed + w.snoozed);
  });

  it.runIf(kind !== 'memory')("percentile_disc picks the same rank as the domain's nearest-rank percentile for every count from 1 to 200", async () => {
    const rows = await opened!.db!.db.sql.query(`SELECT n, percentile_disc(0.5::float8) WITHIN GROUP (ORDER BY g) AS p50, percentile_disc(0.9::float8) WITHIN GROUP (ORDER BY g) AS p90
      FROM generate_series(1, 200) n, generate_series(1, n) g GROUP BY n ORDER BY n`);
    const list = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    expect(rows.map((r) => [Number(r.n), Number(r.p50), Number(r.p90)])).toEqual(list(200).map((n) => [n, percentile(list(n), 50), percentile(list(n), 90)]));
  });
});
