/**
 * The away command's words, shared by Slack (`/baton away …`), Teams (a chat message "away …")
 * and the browser sandbox: parsed here once, so every platform accepts and refuses alike. Pure:
 * `now` and the zones are arguments.
 *
 *   away                                  → how it stands (yours)
 *   away until fri                        → away from now; back Friday 00:00 in your zone
 *   away through 2026-12-24               → away until the end of that day (back the 25th, 00:00)
 *   away until tomorrow 13:00 cover jordan → Jordan Kim takes your work meanwhile
 *   away from mon until wed for sam       → a lead or manager sets it for Sam (a period to come)
 *   away off | away back [for sam]        → ends it
 *
 * A date is `YYYY-MM-DD`, `today`, `tomorrow` or a weekday (`fri`, `friday`: the next one
 * ahead), optionally with a time (`17:00`, `5pm`, `9:30am`, `noon`); `until` without a time means
 * the start of that day, `through` its end. Times are read in the away person's zone.
 */
import { DateTime } from 'luxon';
import { instantAtLocal, localDate, localTimeLabel, WEEKDAYS } from './business-time.ts';
import type { Roster, StaffMember } from './roster.ts';

/** The command as written: names and dates still words. */
export type AwayRequest =
  | { kind: 'status'; for?: string | undefined }
  | { kind: 'end'; for?: string | undefined }
  | { kind: 'set'; for?: string | undefined; from?: string | undefined; until: string; through: boolean; cover?: string | undefined };

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export const AWAY_USAGE = 'away until <date> [cover <name>] [for <name>] · away off · away (how it stands)';

const END_WORDS = new Set(['off', 'back', 'end', 'clear', 'cancel']);
const CLAUSES = new Set(['until', 'through', 'thru', 'from', 'cover', 'for']);

/** `text`: what follows the word "away". Every problem at once. */
export function parseAwayCommand(text: string): Parsed<AwayRequest> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const problems: string[] = [];
  let end = false;
  if (words[0] && END_WORDS.has(words[0].toLowerCase())) {
    end = true;
    words.shift();
  }
  const clauses = new Map<string, string>();
  let current: string | null = null;
  const stray: string[] = [];
  for (const w of words) {
    const k = w.toLowerCase();
    if (CLAUSES.has(k)) {
      const name = k === 'thru' ? 'through' : k;
      if (clauses.has(name) || (name === 'through' && clauses.has('until')) || (name === 'until' && clauses.has('through'))) problems.push(`“${w}” is given twice`);
      current = name;
      clauses.set(name, '');
      continue;
    }
    if (current === null) stray.push(w);
    else clauses.set(current, `${clauses.get(current)} ${w}`.trim());
  }
  if (stray.length) problems.push(`“${stray.join(' ')}” is not understood; start with until, through, from, cover or for (${AWAY_USAGE})`);
  for (const [k, v] of clauses) if (!v) problems.push(`say what comes after “${k}”`);
  const forName = clauses.get('for') || undefined;
  if (end) {
    for (const k of clauses.keys()) if (k !== 'for') problems.push(`“away off” ends the away period; “${k}” does not go with it`);
    return problems.length ? { ok: false, problems } : { ok: true, value: { kind: 'end', for: forName } };
  }
  const until = clauses.get('until') ?? clauses.get('through');
  const setting = ['until', 'through', 'from', 'cover'].some((k) => clauses.has(k));
  if (!setting) return problems.length ? { ok: false, problems } : { ok: true, value: { kind: 'status', for: forName } };
  if (until === undefined) problems.push('say until when: “away until <date>” (or “through <date>”)');
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { kind: 'set', for: forName, from: clauses.get('from') || undefined, until: until!, through: clauses.has('through'), cover: clauses.get('cover') || undefined } };
}

// ---- Dates ---------------------------------------------------------------------------------

const WEEKDAY_NAMES: Record<string, number> = Object.fromEntries(
  WEEKDAYS.flatMap((d, i) => [[d, i + 1], [['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'][i]!, i + 1]]),
);

/** "17:00", "5pm", "9:30am", "noon", "midnight" → "HH:mm", or null. */
function parseClock(word: string): string | null {
  const w = word.toLowerCase();
  if (w === 'noon') return '12:00';
  if (w === 'midnight') return '00:00';
  const m = /^(\d{1,2})(?::(\d{2}))?(am|pm)?$/.exec(w);
  if (!m || (!m[2] && !m[3])) return null;
  let h = Number(m[1]);
  const min = Number(m[2] ?? '0');
  if (min > 59) return null;
  if (m[3]) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (m[3] === 'pm' ? 12 : 0);
  } else if (h > 23) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

