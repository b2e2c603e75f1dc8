import { describe, expect, it } from 'vitest';
import { onCallAt, poolOffer, type OnCallRota } from '../../src/domain/on-call.ts';
import { Roster } from '../../src/domain/roster.ts';

const ZONE = 'America/Chicago';
const T = (iso: string) => new Date(iso);

/** Weekdays from 08:00 Chicago; Friday's physician keeps the weekend (Saturday, Sunday) until Monday 08:00. */
const rota: OnCallRota = {
  handover: '08:00',
  weekly: {
    mon: { physician: 'dr-alvarez' },
    tue: { physician: 'dr-baker' },
    wed: { physician: 'dr-cho' },
    thu: { physician: 'dr-alvarez' },
    fri: { physician: 'dr-baker', handover: '17:00' },
    sun: { physician: 'dr-baker' },
  },
  overrides: [
    { from: '2026-12-24', until: '2026-12-24', physician: 'dr-cho' },
    { from: '2026-12-28', until: '2026-12-30', physician: 'dr-alvarez' },
  ],
};

describe('onCallAt', () => {
  // 2026-12-01 is a Tuesday; Chicago is UTC-6 in December.
  it.each([
    ['Tuesday 08:00, the handover: Tuesday’s physician', '2026-12-01T14:00:00Z', 'dr-baker'],
    ['Tuesday 07:59: still Monday’s on-call day', '2026-12-01T13:59:00Z', 'dr-alvarez'],
    ['Wednesday 03:00 (night): still Tuesday’s', '2026-12-02T09:00:00Z', 'dr-baker'],
    ['Friday 16:59: Thursday’s, Friday hands over at 17:00', '2026-12-04T22:59:00Z', 'dr-alvarez'],
    ['Friday 17:00: Friday’s', '2026-12-04T23:00:00Z', 'dr-baker'],
    ['Saturday 10:00: nobody (no Saturday entry)', '2026-12-05T16:00:00Z', null],
    ['Saturday 07:00: Friday’s day still runs', '2026-12-05T13:00:00Z', 'dr-baker'],
    ['Sunday 09:00: Sunday’s', '2026-12-06T15:00:00Z', 'dr-baker'],
  ])('%s', (_what, at, who) => {
    expect(onCallAt(rota, ZONE, T(at))?.physician ?? null).toBe(who);
  });

  it('lets an override beat the weekly pattern, for its whole on-call day (handover to handover)', () => {
    // 2026-12-24 is a Thursday (weekly: dr-alvarez); the override puts dr-cho on call.
    const on = onCallAt(rota, ZONE, T('2026-12-24T20:00:00Z'))!;
    expect(on).toEqual({ physician: 'dr-cho', day: '2026-12-24', source: 'override', since: T('2026-12-24T14:00:00Z'), until: T('2026-12-25T23:00:00Z') });
    // 07:00 on the 24th is still Wednesday the 23rd's day: the weekly pattern's.
    expect(onCallAt(rota, ZONE, T('2026-12-24T13:00:00Z'))).toMatchObject({ physician: 'dr-cho', day: '2026-12-23', source: 'weekly' });
  });

  it('covers every day of a from/until override, the last one included, and a day the pattern leaves empty', () => {
    expect(onCallAt(rota, ZONE, T('2026-12-28T15:00:00Z'))?.physician).toBe('dr-alvarez'); // Monday
    expect(onCallAt(rota, ZONE, T('2026-12-29T15:00:00Z'))?.physician).toBe('dr-alvarez'); // Tuesday (weekly: dr-baker)
    expect(onCallAt(rota, ZONE, T('2026-12-31T13:59:00Z'))?.physician).toBe('dr-alvarez'); // the 30th's day, until its handover
    expect(onCallAt(rota, ZONE, T('2026-12-31T14:00:00Z'))?.physician).toBe('dr-alvarez'); // Thursday's weekly entry
    const saturday = { ...rota, overrides: [{ from: '2026-12-05', until: '2026-12-05', physician: 'dr-cho' }] };
    expect(onCallAt(saturday, ZONE, T('2026-12-05T16:00:00Z'))).toMatchObject({ physician: 'dr-cho', source: 'override' });
  });

  it('hands over at the local time on the day the clocks go forward (a 23-hour day)', () => {
    // 2026-03-08, Sunday: Chicago goes from 02:00 CST to 03:00 CDT. The 08:00 handover is 13:00Z, not 14:00Z.
    const spring: OnCallRota = { handover: '08:00', weekly: { sat: { physician: 'dr-alvarez' }, sun: { physician: 'dr-baker' } }, overrides: [] };
    expect(onCallAt(spring, ZONE, T('2026-03-08T12:59:00Z'))?.physician).toBe('dr-alvarez');
    const sunday = onCallAt(spring, ZONE, T('2026-03-08T13:00:00Z'))!;
    expect(sunday.physician).toBe('dr-baker');
    expect(sunday.since).toEqual(T('2026-03-08T13:00:00Z'));
    // Saturday's on-call day was 08:00 CST to 08:00 CDT: 23 hours.
    const saturday = onCallAt(spring, ZONE, T('2026-03-08T12:00:00Z'))!;
    expect(saturday.until.getTime() - saturday.since.getTime()).toBe(23 * 3_600_000);
  });

  it('hands over a handover time the spring-forward gap skips at the first instant after it, and a repeated one at its first occurrence', () => {
    const at0230: OnCallRota = { handover: '02:30', weekly: { sat: { physician: 'dr-alvarez' }, sun: { physician: 'dr-baker' } }, overrides: [] };
    // 02:30 does not exist on 2026-03-08 in Chicago: the handover falls at 03:30 CDT (08:30Z).
    expect(onCallAt(at0230, ZONE, T('2026-03-08T08:29:00Z'))?.physician).toBe('dr-alvarez');
    expect(onCallAt(at0230, ZONE, T('2026-03-08T08:30:00Z'))?.physician).toBe('dr-baker');
    // 2026-11-01, Sunday: 01:00–02:00 happens twice (CDT, then CST). A 01:30 handover is at the first, 06:30Z.
    const at0130: OnCallRota = { handover: '01:30', weekly: { sat: { physician: 'dr-alvarez' }, sun: { physician: 'dr-baker' } }, overrides: [] };
    expect(onCallAt(at0130, ZONE, T('2026-11-01T06:29:00Z'))?.physician).toBe('dr-alvarez');
    expect(onCallAt(at0130, ZONE, T('2026-11-01T06:30:00Z'))?.physician).toBe('dr-baker');
    expect(onCallAt(at0130, ZONE, T('2026-11-01T07:30:00Z'))?.physician).toBe('dr-baker'); // the second 01:30 changes nothing
  });

  it('names nobody for an empty rota', () => {
    expect(onCallAt({ handover: '00:00', weekly: {}, overrides: [] }, ZONE, T('2026-12-01T15:00:00Z'))).toBeNull();
  });
});

