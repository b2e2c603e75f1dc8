import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/ports.ts';
import type { AuditRecord } from '../../src/domain/audit.ts';
import type { AwayPeriod } from '../../src/domain/availability.ts';
import { openStore, STORE_KINDS, type OpenedStore } from '../support/stores.ts';

/** The away periods' part of the Store contract, on the in-memory fake, PGlite and PostgreSQL alike. */
describe.each(STORE_KINDS)('Store contract (away periods) on %s', (kind) => {
  let store: Store;
  let opened: OpenedStore | undefined;
  beforeAll(async () => {
    opened = await openStore(kind);
    store = opened.store;
  });
  afterAll(async () => opened?.cleanup());

  const T = (iso: string) => new Date(iso);
  let n = 0;
  const period = (staffKey: string, from: string, until: string, over: Partial<AwayPeriod> = {}): AwayPeriod => ({
    id: `away-${kind}-${++n}`, staffKey, from: T(from), until: T(until), coverKey: null, setBy: staffKey, setAt: T('2026-12-01T15:00:00Z'),
    endedAt: null, endedBy: null, startedAt: null, ...over,
  });
  const audit = (action: string, staff: string, at = T('2026-12-01T15:00:00Z')): AuditRecord => ({ itemId: null, actor: 'priya-shah', platform: 'test', action, detail: { staff }, at });
  /** The audit events of everyone's away periods: they have no item, so they are read back by what they name. */
  const auditNaming = async (staff: string) => {
    if (opened?.db) {
      const rows = await opened.db.db.sql.query(
        `SELECT action, actor, to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at FROM "AuditEvent" WHERE "itemId" IS NULL AND detail->>'staff' = $1 ORDER BY id`, [staff]);
      return rows.map((r) => ({ action: r.action, actor: r.actor, at: new Date(String(r.at)) }));
    }
    const mem = store as unknown as { audit: AuditRecord[] };
    return mem.audit.filter((a) => a.itemId === null && a.detail?.staff === staff).map((a) => ({ action: a.action, actor: a.actor, at: a.at }));
  };

  it('stores a period with its audit event and reads it back exactly, instants in UTC', async () => {
    const p = period(`s1-${kind}`, '2026-12-01T15:00:00.123Z', '2026-12-04T06:00:00Z', { coverKey: 'jordan-kim', setBy: 'priya-shah' });
    await store.saveAway(p, [audit('staff.away', p.staffKey)]);
    expect(await store.awayPeriods({ after: T('2026-12-02T00:00:00Z'), staffKey: p.staffKey })).toEqual([p]);
    expect(await auditNaming(p.staffKey)).toEqual([{ action: 'staff.away', actor: 'priya-shah', at: T('2026-12-01T15:00:00Z') }]);
  });

  it('lists what is under way or still to come after an instant, soonest first, for one person or everyone', async () => {
    const who = `s2-${kind}`;
    const later = period(who, '2026-12-10T06:00:00Z', '2026-12-12T06:00:00Z');
    const now = period(who, '2026-12-01T06:00:00Z', '2026-12-03T06:00:00Z');
    const past = period(who, '2026-11-01T06:00:00Z', '2026-11-02T06:00:00Z');
    const other = period(`s2b-${kind}`, '2026-12-01T06:00:00Z', '2026-12-02T06:00:00Z');
    for (const p of [later, now, past, other]) await store.saveAway(p, []);
    const at = T('2026-12-01T12:00:00Z');
    expect((await store.awayPeriods({ after: at, staffKey: who })).map((p) => p.id)).toEqual([now.id, later.id]);
    const everyone = (await store.awayPeriods({ after: at })).map((p) => p.id);
    expect(everyone).toEqual(expect.arrayContaining([now.id, later.id, other.id]));
    expect(everyone).not.toContain(past.id);
    // Until is exclusive: at its end a period is no longer listed.
    expect((await store.awayPeriods({ after: T('2026-12-03T06:00:00Z'), staffKey: who })).map((p) => p.id)).toEqual([later.id]);
  });

  it('ends a period once, with its audit event only the first time, and no longer lists it', async () => {
    const p = period(`s3-${kind}`, '2026-12-01T06:00:00Z', '2026-12-05T06:00:00Z');
    await store.saveAway(p, []);
    const at = T('2026-12-02T15:00:00Z');
    const ended = await store.endAway(p.id, at, 'morgan-lee', [audit('staff.away_ended', p.staffKey, at)]);
    expect(ended).toEqual({ ...p, endedAt: at, endedBy: 'morgan-lee' });
    expect(await store.endAway(p.id, T('2026-12-02T16:00:00Z'), 'priya-shah', [audit('staff.away_ended', p.staffKey)])).toBeNull();
    expect(await store.endAway('no-such-period', at, 'priya-shah', [])).toBeNull();
    expect((await auditNaming(p.staffKey)).map((a) => a.action)).toEqual(['staff.away_ended']);
    expect(await store.awayPeriods({ after: at, staffKey: p.staffKey })).toEqual([]);
    expect(await store.awayPeriods({ after: T('2026-12-02T14:00:00Z'), staffKey: p.staffKey })).toHaveLength(1); // before it ended
  });

  it('finds the starts that are due and not yet applied, and records a start for exactly one of many callers', async () => {
    const due = period(`s4-${kind}`, '2026-12-01T06:00:00Z', '2026-12-05T06:00:00Z');
    const ahead = period(`s4b-${kind}`, '2026-12-07T06:00:00Z', '2026-12-09T06:00:00Z');
    const called = period(`s4c-${kind}`, '2026-12-01T06:00:00Z', '2026-12-05T06:00:00Z', { endedAt: T('2026-12-01T07:00:00Z'), endedBy: 'x' });
    for (const p of [due, ahead, called]) await store.saveAway(p, []);
    const at = T('2026-12-01T15:00:00Z');
    const mine = (ps: AwayPeriod[]) => ps.map((p) => p.id).filter((id) => [due.id, ahead.id, called.id].includes(id));
    expect(mine(await store.dueAwayStarts(at))).toEqual([due.id]);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.markAwayStarted(due.id, at)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(mine(await store.dueAwayStarts(at))).toEqual([]);
    expect((await store.awayPeriods({ after: at, staffKey: due.staffKey }))[0]!.startedAt).toEqual(at);
    expect(mine(await store.dueAwayStarts(T('2026-12-07T06:00:00Z')))).toEqual([ahead.id]);
  });
});