const plusDays = (date: string, n: number) => DateTime.fromISO(date, { zone: 'utc' }).plus({ days: n }).toISODate()!;

/**
 * A date and optional time in `zone`. `role` decides what a bare day means: `until` its start
 * (the person is back that day), `through` its end, `from` its start — or now, when that day is
 * today. A weekday is the next one whose instant is still ahead of `after` (default now: "from
 * mon until wed" is the Wednesday after that Monday); for `from`, today counts.
 */
export function parseWhen(text: string, role: 'from' | 'until' | 'through', now: Date, zone: string, after: Date = now): Parsed<{ at: Date; hasTime: boolean }> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const bad = (why: string): Parsed<never> => ({ ok: false, problems: [why] });
  const what = `“${text.trim()}”`;
  let day: string | null = null;
  let time: string | null = null;
  let weekday: number | null = null;
  for (const w of words) {
    const k = w.toLowerCase();
    const clock = parseClock(k);
    if (clock && time === null) time = clock;
    else if (day === null && weekday === null && /^\d{4}-\d{2}-\d{2}$/.test(k)) {
      if (!DateTime.fromISO(k, { zone: 'utc' }).isValid) return bad(`${what}: ${k} is not a real date`);
      day = k;
    } else if (day === null && weekday === null && (k === 'today' || k === 'tomorrow')) day = plusDays(localDate(now, zone).date, k === 'today' ? 0 : 1);
    else if (day === null && weekday === null && WEEKDAY_NAMES[k] !== undefined) weekday = WEEKDAY_NAMES[k]!;
    else return bad(`${what} is not a date Baton reads; write 2026-12-24, today, tomorrow or a weekday (fri), optionally with a time (17:00, 5pm)`);
  }
  const today = localDate(now, zone).date;
  if (day === null && weekday === null) {
    if (time === null) return bad(`${what}: say which day`);
    day = today; // a time alone: today
  }
  const instant = (d: string) =>
    role === 'through' && time === null ? instantAtLocal(plusDays(d, 1), '00:00', zone) : instantAtLocal(d, time ?? '00:00', zone);
  if (weekday !== null) {
    const todayNo = DateTime.fromISO(today, { zone: 'utc' }).weekday;
    for (let n = 0; n <= 7 + Math.ceil(Math.max(0, after.getTime() - now.getTime()) / 86_400_000); n++) {
      if (((todayNo - 1 + n) % 7) + 1 !== weekday) continue;
      const d = plusDays(today, n);
      if (role === 'from' ? d >= today : instant(d) > after) {
        day = d;
        break;
      }
    }
  }
  let at = instant(day!);
  if (role === 'from' && time === null && day === today) at = now; // "from today": from now
  return { ok: true, value: { at, hasTime: time !== null } };
}

// ---- Names ---------------------------------------------------------------------------------

