/**
 * Who is in: on shift, away, and who covers for whom. Pure: time is an argument, the away
 * periods are read by the caller (they live in the database, not in config).
 *
 * Worked examples, for a clinic in America/Chicago open Mon–Fri 08:00–17:00, holiday 2026-12-24:
 *   isOnShift(Sam, Tue 2026-12-01 09:00 CST)                       = true  (no own hours: business hours)
 *   isOnShift(Sam, Thu 2026-12-24 09:00 CST)                       = false (a holiday: the clinic is closed)
 *   isOnShift(Jordan {hours: tue 12:00–20:00}, Tue 2026-12-01 19:00 CST) = true  (their own hours, past closing)
 *   awayAt([Sam 1 Dec 10:00 – 3 Dec 00:00], 'sam', 2 Dec 12:00)     = that period; at 3 Dec 00:00 = null (until is exclusive)
 *   coverOf(Dr. Alvarez away, cover Dr. Baker)                      = Dr. Baker; when Dr. Baker is away too, Dr. Baker's cover
 */
import { isOpen, localDate, type BusinessCalendar } from './business-time.ts';
import type { Roster, StaffMember } from './roster.ts';

/** A time someone is away (leave, a conference, sick), kept in the database. Half-open: [from, until). */
export interface AwayPeriod {
  id: string;
  staffKey: string;
  from: Date;
  until: Date;
  /** Who takes their work meanwhile; null: their config `coveredBy`, else the queue (or the physician pool). */
  coverKey: string | null;
  /** Staff key of whoever set it (the person, their lead or a manager). */
  setBy: string;
  setAt: Date;
  /** Ended early ("back"): from then on it no longer applies. */
  endedAt: Date | null;
  endedBy: string | null;
  /**
   * When its start was applied: the person's open items offered back to the queue or handed to
   * the cover. Set once, so a second sweep (or a second scheduler) never hands them back again.
   */
  startedAt: Date | null;
}

/** The period is in effect at `at`: begun, not yet over, not ended early. */
export function inEffect(p: AwayPeriod, at: Date): boolean {
  const t = at.getTime();
  return p.from.getTime() <= t && t < p.until.getTime() && (p.endedAt === null || t < p.endedAt.getTime());
}

/** Still to come or under way at `at` (what "/baton away" lists), soonest first. */
export function currentAndUpcoming(periods: readonly AwayPeriod[], staffKey: string, at: Date): AwayPeriod[] {
  const t = at.getTime();
  return periods
    .filter((p) => p.staffKey === staffKey && p.until.getTime() > t && (p.endedAt === null || p.endedAt.getTime() > t))
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** The period that makes this person away at `at`, if any (the latest-starting one when several overlap). */
export function awayAt(periods: readonly AwayPeriod[], staffKey: string, at: Date): AwayPeriod | null {
  let found: AwayPeriod | null = null;
  for (const p of periods) if (p.staffKey === staffKey && inEffect(p, at) && (!found || p.from > found.from)) found = p;
  return found;
}

/** The zone a person's own times are read in: theirs, else the organisation's. */
export const zoneOf = (staff: Pick<StaffMember, 'timezone'>, org: Pick<BusinessCalendar, 'timezone'>) => staff.timezone ?? org.timezone;

/**
 * On shift at `at`: within their own `hours` (in their zone) or, without hours, within the
 * business hours; never on one of the organisation's holidays (a date in the organisation's
 * zone), when the clinic is closed whoever's hours say otherwise.
 */
export function isOnShift(staff: Pick<StaffMember, 'hours' | 'timezone'>, at: Date, org: BusinessCalendar): boolean {
  if (!staff.hours) return isOpen(at, org);
  if (org.holidays.includes(localDate(at, org.timezone).date)) return false;
  return isOpen(at, { timezone: zoneOf(staff, org), weekly: staff.hours, holidays: [] });
}

/**
 * Who covers for `staffKey` at `at`: only while they are away, the away period's cover, else
 * their config `coveredBy`. A cover who is away too passes it on to their own cover (each person
 * once, so two people covering for each other end the chain). Null when nobody on the roster
 * (active, not away) is left: the work goes to the queue or the physician pool.
 */
export function coverOf(roster: Roster, periods: readonly AwayPeriod[], staffKey: string, at: Date): StaffMember | null {
  const seen = new Set<string>([staffKey]);
  let key = staffKey;
  for (;;) {
    const away = awayAt(periods, key, at);
    if (!away) return key === staffKey ? null : (roster.member(key) ?? null);
    const next = away.coverKey ?? roster.member(key)?.coveredBy ?? null;
    if (!next || seen.has(next) || !roster.member(next)) return null;
    seen.add(next);
    key = next;
  }
}

/** Who is away at one instant and who covers for them: what cards, reminders and escalations read. */
export interface Coverage {
  /** Staff keys of everyone away. */
  away: ReadonlySet<string>;
  /** Away person's key → who covers for them (`coverOf`); absent when nobody does. */
  covers: ReadonlyMap<string, StaffMember>;
}

export const NO_COVERAGE: Coverage = { away: new Set(), covers: new Map() };

export function coverageAt(roster: Roster, periods: readonly AwayPeriod[], at: Date): Coverage {
  const away = new Set(periods.filter((p) => inEffect(p, at)).map((p) => p.staffKey));
  const covers = new Map<string, StaffMember>();
  for (const key of away) {
    const cover = coverOf(roster, periods, key, at);
    if (cover) covers.set(key, cover);
  }
  return { away, covers };
}

/**
 * Where an escalation addressed to a physician goes: to her while she is in; while she is away,
 * to her covering physician (recorded on the item as `coveringFor`), else to the physician pool.
 *   escalationTarget(Dr. Alvarez in)                 = { to: Dr. Alvarez, coveringFor: null }
 *   escalationTarget(Dr. Alvarez away, Dr. Baker covers) = { to: Dr. Baker, coveringFor: 'dr-alvarez' }
 *   escalationTarget(Dr. Alvarez away, no cover)     = { to: null (the pool), coveringFor: null }
 */
export function escalationTarget(physician: StaffMember, coverage: Coverage): { to: StaffMember | null; coveringFor: string | null } {
  if (!coverage.away.has(physician.key)) return { to: physician, coveringFor: null };
  const cover = coverage.covers.get(physician.key);
  return cover?.physician ? { to: cover, coveringFor: physician.key } : { to: null, coveringFor: null };
}

/** Keys of active roster staff who may be given work at `at`: on shift and not away. */
export function availableAt(roster: Roster, periods: readonly AwayPeriod[], at: Date, org: BusinessCalendar): Set<string> {
  return new Set(roster.staff.filter((s) => s.active && isOnShift(s, at, org) && !awayAt(periods, s.key, at)).map((s) => s.key));
}
