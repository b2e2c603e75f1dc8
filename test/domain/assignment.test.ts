import { describe, expect, it } from 'vitest';
import { assignableNow, autoAssignmentOf, byAssignmentOrder, pickAssignee, rotation, type AutoPolicy } from '../../src/domain/assignment.ts';
import type { Priority } from '../../src/domain/types.ts';
import { workloadOf } from '../../src/domain/workload.ts';

const MEMBERS = ['ana', 'ben', 'cy', 'dee'];
const NOW = new Date('2026-12-01T15:00:00Z');
const MIN = 60_000;

/** Picks with everyone eligible unless said otherwise; loads from a table. */
function pick(policy: AutoPolicy, o: { last?: string | null; away?: string[]; load?: Record<string, number>; maxOpen?: number }) {
  return pickAssignee(policy, {
    members: MEMBERS,
    last: o.last ?? null,
    eligible: (k) => !(o.away ?? []).includes(k),
    open: (k) => o.load?.[k] ?? 0,
    maxOpen: o.maxOpen ?? 10,
  })?.key ?? null;
}

describe('rotation', () => {
  it.each([
    [null, ['ana', 'ben', 'cy', 'dee']],
    ['ana', ['ben', 'cy', 'dee', 'ana']],
    ['dee', ['ana', 'ben', 'cy', 'dee']],
    ['someone-who-left', ['ana', 'ben', 'cy', 'dee']],
  ])('after %s the turn goes %j', (last, order) => {
    expect(rotation(MEMBERS, last)).toEqual(order);
  });
});

describe('pickAssignee', () => {
  it.each<[string, AutoPolicy, Parameters<typeof pick>[1], string | null]>([
    ['round-robin starts with the first member', 'round-robin', {}, 'ana'],
    ['round-robin takes the one after the last assignee', 'round-robin', { last: 'ben' }, 'cy'],
    ['round-robin wraps around', 'round-robin', { last: 'dee' }, 'ana'],
    ['round-robin skips the unavailable', 'round-robin', { last: 'ana', away: ['ben', 'cy'] }, 'dee'],
    ['round-robin skips whoever is at the cap', 'round-robin', { last: 'ana', load: { ben: 3 }, maxOpen: 3 }, 'cy'],
    ['round-robin ignores load below the cap', 'round-robin', { last: 'ana', load: { ben: 2, cy: 0 }, maxOpen: 3 }, 'ben'],
    ['least-loaded picks the fewest open items', 'least-loaded', { load: { ana: 3, ben: 1, cy: 2, dee: 4 } }, 'ben'],
    ['least-loaded breaks a tie by the turn after the last assignee', 'least-loaded', { last: 'ben', load: { ana: 1, ben: 1, cy: 1, dee: 1 } }, 'cy'],
    ['least-loaded tie with no last assignee: the first member', 'least-loaded', { load: { ana: 0, ben: 0 } }, 'ana'],
    ['least-loaded skips the unavailable even when least loaded', 'least-loaded', { load: { ana: 5, ben: 0, cy: 2, dee: 5 }, away: ['ben'] }, 'cy'],
    ['least-loaded never picks someone at the cap', 'least-loaded', { load: { ana: 2, ben: 2, cy: 2, dee: 2 }, maxOpen: 2 }, null],
    ['nobody available', 'round-robin', { away: MEMBERS }, null],
  ])('%s', (_name, policy, o, expected) => {
    expect(pick(policy, o)).toBe(expected);
  });

  it('reports the load it chose on', () => {
    expect(pickAssignee('least-loaded', { members: MEMBERS, last: null, eligible: () => true, open: (k) => ({ ana: 4, ben: 3, cy: 7, dee: 9 })[k]!, maxOpen: 10 })).toEqual({ key: 'ben', open: 3 });
  });
});

describe('assignableNow', () => {
  const a = { policy: 'least-loaded' as const, maxOpen: 10, redFlagAssignAfter: 5 };
  const base = { state: 'OPEN' as const, ownerId: null, redFlags: [] as string[], createdAt: new Date(NOW.getTime() - MIN), lastMessageAt: new Date(NOW.getTime() - 2 * MIN) };
  it.each([
    ['an unowned OPEN item, at once', base, true],
    ['a claimed item: never', { ...base, state: 'CLAIMED' as const, ownerId: 'ana' }, false],
    ['a snoozed item: never', { ...base, state: 'SNOOZED' as const }, false],
    ['a red flag 4 minutes old: not yet (the channel sees it first)', { ...base, redFlags: ['chest-pain'], createdAt: new Date(NOW.getTime() - 4 * MIN) }, false],
    ['a red flag 5 minutes old: now', { ...base, redFlags: ['chest-pain'], createdAt: new Date(NOW.getTime() - 5 * MIN), lastMessageAt: new Date(NOW.getTime() - 6 * MIN) }, true],
    ['a red flag raised by a follow-up a minute ago on an old item: not yet', { ...base, redFlags: ['chest-pain'], createdAt: new Date(NOW.getTime() - 60 * MIN), lastMessageAt: new Date(NOW.getTime() - MIN) }, false],
  ])('%s', (_name, item, expected) => {
    expect(assignableNow(item, a, NOW)).toBe(expected);
  });
});

describe('the order work is handed out in', () => {
  it('is highest priority first, then the oldest, then the card number', () => {
    const at = (m: number) => new Date(NOW.getTime() + m * MIN);
    const items = [
      { seq: 1, priority: 'routine' as Priority, createdAt: at(0) },
      { seq: 2, priority: 'stat' as Priority, createdAt: at(5) },
      { seq: 3, priority: 'urgent' as Priority, createdAt: at(1) },
      { seq: 4, priority: 'stat' as Priority, createdAt: at(2) },
      { seq: 5, priority: 'routine' as Priority, createdAt: at(0) },
    ];
    expect([...items].sort(byAssignmentOrder).map((i) => i.seq)).toEqual([4, 2, 3, 1, 5]);
  });
});

describe('autoAssignmentOf', () => {
  it('is null for a queue without settings or with manual, the settings otherwise', () => {
    const q = { key: 'q', name: 'Q', members: ['ana'] };
    expect(autoAssignmentOf(q)).toBeNull();
    expect(autoAssignmentOf({ ...q, assignment: { policy: 'manual', maxOpen: 3, redFlagAssignAfter: 5 } })).toBeNull();
    expect(autoAssignmentOf({ ...q, assignment: { policy: 'round-robin', maxOpen: 3, redFlagAssignAfter: 5 } })).toMatchObject({ policy: 'round-robin', maxOpen: 3 });
  });
});

describe('workloadOf', () => {
  it('adds claimed and snoozed into open, shows escalations beside it, lists idle people at zero, most loaded first', () => {
    const rows = workloadOf(
      [{ staff: 'ben', state: 'CLAIMED', count: 2 }, { staff: 'ben', state: 'SNOOZED', count: 1 }, { staff: 'doc', state: 'ESCALATED', count: 4 }, { staff: 'ana', state: 'CLAIMED', count: 3 }],
      (k) => k.toUpperCase(),
      ['cy', 'ana'],
    );
    expect(rows).toEqual([
      { staff: 'ana', name: 'ANA', claimed: 3, snoozed: 0, escalated: 0, open: 3 },
      { staff: 'ben', name: 'BEN', claimed: 2, snoozed: 1, escalated: 0, open: 3 },
      { staff: 'doc', name: 'DOC', claimed: 0, snoozed: 0, escalated: 4, open: 0 },
      { staff: 'cy', name: 'CY', claimed: 0, snoozed: 0, escalated: 0, open: 0 },
    ]);
  });
});
