import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addBusinessMinutes,
  addWallMinutes,
  businessMinutesBetween,
  dueAfter,
  instantAtLocal,
  isOpen,
  localDate,
  localTimeLabel,
  nextOpening,
  type BusinessCalendar,
} from '../../src/domain/business-time.ts';

// Inputs and expectations are written as local wall times and converted with luxon directly,
// so the tests do not lean on the code under test to build their own fixtures.
const CHI = 'America/Chicago';
const NY = 'America/New_York';
const at = (local: string, zone = CHI) => DateTime.fromISO(local.replace(' ', 'T'), { zone }).toJSDate();
const show = (d: Date, zone = CHI) => DateTime.fromJSDate(d, { zone }).toFormat('ccc yyyy-MM-dd HH:mm');
const utc = (iso: string) => new Date(iso);

const day: Array<[string, string]> = [
  ['08:00', '12:00'],
  ['13:00', '17:00'],
];
/** Weekdays 08–12 and 13–17 with a lunch gap; Good Friday 2026-04-03 is a holiday. */
const clinic: BusinessCalendar = {
  timezone: CHI,
  weekly: { mon: day, tue: day, wed: day, thu: day, fri: day },
  holidays: ['2026-04-03'],
};
/** Weekdays 08–17 plus all of Sunday, so the DST nights (both on Sundays) are business time. */
const sundays: BusinessCalendar = {
  timezone: NY,
  weekly: {
    mon: [['08:00', '17:00']],
    tue: [['08:00', '17:00']],
    wed: [['08:00', '17:00']],
    thu: [['08:00', '17:00']],
    fri: [['08:00', '17:00']],
    sun: [['00:00', '24:00']],
  },
  holidays: [],
};

describe('addBusinessMinutes', () => {
  // 2026-04-06 is a Monday.
  it.each([
    ['a weekday start within hours just adds the minutes', '2026-04-06 09:00', 60, 'Mon 2026-04-06 10:00'],
    ['a due time landing exactly on closing stays at closing', '2026-04-06 09:00', 180, 'Mon 2026-04-06 12:00'],
    ['the lunch gap is skipped', '2026-04-06 11:30', 60, 'Mon 2026-04-06 13:30'],
    ['a start inside the lunch gap counts from the afternoon opening', '2026-04-06 12:15', 30, 'Mon 2026-04-06 13:30'],
    ['a start before opening counts from opening', '2026-04-06 06:00', 30, 'Mon 2026-04-06 08:30'],
    ['a start after closing counts from the next morning', '2026-04-06 18:00', 30, 'Tue 2026-04-07 08:30'],
    ['an afternoon start rolls over the night', '2026-04-06 16:30', 60, 'Tue 2026-04-07 08:30'],
    ['a Friday afternoon start rolls over the weekend to Monday', '2026-04-10 16:00', 120, 'Mon 2026-04-13 09:00'],
    ['a holiday is skipped (Thursday → Good Friday → Monday)', '2026-04-02 16:30', 60, 'Mon 2026-04-06 08:30'],
    ['five business days land on the same time a week later', '2026-04-06 09:00', 5 * 480, 'Mon 2026-04-13 09:00'],
    ['zero minutes inside hours is the start itself', '2026-04-06 09:17', 0, 'Mon 2026-04-06 09:17'],
    ['zero minutes at closing moves to the next opening', '2026-04-06 17:00', 0, 'Tue 2026-04-07 08:00'],
    ['zero minutes on a Saturday moves to Monday opening', '2026-04-11 10:00', 0, 'Mon 2026-04-13 08:00'],
    ['52 weeks of business minutes end at closing on the 260th business day', '2026-04-06 08:00', 52 * 5 * 480, 'Fri 2027-04-02 17:00'],
  ])('%s', (_name, start, minutes, expected) => {
    expect(show(addBusinessMinutes(at(start), minutes, clinic))).toBe(expected);
  });

  it('joins a period ending at 24:00 with one starting at 00:00 the next day (overnight shift)', () => {
    const nights: BusinessCalendar = {
      timezone: CHI,
      weekly: { mon: [['22:00', '24:00']], tue: [['00:00', '06:00']] },
      holidays: [],
    };
    expect(show(addBusinessMinutes(at('2026-04-06 23:30'), 60, nights))).toBe('Tue 2026-04-07 00:30');
    expect(show(addBusinessMinutes(at('2026-04-06 12:00'), 8 * 60, nights))).toBe('Tue 2026-04-07 06:00');
  });

  it.each([
    // 02:00–03:00 does not exist on 2026-03-08, so an hour after 01:30 EST is 03:30 EDT.
    ['spring-forward: 01:30 + 60 business minutes is 03:30', '2026-03-08T06:30:00Z', 60, '2026-03-08T07:30:00.000Z'],
    ['spring-forward: Saturday (closed) + 120 starts Sunday 00:00 and ends 03:00', '2026-03-07T21:00:00Z', 120, '2026-03-08T07:00:00.000Z'],
    ['spring-forward: the whole 23-hour Sunday runs into Monday opening', '2026-03-08T05:00:00Z', 23 * 60 + 30, '2026-03-09T12:30:00.000Z'],
    // 01:00–02:00 happens twice on 2026-11-01: 01:30 EDT + 60 is 01:30 EST.
    ['fall-back: 01:30 EDT + 60 business minutes is 01:30 EST', '2026-11-01T05:30:00Z', 60, '2026-11-01T06:30:00.000Z'],
    ['fall-back: the whole 25-hour Sunday counts', '2026-11-01T04:00:00Z', 25 * 60, '2026-11-02T05:00:00.000Z'],
  ])('is DST-correct in New York — %s', (_name, start, minutes, expected) => {
    expect(addBusinessMinutes(utc(start), minutes, sundays).toISOString()).toBe(expected);
  });

  it.each([
    ['a calendar with no days', {}],
    ['a calendar whose days are all empty', { mon: [], sat: [] }],
  ])('throws a RangeError for %s', (_name, weekly) => {
    const cal: BusinessCalendar = { timezone: CHI, weekly, holidays: [] };
    expect(() => addBusinessMinutes(at('2026-04-06 09:00'), 30, cal)).toThrow(RangeError);
    expect(() => addBusinessMinutes(at('2026-04-06 09:00'), 30, cal)).toThrow(/no open hours/);
    expect(() => nextOpening(at('2026-04-06 09:00'), cal)).toThrow(RangeError);
  });

  it('rejects negative minutes and unknown timezones with a RangeError', () => {
    expect(() => addBusinessMinutes(at('2026-04-06 09:00'), -5, clinic)).toThrow(RangeError);
    expect(() => addBusinessMinutes(at('2026-04-06 09:00'), 5, { ...clinic, timezone: 'Mars/Olympus' })).toThrow(/timezone/);
  });
});