/** Lower case, without "Dr.", punctuation or a platform's mention markup (`<at>…</at>`, `@`). */
const normalise = (s: string) =>
  s.toLowerCase().replace(/<\/?at>/g, ' ').replace(/^@/, '').replace(/[.,;:()"“”']/g, ' ').replace(/\bdr\b/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * Finds one active person on the roster by what someone typed: their key, their name (without
 * "Dr." or credentials: "baker", "Dr. Baker", "dana reyes"), or a Slack mention `<@U…>`. A name
 * that fits several people is a problem naming them, never a guess.
 */
export function findStaff(roster: Roster, typed: string): Parsed<StaffMember> {
  const raw = typed.trim();
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(raw);
  if (mention) {
    const s = roster.bySlackId(mention[1]!);
    return s ? { ok: true, value: s } : { ok: false, problems: [`${raw} is not on the Baton roster`] };
  }
  const q = normalise(raw);
  const people = roster.staff.filter((s) => s.active);
  const byKey = people.find((s) => s.key === raw.toLowerCase());
  if (byKey) return { ok: true, value: byKey };
  const exact = people.filter((s) => normalise(s.name) === q || normalise(s.name.split(',')[0]!) === q);
  const words = q.split(' ').filter(Boolean);
  const partial = words.length
    ? people.filter((s) => {
        const name = normalise(s.name).split(' ');
        return words.every((w) => name.some((n) => n.startsWith(w)));
      })
    : [];
  const found = exact.length ? exact : partial;
  if (found.length === 1) return { ok: true, value: found[0]! };
  if (found.length > 1) return { ok: false, problems: [`“${raw}” could be ${found.map((s) => s.name).join(' or ')}; say which`] };
  const inactive = roster.staff.some((s) => !s.active && (s.key === raw.toLowerCase() || normalise(s.name) === q));
  return { ok: false, problems: [inactive ? `“${raw}” is not active on the Baton roster` : `nobody called “${raw}” is on the Baton roster`] };
}

// ---- The request, resolved -------------------------------------------------------------------

/** The longest away period one command sets. */
export const MAX_AWAY_DAYS = 366;

export type ResolvedAway =
  | { kind: 'status' | 'end'; person: StaffMember }
  | { kind: 'set'; person: StaffMember; from: Date; until: Date; cover: StaffMember | null };

/**
 * Names and dates of a request made real against the roster and the clock, with every problem:
 * unknown or ambiguous names, unreadable or past dates, an end before the start, a cover who
 * could not take the work. Who may set it for whom is the use case's check (`awayPermission`).
 * `zoneOf` gives a person's zone (theirs, else the organisation's): dates are read in the away
 * person's.
 */
export function resolveAway(req: AwayRequest, o: { roster: Roster; actor: StaffMember; now: Date; zoneOf: (s: StaffMember) => string }): Parsed<ResolvedAway> {
  const problems: string[] = [];
  let person: StaffMember | undefined = o.actor;
  if (req.for !== undefined) {
    const f = findStaff(o.roster, req.for);
    if (f.ok) person = f.value;
    else {
      person = undefined;
      problems.push(...f.problems.map((p) => `for: ${p}`));
    }
  }
  if (req.kind !== 'set') return problems.length || !person ? { ok: false, problems } : { ok: true, value: { kind: req.kind, person } };

  const zone = o.zoneOf(person ?? o.actor);
  const from = req.from === undefined ? { ok: true as const, value: { at: o.now, hasTime: true } } : parseWhen(req.from, 'from', o.now, zone);
  const until = parseWhen(req.until, req.through ? 'through' : 'until', o.now, zone, from.ok ? from.value.at : o.now);
  if (!from.ok) problems.push(...from.problems.map((p) => `from: ${p}`));
  if (!until.ok) problems.push(...until.problems.map((p) => `${req.through ? 'through' : 'until'}: ${p}`));
  const label = (d: Date) => localTimeLabel(d, zone, o.now);
  if (from.ok && from.value.at < o.now) problems.push(`from: ${label(from.value.at)} is in the past`);
  if (until.ok) {
    if (until.value.at <= o.now) problems.push(`until: ${label(until.value.at)} is in the past`);
    else if (from.ok && until.value.at <= from.value.at) problems.push(`until: ${label(until.value.at)} is not after the start, ${label(from.value.at)}`);
    if (until.value.at.getTime() > o.now.getTime() + MAX_AWAY_DAYS * 86_400_000) problems.push(`until: at most ${MAX_AWAY_DAYS} days ahead`);
  }

  let cover: StaffMember | null = null;
  if (req.cover !== undefined) {
    const c = findStaff(o.roster, req.cover);
    if (!c.ok) problems.push(...c.problems.map((p) => `cover: ${p}`));
    else if (person) {
      const why = coverProblem(o.roster, person, c.value);
      if (why) problems.push(`cover: ${why}`);
      cover = c.value;
    }
  }
  if (problems.length || !person || !from.ok || !until.ok) return { ok: false, problems };
  return { ok: true, value: { kind: 'set', person, from: from.value.at, until: until.value.at, cover } };
}

/**
 * Why `cover` cannot take `person`'s work, or null: not themselves; a physician's cover is a
 * physician (escalations go physician to physician); anyone else's works one of their queues.
 */
export function coverProblem(roster: Roster, person: StaffMember, cover: StaffMember): string | null {
  if (cover.key === person.key) return `${person.name} cannot cover for themselves`;
  if (person.physician) return cover.physician ? null : `${cover.name} is not a physician; ${person.name}'s escalations need a physician`;
  const theirs = new Set(roster.queuesOf(person.key).filter((q) => q.members.includes(person.key) || q.lead === person.key).map((q) => q.key));
  const shared = roster.queues.some((q) => theirs.has(q.key) && (q.members.includes(cover.key) || q.lead === cover.key));
  return shared ? null : `${cover.name} works none of ${person.name}'s queues, so could not take their items`;
}

/**
 * Who may set, end or read someone's away period: the person themselves; a lead for the members
 * of the queues they lead; a manager for anyone. Null when allowed, else the refusal.
 */
export function awayPermission(roster: Roster, actor: StaffMember, person: StaffMember): string | null {
  if (actor.key === person.key || actor.manager) return null;
  if (roster.queues.some((q) => q.members.includes(person.key) && roster.isLeadOf(actor.key, q.key))) return null;
  return `You may set away only for yourself: leads set it for the people in the queues they lead, managers for anyone, and ${person.name} is not in a queue you lead.`;
}
