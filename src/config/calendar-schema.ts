/**
 * Config schemas for business hours and durations. Field-level checks live on the fields and
 * cross-field checks in superRefine, so one parse reports every problem, each with its path
 * (a refinement on a parent only runs once its children parsed cleanly).
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { WEEKDAYS, type BusinessCalendar } from '../domain/business-time.ts';

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const time = z.string().regex(HHMM, 'expected a time like "08:30" (00:00–24:00)');

const period = z.tuple([time, time]).superRefine(([start, end], ctx) => {
  if (toMinutes(start) >= toMinutes(end)) {
    ctx.addIssue({ code: 'custom', path: [1], message: `period end "${end}" must be after its start "${start}"` });
  }
});

const dayPeriods = z.array(period).superRefine((periods, ctx) => {
  // Sorted and non-overlapping; touching ("12:00" then "12:00") is fine.
  periods.forEach(([start], i) => {
    const prev = periods[i - 1];
    if (prev && toMinutes(start) < toMinutes(prev[1])) {
      ctx.addIssue({
        code: 'custom',
        path: [i],
        message: `period "${start}" overlaps or is out of order: it must start at or after the previous period ends ("${prev[1]}")`,
      });
    }
  });
});

/** An IANA time zone luxon knows ("America/Chicago"); an unknown one would break every business-time sum. */
export const timezoneSchema = z.string().refine((tz) => IANAZone.isValidZone(tz), {
  error: (iss) => `unknown timezone ${JSON.stringify(iss.input)}; use an IANA name like "America/Chicago"`,
});

/** Weekday → open periods ("mon: [["08:00", "17:00"]]"), each day sorted and non-overlapping; a missing day is closed. */
export const weeklyHoursSchema = z.partialRecord(z.enum(WEEKDAYS), dayPeriods);

/** A week with at least one open period (business hours, a staff member's own hours). */
export const hasOpenPeriod = (weekly: Partial<Record<string, unknown[] | undefined>>) => Object.values(weekly).some((periods) => periods && periods.length > 0);

export const businessCalendarSchema = z
  .strictObject({
    timezone: timezoneSchema,
    weekly: weeklyHoursSchema,
    holidays: z.array(z.iso.date('expected a real date like "2026-12-25"')).default([]),
  })
  .superRefine((cal, ctx) => {
    if (!hasOpenPeriod(cal.weekly)) {
      ctx.addIssue({ code: 'custom', path: ['weekly'], message: 'business hours need at least one open period in the week' });
    }
  });

// Compile-time guard: a parsed calendar is directly usable by the domain functions.
const _parsedIsCalendar: z.output<typeof businessCalendarSchema> extends BusinessCalendar ? true : never = true;
void _parsedIsCalendar;

const DURATION_MESSAGE = 'expected a duration like "15m", "4h" or "2d" (or a whole number of minutes)';
const UNIT_MINUTES = { m: 1, h: 60, d: 24 * 60 } as const;

/**
 * '90m' | '4h' | '1d' | 90 → minutes. A day is 24h of counted time; for business-time SLAs the caller
 * feeds the minutes to the business clock unchanged, so '1d' there means 1440 business minutes.
 */
export const durationSchema = z.union([z.number(), z.string()], { error: DURATION_MESSAGE }).transform((value, ctx) => {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0) return value;
  } else {
    const m = /^(\d+)\s*([mhd])$/.exec(value.trim());
    if (m) return Number(m[1]) * UNIT_MINUTES[m[2] as keyof typeof UNIT_MINUTES];
  }
  ctx.addIssue({ code: 'custom', input: value, message: `${DURATION_MESSAGE}, got ${JSON.stringify(value)}` });
  return z.NEVER;
});
