import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  availableAt,
  awayAt,
  coverageAt,
  coverOf,
  currentAndUpcoming,
  escalationTarget,
  isOnShift,
  type AwayPeriod,
} from '../../src/domain/availability.ts';
import type { BusinessCalendar } from '../../src/domain/business-time.ts';
import { Roster, type StaffMember } from '../../src/domain/roster.ts';

// Times written as local wall times and converted with luxon directly, as in business-time.test.ts.
const CHI = 'America/Chicago';
const at = (local: string, zone = CHI) => DateTime.fromISO(local.replace(' ', 'T'), { zone }).toJSDate();

/** Mon–Fri 08:00–17:00 in Chicago; Christmas Eve 2026 (a Thursday) is a holiday. */
const org: BusinessCalendar = {
  timezone: CHI,
  weekly: { mon: [['08:00', '17:00']], tue: [['08:00', '17:00']], wed: [['08:00', '17:00']], thu: [['08:00', '17:00']], fri: [['08:00', '17:00']] },
  holidays: ['2026-12-24'],
};

const person = (key: string, over: Partial<StaffMember> = {}): StaffMember => ({ key, name: key, roles: [], physician: false, lead: false, manager: false, active: true, ...over });
const roster = new Roster(
  [
    person('sam'),
    person('jordan', { hours: { tue: [['12:00', '20:00']], sat: [['08:00', '12:00']] } }),
    person('nita', { timezone: 'America/New_York', hours: { mon: [['09:00', '17:00']] } }),
    person('dr-alvarez', { physician: true, coveredBy: 'dr-baker' }),
    person('dr-baker', { physician: true }),
    person('dr-cho', { physician: true }),
    person('gone', { active: false }),
  ],
  [{ key: 'front', name: 'Front', members: ['sam', 'jordan'] }],
);
const staff = (key: string) => roster.staff.find((s) => s.key === key)!;

let n = 0;
const away = (staffKey: string, from: string, until: string, over: Partial<AwayPeriod> = {}): AwayPeriod => ({
  id: `a${++n}`, staffKey, from: at(from), until: at(until), coverKey: null, setBy: staffKey, setAt: at(from), endedAt: null, endedBy: null, startedAt: null, ...over,
});

describe('isOnShift', () => {
  it.each([
    ['without own hours: inside business hours', 'sam', '2026-12-01 09:00', true],
    ['without own hours: after closing', 'sam', '2026-12-01 17:00', false],
    ['without own hours: a Saturday', 'sam', '2026-12-05 10:00', false],
    ['without own hours: the holiday, a Thursday', 'sam', '2026-12-24 10:00', false],
    ['own hours: a Tuesday evening past the clinic’s closing', 'jordan', '2026-12-01 19:00', true],
    ['own hours: a Tuesday morning, before their shift though the clinic is open', 'jordan', '2026-12-01 09:00', false],
    ['own hours: Saturday morning, the clinic closed', 'jordan', '2026-12-05 09:00', true],
    ['own hours in their own zone: Mon 09:00 New York is 08:00 Chicago', 'nita', '2026-12-07 08:00', true],
    ['own hours in their own zone: Mon 07:30 Chicago is 08:30 New York, before their shift', 'nita', '2026-12-07 07:30', false],
  ])('%s', (_name, key, local, expected) => {
    expect(isOnShift(staff(key), at(local), org)).toBe(expected);
  });

  it('keeps the holiday for people with their own hours (the clinic is closed)', () => {
    const thursdays = person('t', { hours: { thu: [['08:00', '17:00']] } });
    expect(isOnShift(thursdays, at('2026-12-17 10:00'), org)).toBe(true);
    expect(isOnShift(thursdays, at('2026-12-24 10:00'), org)).toBe(false);
  });

  it('follows DST in their own hours: 08:00 local is 14:00 UTC in winter and 13:00 UTC in summer', () => {
    const mornings = person('m', { hours: { mon: [['08:00', '09:00']] } });
    // 2026-03-09 is the Monday after the US change (8 March): CDT, UTC−5.
    expect(isOnShift(mornings, new Date('2026-03-02T14:30:00Z'), org)).toBe(true); // 08:30 CST
    expect(isOnShift(mornings, new Date('2026-03-09T14:30:00Z'), org)).toBe(false); // 09:30 CDT
    expect(isOnShift(mornings, new Date('2026-03-09T13:30:00Z'), org)).toBe(true); // 08:30 CDT
  });
});

