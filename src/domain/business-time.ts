/**
 * Business-time maths for SLA due times. Pure: no I/O, never reads the clock.
 *
 * All local-time work goes through luxon with the calendar's zone, so DST is
 * handled by the tz database rather than by offset arithmetic. Internally we
 * work in epoch milliseconds and half-open spans [from, to).
 */
import { DateTime } from 'luxon';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Index + 1 is luxon's `weekday` (1 = Monday … 7 = Sunday). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const satisfies readonly Weekday[];

export interface BusinessCalendar {
  timezone: string; // IANA, e.g. 'America/Chicago'
  weekly: Partial<Record<Weekday, Array<[string, string]>>>; // 'HH:mm' pairs, start < end, non-overlapping; a missing day = closed
  holidays: string[]; // 'YYYY-MM-DD' in the org timezone
}

const MINUTE_MS = 60_000;
/** Ten years of days: far beyond any SLA, but stops a holiday-only calendar from looping forever. */
const MAX_DAYS = 3660;

interface Span {
  from: number;
  to: number;
}

/** The instant `minutes` business minutes after `start` (if start is outside hours, counting begins at the next opening). minutes=0 → start moved to the next open instant (or start itself when open). */
export function addBusinessMinutes(start: Date, minutes: number, cal: BusinessCalendar): Date {
  return new Date(addBusinessMs(toMs(start, 'start'), toDurationMs(minutes), cal));
}

/** Business minutes elapsed between a and b (0 if b <= a). Not rounded: sub-minute instants give fractions. */
export function businessMinutesBetween(a: Date, b: Date, cal: BusinessCalendar): number {
  return businessMs(toMs(a, 'a'), toMs(b, 'b'), cal) / MINUTE_MS;
}

export function isOpen(at: Date, cal: BusinessCalendar): boolean {
  const t = toMs(at, 'at');
  return daySpans(cal, localDay(t, cal.timezone)).some((s) => s.from <= t && t < s.to);
}

/** Next instant >= at when the org is open. */
export function nextOpening(at: Date, cal: BusinessCalendar): Date {
  return new Date(addBusinessMs(toMs(at, 'at'), 0, cal));
}

/** Wall-clock variant for stat/asap and for callers that opt out. Negative minutes are allowed (e.g. "15 minutes before due"). */
export function addWallMinutes(start: Date, minutes: number): Date {
  if (!Number.isFinite(minutes)) throw new RangeError(`minutes must be a finite number, got ${minutes}`);
  return new Date(toMs(start, 'start') + minutes * MINUTE_MS);
}

/**
 * Convenience used by SLA code: business or wall clock, excluding a list of paused intervals (snoozes) —
 * due = the instant when `minutes` of counted time have elapsed since start, not counting time inside `paused` intervals.
 * Pauses may overlap, be unsorted, or lie partly before `start`.
 */
export function dueAfter(
  start: Date,
  minutes: number,
  opts: { cal: BusinessCalendar; business: boolean; paused?: Array<{ from: Date; to: Date }> },
): Date {
  const { cal, business } = opts;
  const add = (t: number, ms: number) => (business ? addBusinessMs(t, ms, cal) : t + ms);
  const count = (a: number, b: number) => (business ? businessMs(a, b, cal) : Math.max(0, b - a));

  let cursor = toMs(start, 'start');
  let remaining = toDurationMs(minutes);
  for (const pause of mergeSpans(opts.paused ?? [])) {
    if (pause.to <= cursor) continue;
    const due = add(cursor, remaining);
    // Due before (or exactly as) this pause begins: the pause cannot affect it, nor can later ones.
    if (due <= pause.from) return new Date(due);
    remaining -= count(cursor, pause.from);
    cursor = Math.max(cursor, pause.to);
  }
  return new Date(add(cursor, remaining));
}

/** Local date 'YYYY-MM-DD' and weekday of an instant in a zone. */
export function localDate(at: Date, timezone: string): { date: string; weekday: Weekday } {
  const dt = zoned(toMs(at, 'at'), timezone);
  return { date: dt.toISODate() ?? '', weekday: weekdayOf(dt) };
}

