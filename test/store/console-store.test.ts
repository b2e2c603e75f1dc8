import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/ports.ts';
import type { AuditHit, AuditQuery } from '../../src/domain/audit-search.ts';
import { searchAuditRecords } from '../../src/domain/audit-search.ts';
import { instantAtLocal } from '../../src/domain/business-time.ts';
import { aggregateDashboard, type DashboardAggregates, type DashboardQuery } from '../../src/domain/dashboard-aggregates.ts';
import type { AuditRecord } from '../../src/domain/audit.ts';
import type { WorkItem } from '../../src/domain/work-item.ts';
import { seededAudit, seededHistory, seedHistory } from '../support/seeded-history.ts';
import { openStore, STORE_KINDS, type OpenedStore } from '../support/stores.ts';

const NOW = new Date('2026-12-01T18:00:00Z');
const ZONE = 'America/Chicago';
const MIN = 60_000;

function sorted(a: DashboardAggregates): DashboardAggregates {
  const by = <T,>(k: (x: T) => string) => (x: T, y: T) => k(x).localeCompare(k(y));
  return {
    ...a,
    daily: [...a.daily].sort(by((r) => `${r.day}|${r.queue}`)),
    timing: [...a.timing].sort(by((t) => t.queue)),
    backlog: [...a.backlog].sort(by((b) => b.queue)),
    people: [...a.people].sort(by((p) => p.staff)),
  };
}