describe('poolOffer', () => {
  const staff = (over: Record<string, unknown> = {}) => [
    { key: 'dr-alvarez', name: 'Dr. Elena Alvarez', roles: [], physician: true, lead: false, manager: false, active: true, ...over },
    { key: 'dr-baker', name: 'Dr. Marcus Baker', roles: [], physician: true, lead: false, manager: false, active: true },
    { key: 'sam-ortiz', name: 'Sam Ortiz', roles: [], physician: false, lead: false, manager: false, active: true },
  ];
  const roster = (over?: Record<string, unknown>) => new Roster(staff(over), []);
  const monday = T('2026-11-30T16:00:00Z'); // Monday 10:00 Chicago: dr-alvarez

  it('offers a pool escalation to the active physician on call, the whole pool after the fallback (wall clock)', () => {
    expect(poolOffer(rota, 30, roster(), ZONE, monday)).toEqual({ physician: 'dr-alvarez', fallbackAt: T('2026-11-30T16:30:00Z') });
  });

  it.each([
    ['no rota', undefined, roster(), monday],
    ['nobody on call at that moment', rota, roster(), T('2026-12-05T16:00:00Z')],
    ['the physician on call is inactive', rota, roster({ active: false }), monday],
    ['the one on call is no longer a physician', rota, roster({ physician: false }), monday],
  ] as const)('offers nothing (the whole pool at once) with %s', (_what, r, ros, at) => {
    expect(poolOffer(r, 30, ros, ZONE, at)).toBeNull();
  });
});
