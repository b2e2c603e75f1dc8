import { describe, expect, it } from 'vitest';
import { businessCalendarSchema, durationSchema } from '../../src/config/calendar-schema.ts';

const issuesOf = (input: unknown) => {
  const result = businessCalendarSchema.safeParse(input);
  if (result.success) throw new Error('expected the calendar to be rejected');
  return result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};

describe('businessCalendarSchema', () => {
  it('accepts a valid calendar, allows 24:00 as an end and defaults holidays to none', () => {
    const parsed = businessCalendarSchema.parse({
      timezone: 'America/Chicago',
      weekly: { mon: [['08:00', '12:00'], ['12:00', '17:00']], sun: [['20:00', '24:00']] },
    });
    expect(parsed.holidays).toEqual([]);
    expect(parsed.weekly.mon).toHaveLength(2);
  });

  it('reports every problem in one calendar, each with its path', () => {
    const issues = issuesOf({
      timezone: 'Mars/Olympus',
      weekly: {
        mon: [['09:00', '08:00']], // end before start
        tue: [['08:00', '12:00'], ['11:00', '13:00']], // overlap
        wed: [['13:00', '17:00'], ['08:00', '12:00']], // out of order
        thu: [['8:00', '12:00'], ['13:00', '24:30']], // bad formats
      },
      holidays: ['2026-12-25', '2026-02-30', 'next tuesday'],
    });
    expect(issues.map((i) => i.path)).toEqual([
      'timezone',
      'weekly.mon.0.1',
      'weekly.tue.1',
      'weekly.wed.1',
      'weekly.thu.0.0',
      'weekly.thu.1.1',
      'holidays.1',
      'holidays.2',
    ]);
    expect(issues[0]?.message).toMatch(/unknown timezone "Mars\/Olympus"/);
    expect(issues[1]?.message).toMatch(/must be after its start/);
    expect(issues[2]?.message).toMatch(/overlaps or is out of order/);
    expect(issues[4]?.message).toMatch(/expected a time like "08:30"/);
  });

  it.each([
    ['no days at all', {}],
    ['only empty days', { mon: [], fri: [] }],
  ])('requires at least one open period in the week (%s)', (_name, weekly) => {
    expect(issuesOf({ timezone: 'UTC', weekly, holidays: [] })).toEqual([
      { path: 'weekly', message: 'business hours need at least one open period in the week' },
    ]);
  });

  it('rejects unknown weekday names and unknown keys', () => {
    const paths = issuesOf({ timezone: 'UTC', weekly: { monday: [['08:00', '17:00']] }, holiday: [] }).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['weekly', '']));
  });
});

describe('durationSchema', () => {
  it.each([
    ['15m', 15],
    ['90m', 90],
    ['4h', 240],
    ['1d', 1440],
    ['2d', 2880],
    [' 4h ', 240],
    ['0m', 0],
    [45, 45],
    [0, 0],
  ])('reads %j as %i minutes', (input, minutes) => {
    expect(durationSchema.parse(input)).toBe(minutes);
  });

  it.each([['1.5h'], ['4H'], ['15'], ['m'], ['2bd'], [-5], [2.5], [null], [true]])('rejects %j with a clear message', (input) => {
    const result = durationSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/expected a duration like "15m", "4h" or "2d"/);
  });
});
