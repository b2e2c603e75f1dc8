/**
 * Who takes the physician pool's escalations first: the on-call rota (config
 * `physicianPool.onCall`). Pure: the time and the zone are arguments.
 *
 * The rota is a week of on-call days plus dated overrides. An on-call day D runs from its
 * handover (D's weekly entry's `handover`, else the rota's, default 00:00 in the organisation's
 * zone) to the next day's handover, so a physician on call "Monday from 08:00" keeps Monday's
 * escalations until Tuesday's handover. Who holds day D: an override covering D, else D's
 * weekday entry, else nobody. Local times go through luxon in the zone, so a handover on a DST
 * change day falls at that local time (a day of 23 or 25 hours), not a fixed number of hours on.
 */
import { DateTime } from 'luxon';
import { WEEKDAYS, type Weekday } from './business-time.ts';
import type { Roster } from './roster.ts';
import type { WorkItem } from './work-item.ts';

export interface OnCallShift {
  physician: string;
  /** "HH:MM": this day's handover, instead of the rota's. */
  handover?: string | undefined;
}

/** One day or an inclusive range of days (YYYY-MM-DD, the organisation's dates) held by one physician. */
export interface OnCallOverride {
  from: string;
  until: string;
  physician: string;
}

export interface OnCallRota {
  /** "HH:MM" in the organisation's zone: when one on-call day hands over to the next. */
  handover: string;
  weekly: Partial<Record<Weekday, OnCallShift>>;
  /** Dated exceptions; each beats the weekly pattern on its days. */
  overrides: OnCallOverride[];
}

export interface OnCallNow {
  physician: string;
  /** The on-call day (YYYY-MM-DD) and whether an override or the weekly pattern named the physician. */
  day: string;
  source: 'override' | 'weekly';
  /** The on-call day's handovers: it began at `since` and hands over at `until`. */
  since: Date;
  until: Date;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const weekdayOf = (day: DateTime): Weekday => WEEKDAYS[day.weekday - 1]!;

/**
 * The instant day `day` (a local midnight) hands over. A handover time that does not exist that
 * day (inside a spring-forward gap) falls at the first instant after the gap; one that happens
 * twice (a fall-back day) at its first occurrence — luxon's rule for local times.
 */
function handoverOf(rota: OnCallRota, day: DateTime): DateTime {
  const m = minutesOf(rota.weekly[weekdayOf(day)]?.handover ?? rota.handover);
  return day.set({ hour: Math.floor(m / 60), minute: m % 60, second: 0, millisecond: 0 });
}

/** The physician a day's escalations go to first: an override covering it, else its weekly entry. */
function holderOf(rota: OnCallRota, day: DateTime): { physician: string; source: OnCallNow['source'] } | null {
  const date = day.toISODate()!;
  const override = rota.overrides.find((o) => o.from <= date && date <= o.until);
  if (override) return { physician: override.physician, source: 'override' };
  const shift = rota.weekly[weekdayOf(day)];
  return shift ? { physician: shift.physician, source: 'weekly' } : null;
}

/** Who is on call at `at` by the rota (in `zone`), or null when the rota names nobody for that moment. */
export function onCallAt(rota: OnCallRota, zone: string, at: Date): OnCallNow | null {
  const today = DateTime.fromJSDate(at, { zone }).startOf('day');
  // Before today's handover, yesterday's on-call day is still running.
  const day = at.getTime() >= handoverOf(rota, today).toMillis() ? today : today.minus({ days: 1 });
  const holder = holderOf(rota, day);
  if (!holder) return null;
  return {
    ...holder,
    day: day.toISODate()!,
    since: handoverOf(rota, day).toJSDate(),
    until: handoverOf(rota, day.plus({ days: 1 })).toJSDate(),
  };
}

/** A pool escalation's first stop: the physician on call, and when the whole pool gets it if she has not claimed it. */
export interface PoolOffer {
  physician: string;
  fallbackAt: Date;
}

/**
 * Where an escalation to no named physician goes first at `now`: the physician the rota puts on
 * call, while she is an active physician on the roster. Null — the whole pool at once, as without
 * a rota — when there is no rota, it names nobody for this moment, or its physician is inactive
 * (or no longer a physician). The fallback runs on wall-clock time: on call is for the hours the
 * clinic is closed.
 */
export function poolOffer(rota: OnCallRota | undefined, fallbackMinutes: number, roster: Roster, zone: string, now: Date): PoolOffer | null {
  if (!rota) return null;
  const on = onCallAt(rota, zone, now);
  const doc = on ? roster.member(on.physician) : undefined;
  if (!doc?.physician) return null;
  return { physician: doc.key, fallbackAt: new Date(now.getTime() + fallbackMinutes * 60_000) };
}

/**
 * A pool escalation offered to the on-call physician that has not gone to the whole pool yet:
 * still escalated, still unclaimed, and its fallback time still set. A claim (or any other
 * change of owner or state) ends the offer even before the fallback time is cleared.
 */
export function onCallPending(item: Pick<WorkItem, 'state' | 'ownerId' | 'onCallId' | 'poolFallbackAt'>): boolean {
  return item.state === 'ESCALATED' && item.ownerId === null && item.onCallId !== null && item.poolFallbackAt !== null;
}

/** The earlier of two instants; null only when both are. */
export function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a <= b ? a : b;
}