describe('businessMinutesBetween', () => {
  it.each([
    ['a morning inside hours', '2026-04-06 09:00', '2026-04-06 11:00', 120],
    ['a span across lunch', '2026-04-06 11:00', '2026-04-06 14:00', 120],
    ['a whole weekday', '2026-04-06 00:00', '2026-04-07 00:00', 480],
    ['a weekend', '2026-04-10 17:00', '2026-04-13 08:00', 0],
    ['a span that includes the holiday', '2026-04-02 16:00', '2026-04-06 09:00', 120],
    ['a reversed span', '2026-04-06 11:00', '2026-04-06 09:00', 0],
  ])('counts %s', (_name, a, b, expected) => {
    expect(businessMinutesBetween(at(a), at(b), clinic)).toBe(expected);
  });

  it.each([
    ['the spring-forward Sunday as 23 hours', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', 23 * 60],
    ['the fall-back Sunday as 25 hours', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', 25 * 60],
  ])('counts %s', (_name, a, b, expected) => {
    expect(businessMinutesBetween(utc(a), utc(b), sundays)).toBe(expected);
  });

  it('clips periods whose boundaries fall inside the spring-forward gap at the moment the clocks jump', () => {
    // 01:00–02:30 really lasts 01:00 EST → 03:00 EDT (1h); 02:40–02:50 never happens; 04:00–05:00 is 1h.
    const odd: BusinessCalendar = {
      timezone: NY,
      weekly: { sun: [['01:00', '02:30'], ['02:40', '02:50'], ['04:00', '05:00']] },
      holidays: [],
    };
    expect(businessMinutesBetween(utc('2026-03-08T05:00:00Z'), utc('2026-03-09T04:00:00Z'), odd)).toBe(120);
    expect(isOpen(utc('2026-03-08T07:10:00Z'), odd)).toBe(false); // 03:10 EDT
    expect(nextOpening(utc('2026-03-08T07:10:00Z'), odd).toISOString()).toBe('2026-03-08T08:00:00.000Z');
  });

  it.each([
    [clinic, at('2026-04-06 09:00'), 45],
    [clinic, at('2026-04-06 11:40'), 95],
    [clinic, at('2026-04-04 10:00'), 600], // Saturday start
    [clinic, at('2026-04-02 15:10'), 3 * 480 + 7],
    [sundays, utc('2026-03-08T06:59:00Z'), 61],
    [sundays, utc('2026-11-01T05:15:00Z'), 90],
    [sundays, utc('2026-10-30T20:00:00Z'), 2000],
  ])('inverts addBusinessMinutes (case %#)', (cal, start, minutes) => {
    expect(businessMinutesBetween(start, addBusinessMinutes(start, minutes, cal), cal)).toBe(minutes);
  });
});

describe('isOpen and nextOpening', () => {
  it.each([
    ['2026-04-06 08:00', true, 'Mon 2026-04-06 08:00'],
    ['2026-04-06 07:59', false, 'Mon 2026-04-06 08:00'],
    ['2026-04-06 12:00', false, 'Mon 2026-04-06 13:00'],
    ['2026-04-06 16:59', true, 'Mon 2026-04-06 16:59'],
    ['2026-04-06 17:00', false, 'Tue 2026-04-07 08:00'],
    ['2026-04-11 10:00', false, 'Mon 2026-04-13 08:00'],
    ['2026-04-03 10:00', false, 'Mon 2026-04-06 08:00'],
  ])('treats %s as open=%s with next opening %s', (local, open, next) => {
    expect(isOpen(at(local), clinic)).toBe(open);
    expect(show(nextOpening(at(local), clinic))).toBe(next);
  });
});

describe('dueAfter', () => {
  const pause = (from: string, to: string) => ({ from: at(from), to: at(to) });
  it.each([
    ['no pauses is plain business time', '2026-04-06 09:00', 120, [], 'Mon 2026-04-06 11:00'],
    ['a pause inside hours pushes the due time back', '2026-04-06 09:00', 120, [pause('2026-04-06 09:30', '2026-04-06 10:00')], 'Mon 2026-04-06 11:30'],
    ['a pause over lunch only costs its open part', '2026-04-06 11:00', 120, [pause('2026-04-06 11:30', '2026-04-06 13:30')], 'Mon 2026-04-06 15:00'],
    ['a pause overnight changes nothing', '2026-04-06 16:00', 120, [pause('2026-04-06 18:00', '2026-04-07 07:00')], 'Tue 2026-04-07 09:00'],
    ['a pause after the due time changes nothing', '2026-04-06 09:00', 60, [pause('2026-04-06 11:00', '2026-04-06 12:00')], 'Mon 2026-04-06 10:00'],
    ['a pause that began before the start counts from its end', '2026-04-06 09:00', 60, [pause('2026-04-06 08:00', '2026-04-06 09:30')], 'Mon 2026-04-06 10:30'],
    [
      'overlapping, unsorted pauses are merged',
      '2026-04-06 09:00',
      120,
      [pause('2026-04-06 09:45', '2026-04-06 10:15'), pause('2026-04-06 09:30', '2026-04-06 10:00')],
      'Mon 2026-04-06 11:45',
    ],
  ])('on business time: %s', (_name, start, minutes, paused, expected) => {
    expect(show(dueAfter(at(start), minutes, { cal: clinic, business: true, paused }))).toBe(expected);
  });

  it.each([
    ['ignores business hours', '2026-04-10 16:00', 120, [], 'Fri 2026-04-10 18:00'],
    ['runs through weekends and holidays', '2026-04-02 23:00', 24 * 60, [], 'Fri 2026-04-03 23:00'],
    ['still excludes pauses', '2026-04-06 09:00', 120, [pause('2026-04-06 09:30', '2026-04-06 10:00')], 'Mon 2026-04-06 11:30'],
  ])('on wall-clock time: %s', (_name, start, minutes, paused, expected) => {
    expect(show(dueAfter(at(start), minutes, { cal: clinic, business: false, paused }))).toBe(expected);
  });
});

describe('addWallMinutes', () => {
  it.each([
    ['ignores opening hours', '2026-04-11T04:00:00Z', 90, '2026-04-11T05:30:00.000Z'],
    ['counts real minutes across spring-forward', '2026-03-08T06:30:00Z', 60, '2026-03-08T07:30:00.000Z'],
    ['allows negative minutes', '2026-04-06T14:00:00Z', -15, '2026-04-06T13:45:00.000Z'],
  ])('%s', (_name, start, minutes, expected) => {
    expect(addWallMinutes(utc(start), minutes).toISOString()).toBe(expected);
  });
});

describe('localDate', () => {
  it.each([
    ['2026-04-06T03:00:00Z', CHI, { date: '2026-04-05', weekday: 'sun' }],
    ['2026-04-06T03:00:00Z', 'UTC', { date: '2026-04-06', weekday: 'mon' }],
    ['2026-11-01T06:30:00Z', NY, { date: '2026-11-01', weekday: 'sun' }],
  ])('gives the local date of %s in %s', (instant, zone, expected) => {
    expect(localDate(utc(instant), zone)).toEqual(expected);
  });
});

describe('instantAtLocal', () => {
  it.each([
    ['an ordinary morning', '2026-04-06', '07:30', CHI, '2026-04-06T12:30:00.000Z'],
    ['24:00 as the next midnight', '2026-04-06', '24:00', CHI, '2026-04-07T05:00:00.000Z'],
    ['the minute before the spring-forward gap', '2026-03-08', '01:59', NY, '2026-03-08T06:59:00.000Z'],
    ['a time inside the gap as the moment the clocks jump to 03:00', '2026-03-08', '02:30', NY, '2026-03-08T07:00:00.000Z'],
    ['03:00 right after the gap', '2026-03-08', '03:00', NY, '2026-03-08T07:00:00.000Z'],
    ['an ambiguous fall-back time as the earlier (EDT) instant', '2026-11-01', '01:30', NY, '2026-11-01T05:30:00.000Z'],
    ['the first time after the fold', '2026-11-01', '02:00', NY, '2026-11-01T07:00:00.000Z'],
    ['a half-hour gap (Lord Howe)', '2026-10-04', '02:15', 'Australia/Lord_Howe', '2026-10-03T15:30:00.000Z'],
    ['a half-hour fold (Lord Howe) as the earlier instant', '2026-04-05', '01:45', 'Australia/Lord_Howe', '2026-04-04T14:45:00.000Z'],
  ])('resolves %s', (_name, date, time, zone, expected) => {
    expect(instantAtLocal(date, time, zone).toISOString()).toBe(expected);
  });

  it.each([
    ['2026-02-30', '07:30'],
    ['2026-04-06', '7:30'],
    ['2026-04-06', '24:30'],
  ])('rejects %s %s with a RangeError', (date, time) => {
    expect(() => instantAtLocal(date, time, CHI)).toThrow(RangeError);
  });
});

describe('localTimeLabel: a time as the organisation reads it, zone named', () => {
  it.each([
    ['2026-12-01T20:30:00Z', 'Tue 1 Dec, 14:30 CST'], // standard time, UTC-6
    ['2026-07-01T19:30:00Z', 'Wed 1 Jul, 14:30 CDT'], // daylight time, UTC-5
    ['2026-03-08T08:30:00Z', 'Sun 8 Mar, 03:30 CDT'], // the spring-forward morning: 02:30 does not exist
  ])('%s in Chicago is "%s"', (at, label) => {
    expect(localTimeLabel(new Date(at), CHI)).toBe(label);
  });

  it('names the year when told now and it is another year, in the organisation\'s zone', () => {
    const now = new Date('2026-12-01T20:30:00Z');
    expect(localTimeLabel(new Date('2020-01-01T06:00:00Z'), CHI, now)).toBe('Wed 1 Jan 2020, 00:00 CST');
    expect(localTimeLabel(new Date('2026-12-24T15:00:00Z'), CHI, now)).toBe('Thu 24 Dec, 09:00 CST');
    // 05:00 UTC on 1 Jan 2027 is still 31 Dec 2026 in Chicago: this year.
    expect(localTimeLabel(new Date('2027-01-01T05:00:00Z'), CHI, now)).toBe('Thu 31 Dec, 23:00 CST');
    expect(localTimeLabel(new Date('2027-01-04T15:00:00Z'), CHI, now)).toBe('Mon 4 Jan 2027, 09:00 CST');
  });
});