describe('awayAt and currentAndUpcoming', () => {
  const trip = away('sam', '2026-12-01 10:00', '2026-12-03 00:00');
  it.each([
    ['before it starts', '2026-12-01 09:59', false],
    ['at its start', '2026-12-01 10:00', true],
    ['during it', '2026-12-02 12:00', true],
    ['at its end (until is exclusive)', '2026-12-03 00:00', false],
  ])('%s', (_name, local, expected) => {
    expect(awayAt([trip], 'sam', at(local))).toBe(expected ? trip : null);
  });

  it('stops at an early end and says nothing for someone else', () => {
    const back = { ...trip, endedAt: at('2026-12-02 08:00') };
    expect(awayAt([back], 'sam', at('2026-12-02 07:59'))).toBe(back);
    expect(awayAt([back], 'sam', at('2026-12-02 08:00'))).toBeNull();
    expect(awayAt([trip], 'jordan', at('2026-12-02 12:00'))).toBeNull();
  });

  it('lists what is under way and still to come, soonest first, and drops what ended or passed', () => {
    const later = away('sam', '2026-12-10 00:00', '2026-12-12 00:00');
    const past = away('sam', '2026-11-01 00:00', '2026-11-02 00:00');
    const called = away('sam', '2026-12-20 00:00', '2026-12-22 00:00', { endedAt: at('2026-12-01 09:00') });
    expect(currentAndUpcoming([later, past, called, trip], 'sam', at('2026-12-01 12:00'))).toEqual([trip, later]);
  });
});

describe('coverOf', () => {
  const now = at('2026-12-01 12:00');
  it('is the away period’s cover, else the config coveredBy, only while away', () => {
    expect(coverOf(roster, [away('dr-alvarez', '2026-12-01 08:00', '2026-12-02 08:00', { coverKey: 'dr-cho' })], 'dr-alvarez', now)?.key).toBe('dr-cho');
    expect(coverOf(roster, [away('dr-alvarez', '2026-12-01 08:00', '2026-12-02 08:00')], 'dr-alvarez', now)?.key).toBe('dr-baker');
    expect(coverOf(roster, [], 'dr-alvarez', now)).toBeNull(); // in: nobody covers
  });

  it('passes on through a cover who is away too, and ends when two cover each other', () => {
    const alvarez = away('dr-alvarez', '2026-12-01 08:00', '2026-12-02 08:00');
    const baker = away('dr-baker', '2026-12-01 08:00', '2026-12-02 08:00', { coverKey: 'dr-cho' });
    expect(coverOf(roster, [alvarez, baker], 'dr-alvarez', now)?.key).toBe('dr-cho');
    const bakerBack = away('dr-baker', '2026-12-01 08:00', '2026-12-02 08:00', { coverKey: 'dr-alvarez' });
    expect(coverOf(roster, [alvarez, bakerBack], 'dr-alvarez', now)).toBeNull();
  });

  it('is nobody when the cover is not active on the roster', () => {
    expect(coverOf(roster, [away('sam', '2026-12-01 08:00', '2026-12-02 08:00', { coverKey: 'gone' })], 'sam', now)).toBeNull();
  });
});

describe('escalationTarget', () => {
  const now = at('2026-12-01 12:00');
  const coverage = (periods: AwayPeriod[]) => coverageAt(roster, periods, now);
  it.each([
    ['in: herself', 'dr-alvarez', [], 'dr-alvarez', null],
    ['away with a cover (her config coveredBy): the cover, recorded as covering for her', 'dr-alvarez', [away('dr-alvarez', '2026-12-01 08:00', '2026-12-02 08:00')], 'dr-baker', 'dr-alvarez'],
    ['away, nobody covers: the physician pool', 'dr-cho', [away('dr-cho', '2026-12-01 08:00', '2026-12-02 08:00')], null, null],
    ['away, covered by someone who is no physician: the physician pool', 'dr-cho', [away('dr-cho', '2026-12-01 08:00', '2026-12-02 08:00', { coverKey: 'sam' })], null, null],
  ] as Array<[string, string, AwayPeriod[], string | null, string | null]>)('%s', (_name, key, periods, to, coveringFor) => {
    const t = escalationTarget(staff(key), coverage(periods));
    expect(t.to?.key ?? null).toBe(to);
    expect(t.coveringFor).toBe(coveringFor);
  });
});

describe('availableAt', () => {
  it('is the active staff on shift and not away, at a fixed time', () => {
    const periods = [away('sam', '2026-12-01 08:00', '2026-12-02 00:00'), away('dr-baker', '2026-12-03 00:00', '2026-12-04 00:00')];
    // Tue 1 Dec 12:00: the clinic is open; Jordan's shift starts at 12:00; Nita works Mondays only; Sam is away.
    expect([...availableAt(roster, periods, at('2026-12-01 12:00'), org)].sort()).toEqual(['dr-alvarez', 'dr-baker', 'dr-cho', 'jordan']);
    // Christmas Eve: nobody, whatever their hours say.
    expect([...availableAt(roster, periods, at('2026-12-24 12:00'), org)]).toEqual([]);
  });
});