describe.each(STORE_KINDS)('console store on %s', (kind) => {
  let store: Store;
  let opened: OpenedStore | undefined;
  let items: WorkItem[];
  let audit: AuditRecord[];
  beforeAll(async () => {
    opened = await openStore(kind);
    store = opened.store;
    items = await seedHistory(store, seededHistory(NOW));
    audit = seededAudit(NOW, items);
    await store.appendAudit(audit);
  }, 120_000);
  afterAll(async () => opened?.cleanup());

  const periods: Array<[string, DashboardQuery]> = [
    ['the last 30 local days, every queue', { from: instantAtLocal('2026-11-02', '00:00', ZONE), to: NOW, now: NOW, timezone: ZONE, queues: null }],
    ['a lead’s two queues over a week', { from: instantAtLocal('2026-11-24', '00:00', ZONE), to: instantAtLocal('2026-11-30', '24:00', ZONE), now: NOW, timezone: ZONE, queues: ['nursing', 'refills'] }],
    ['days across the end of daylight saving time (1 Nov in Chicago)', { from: instantAtLocal('2026-10-25', '00:00', ZONE), to: instantAtLocal('2026-11-05', '24:00', ZONE), now: NOW, timezone: ZONE, queues: null }],
    ['no queue at all', { from: instantAtLocal('2026-11-02', '00:00', ZONE), to: NOW, now: NOW, timezone: ZONE, queues: [] }],
    ['a day in another zone', { from: instantAtLocal('2026-11-20', '00:00', 'Asia/Kolkata'), to: instantAtLocal('2026-11-20', '24:00', 'Asia/Kolkata'), now: NOW, timezone: 'Asia/Kolkata', queues: null }],
  ];

  it.each(periods)('computes the dashboard as the JS aggregation does, field by field: %s', async (_name, q) => {
    const all = await store.listItems({ limit: 100_000 });
    const js = sorted(aggregateDashboard(all, q));
    const sql = sorted(await store.dashboardAggregates(q));
    expect(sql.daily).toEqual(js.daily);
    expect(sql.timing).toEqual(js.timing);
    expect(sql.backlog).toEqual(js.backlog);
    expect(sql.people).toEqual(js.people);
    expect({ ...sql, daily: 0, timing: 0, backlog: 0, people: 0 }).toEqual({ ...js, daily: 0, timing: 0, backlog: 0, people: 0 });
    if (q.queues?.length === 0) expect(js.created + js.backlog.length).toBe(0);
  });

  it('exercises what it claims to: several days and queues, late and on-time work, people holding and resolving', () => {
    const js = aggregateDashboard(items, periods[0]![1]);
    expect(new Set(js.daily.map((d) => d.day)).size).toBeGreaterThan(20);
    expect(js.timing.length).toBeGreaterThanOrEqual(4);
    expect(js.timing.some((t) => t.claimLate > 0 && t.claimLate < t.claimTargets)).toBe(true);
    expect(js.timing.some((t) => t.resolveLate > 0 && t.resolveLate < t.resolveTargets)).toBe(true);
    expect(js.people.some((p) => p.holding > 0) && js.people.some((p) => p.resolved > 0)).toBe(true);
    expect(js.createdEscalated).toBeGreaterThan(0);
  });

  const searches: Array<[string, Omit<AuditQuery, 'limit'>]> = [
    ['everything', { queues: null }],
    ['one staff member', { queues: null, actor: 'dana-reyes' }],
    ['one action in a date range', { queues: null, action: 'item.claim', from: new Date(NOW.getTime() - 20 * 24 * 60 * MIN), to: new Date(NOW.getTime() - 5 * 24 * 60 * MIN) }],
    ['a lead’s queues', { queues: ['nursing', 'front-desk'] }],
    ['sign-ins (no item)', { queues: null, action: 'console.sign_in' }],
  ];

  it.each(searches)('searches the audit trail as the JS filter does, page by page: %s', async (_name, q) => {
    const ids = new Map(items.map((i) => [i.id, i]));
    const events = audit.map((record, i) => ({ id: BigInt(i + 1), record }));
    const strip = (h: AuditHit) => ({ id: h.id, itemId: h.itemId, actor: h.actor, action: h.action, at: h.at, itemSeq: h.itemSeq, itemQueue: h.itemQueue, reason: h.reason ?? null });
    let before: bigint | undefined;
    let pages = 0;
    for (;;) {
      const page = { ...q, limit: 25, beforeId: before };
      // The database's ids start where its sequence is: compare by position from the end instead.
      const sql = await store.searchAudit(page.beforeId === undefined ? page : { ...page, beforeId: page.beforeId + offset });
      const js = searchAuditRecords(events, (id) => ids.get(id), page);
      expect(sql.map((h) => strip({ ...h, id: h.id - offset }))).toEqual(js.map(strip));
      pages++;
      if (js.length < 25) break;
      before = js.at(-1)!.id;
    }
    expect(pages).toBeGreaterThanOrEqual(1);
  });

  let offset = 0n;
  beforeAll(async () => {
    // The first seeded event's id in this store (the SQL sequence may not start at 1).
    const oldest = await store.searchAudit({ queues: null, limit: 100_000 });
    offset = oldest.at(-1)!.id - 1n;
  });

  it('finds one item’s events by its number', async () => {
    const item = items.find((i) => audit.filter((a) => a.itemId === i.id).length >= 2)!;
    const hits = await store.searchAudit({ queues: null, itemSeq: item.seq, limit: 100 });
    expect(hits.length).toBe(audit.filter((a) => a.itemId === item.id).length);
    expect(hits.every((h) => h.itemSeq === item.seq && h.itemQueue === item.queue)).toBe(true);
    expect((await store.findItemBySeq(item.seq))?.id).toBe(item.id);
    expect(await store.findItemBySeq(999_999)).toBeNull();
  });

  it('keeps a sign-in under way for one use, before its time', async () => {
    const login = { id: `login-${kind}`, state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/console/dashboard', createdAt: NOW, expiresAt: new Date(NOW.getTime() + 10 * MIN) };
    await store.saveConsoleLogin(login);
    expect(await store.takeConsoleLogin(login.id, NOW)).toEqual(login);
    expect(await store.takeConsoleLogin(login.id, NOW)).toBeNull();
    await store.saveConsoleLogin({ ...login, id: `late-${kind}` });
    expect(await store.takeConsoleLogin(`late-${kind}`, new Date(NOW.getTime() + 11 * MIN))).toBeNull();
  });

  it('ends a session left idle, once, and one past its absolute end; a signed-out one stays ended', async () => {
    const s = { id: `s-${kind}`, staffKey: 'morgan-lee', email: 'm@x.example', createdAt: NOW, lastSeenAt: NOW, expiresAt: new Date(NOW.getTime() + 12 * 60 * MIN), endedAt: null, endReason: null };
    await store.createConsoleSession(s);
    const idle = 15 * MIN;
    const t = (m: number) => new Date(NOW.getTime() + m * MIN);
    expect(await store.touchConsoleSession(s.id, t(14), idle)).toMatchObject({ status: 'active', session: { lastSeenAt: t(14) } });
    expect(await store.touchConsoleSession(s.id, t(28), idle)).toMatchObject({ status: 'active' });
    expect(await store.touchConsoleSession(s.id, t(43), idle)).toMatchObject({ status: 'ended', justNow: true, session: { endReason: 'idle', endedAt: t(43) } });
    expect(await store.touchConsoleSession(s.id, t(44), idle)).toMatchObject({ status: 'ended', justNow: false });
    expect(await store.touchConsoleSession('nobody', t(44), idle)).toEqual({ status: 'unknown' });

    const long = { ...s, id: `long-${kind}`, expiresAt: t(20) };
    await store.createConsoleSession(long);
    expect(await store.touchConsoleSession(long.id, t(10), idle)).toMatchObject({ status: 'active' });
    expect(await store.touchConsoleSession(long.id, t(20), idle)).toMatchObject({ status: 'ended', justNow: true, session: { endReason: 'expired' } });

    const out = { ...s, id: `out-${kind}` };
    await store.createConsoleSession(out);
    expect(await store.endConsoleSession(out.id, t(1), 'logout')).toMatchObject({ endReason: 'logout' });
    expect(await store.endConsoleSession(out.id, t(2), 'logout')).toBeNull();
    expect(await store.touchConsoleSession(out.id, t(3), idle)).toMatchObject({ status: 'ended', justNow: false, session: { endReason: 'logout' } });
  });
});