/**
 * The instant of a local wall time on a local date (for "send the digest at 07:30 local").
 * Defined as the earliest instant whose local reading is >= `date time`, which gives:
 *  - DST gap (nonexistent time): the moment the clocks jump, e.g. 02:30 on 2026-03-08 in New York → 03:00 EDT;
 *  - DST fold (ambiguous time): the earlier instant, e.g. 01:30 on 2026-11-01 in New York → 01:30 EDT.
 * `time` may be '24:00', meaning 00:00 of the next day (used for periods that run to midnight).
 */
export function instantAtLocal(date: string, time: string, timezone: string): Date {
  return new Date(wallToMs(date, parseTime(time), timezone));
}

// ---------------------------------------------------------------------------

function addBusinessMs(startMs: number, ms: number, cal: BusinessCalendar): number {
  assertHasHours(cal);
  let remaining = ms;
  let day = localDay(startMs, cal.timezone);
  // Walk day by day, period by period; a span ending exactly at the due instant returns its end
  // (due at 17:00, not at the next morning's opening).
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const span of daySpans(cal, day)) {
      if (span.to <= startMs) continue;
      const from = Math.max(span.from, startMs);
      if (remaining <= span.to - from) return from + remaining;
      remaining -= span.to - from;
    }
  }
  throw new RangeError(`business calendar has no open hours left within ${MAX_DAYS} days of ${new Date(startMs).toISOString()}`);
}

function businessMs(a: number, b: number, cal: BusinessCalendar): number {
  if (b <= a) return 0;
  const last = localDay(b, cal.timezone).toMillis();
  let total = 0;
  for (let day = localDay(a, cal.timezone); day.toMillis() <= last; day = day.plus({ days: 1 })) {
    for (const span of daySpans(cal, day)) total += Math.max(0, Math.min(span.to, b) - Math.max(span.from, a));
  }
  return total;
}

/**
 * Open spans of one local date, as instants. Periods that vanish in a DST gap come out empty and are dropped.
 * Memoised: luxon's zone lookups (Intl) are slow next to everything else here, and SLA sweeps convert the
 * same few days again and again. The cache only stores results of a pure function, so nothing observable changes.
 */
function daySpans(cal: BusinessCalendar, day: DateTime): Span[] {
  const date = day.toISODate() ?? '';
  if (cal.holidays.includes(date)) return [];
  const periods = cal.weekly[weekdayOf(day)] ?? [];
  if (periods.length === 0) return [];
  const key = `${cal.timezone}|${date}|${JSON.stringify(periods)}`;
  let spans = spanCache.get(key);
  if (!spans) {
    const midnight = DateTime.fromObject({ year: day.year, month: day.month, day: day.day }, { zone: cal.timezone });
    if (!midnight.isValid) throw new RangeError(`invalid timezone "${cal.timezone}": ${midnight.invalidExplanation}`);
    // On an ordinary day (no offset change) local minutes map one-to-one onto elapsed minutes since midnight,
    // so a plain luxon plus() is exact; only DST-change days need the gap/fold handling of wallToMs.
    const ordinary = midnight.hour === 0 && midnight.minute === 0 && midnight.offset === midnight.plus({ days: 1 }).offset;
    const at = (time: string) =>
      ordinary ? midnight.plus({ minutes: parseTime(time) }).toMillis() : wallToMs(date, parseTime(time), cal.timezone);
    spans = periods
      .map(([start, end]) => ({ from: at(start), to: at(end) }))
      .filter((s) => s.to > s.from)
      .sort((x, y) => x.from - y.from);
    if (spanCache.size >= SPAN_CACHE_LIMIT) spanCache.clear();
    spanCache.set(key, spans);
  }
  return spans;
}
const spanCache = new Map<string, Span[]>();
const SPAN_CACHE_LIMIT = 20_000;

function assertHasHours(cal: BusinessCalendar): void {
  if (!Object.values(cal.weekly).some((periods) => periods && periods.length > 0)) {
    throw new RangeError('business calendar has no open hours at all (every weekday is closed)');
  }
}

/** See instantAtLocal. `minuteOfDay` is 0…1440; 1440 is the next day's midnight. */
function wallToMs(date: string, minuteOfDay: number, zone: string): number {
  const day = DateTime.fromISO(date, { zone: 'utc' });
  if (!day.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`invalid date "${date}", expected YYYY-MM-DD`);
  const d = minuteOfDay === 1440 ? day.plus({ days: 1 }) : day;
  const wall = { year: d.year, month: d.month, day: d.day, hour: Math.floor((minuteOfDay % 1440) / 60), minute: minuteOfDay % 60 };
  const reading = (dt: DateTime) => dt.toFormat('yyyy-MM-dd HH:mm');
  const target = DateTime.fromObject(wall, { zone: 'utc' }).toFormat('yyyy-MM-dd HH:mm');

  const guess = DateTime.fromObject(wall, { zone });
  if (!guess.isValid) throw new RangeError(`invalid timezone "${zone}": ${guess.invalidExplanation}`);
  // How far the offset moves around this date (0 on ordinary days); a fold or gap is at most this wide.
  const shift = Math.abs(guess.plus({ days: 1 }).offset - guess.minus({ days: 1 }).offset);

  // luxon may resolve a fold to either occurrence; try both and keep the earlier one that really reads `wall`.
  const matches = [guess.minus({ minutes: shift }), guess, guess.plus({ minutes: shift })].filter((dt) => reading(dt) === target);
  if (matches.length > 0) return Math.min(...matches.map((dt) => dt.toMillis()));

  // A gap: the answer is the transition instant. It lies within `shift` of luxon's guess; binary-search
  // (whole seconds, ~12 steps for an hour) for the first instant whose reading is past the target.
  let lo = guess.minus({ minutes: shift }).toMillis() / 1000; // reads before target
  let hi = guess.plus({ minutes: shift }).toMillis() / 1000; // reads after target
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (reading(DateTime.fromSeconds(mid, { zone })) < target) lo = mid;
    else hi = mid;
  }
  return hi * 1000;
}

function parseTime(time: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || !(minutes <= 1440)) throw new RangeError(`invalid time "${time}", expected HH:mm (00:00–24:00)`);
  return minutes;
}

/** The local calendar date of an instant, as a UTC-midnight DateTime: a zone-free label that is cheap to step day by day. */
function localDay(ms: number, zone: string): DateTime {
  const dt = zoned(ms, zone);
  return DateTime.fromObject({ year: dt.year, month: dt.month, day: dt.day }, { zone: 'utc' });
}

function weekdayOf(dt: DateTime): Weekday {
  return WEEKDAYS[dt.weekday - 1] ?? 'mon';
}

function zoned(ms: number, zone: string): DateTime {
  const dt = DateTime.fromMillis(ms, { zone });
  if (!dt.isValid) throw new RangeError(`invalid timezone "${zone}": ${dt.invalidExplanation}`);
  return dt;
}

function toMs(d: Date, name: string): number {
  const t = d.getTime();
  if (!Number.isFinite(t)) throw new RangeError(`${name} is an invalid Date`);
  return t;
}

function toDurationMs(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`minutes must be a finite number >= 0, got ${minutes}`);
  return minutes * MINUTE_MS;
}

/** Sort and merge overlapping/touching pauses; drop empty or inverted ones. */
function mergeSpans(paused: Array<{ from: Date; to: Date }>): Span[] {
  const spans = paused
    .map((p) => ({ from: toMs(p.from, 'paused.from'), to: toMs(p.to, 'paused.to') }))
    .filter((s) => s.to > s.from)
    .sort((x, y) => x.from - y.from);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else merged.push({ ...s });
  }
  return merged;
}

/**
 * A time as people at the organisation read it, with the zone named: "Tue 1 Dec, 14:30 CST"
 * (en-US names US zones; others show their offset, "GMT+2"); '—' for an invalid date.
 * For text that every reader sees alike (thread lines built once for every platform), where a
 * platform cannot show each reader their own zone.
 *   localTimeLabel(2026-12-01T20:30Z, 'America/Chicago') = "Tue 1 Dec, 14:30 CST"
 *   localTimeLabel(2026-07-01T19:30Z, 'America/Chicago') = "Wed 1 Jul, 14:30 CDT" (daylight time)
 */
export function localTimeLabel(at: Date, timezone: string, now?: Date): string {
  const d = DateTime.fromJSDate(at, { zone: timezone }).setLocale('en-US');
  if (!d.isValid) return '—';
  // With `now`: the year too when it is not this year's ("Wed 1 Jan 2020, 00:00 CST").
  const otherYear = now !== undefined && DateTime.fromJSDate(now, { zone: timezone }).year !== d.year;
  return d.toFormat(otherYear ? 'ccc d LLL yyyy, HH:mm ZZZZ' : 'ccc d LLL, HH:mm ZZZZ');
}
