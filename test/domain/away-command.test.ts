import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { awayPermission, findStaff, parseAwayCommand, parseWhen, resolveAway } from '../../src/domain/away-command.ts';
import { exampleConfig } from '../support/context.ts';

const CHI = 'America/Chicago';
const NOW = new Date('2026-12-01T15:00:00Z'); // Tue 1 Dec 2026, 09:00 in Chicago
const show = (d: Date, zone = CHI) => DateTime.fromJSDate(d, { zone }).toFormat('ccc yyyy-MM-dd HH:mm');
const roster = () => exampleConfig().roster;
const member = (k: string) => roster().member(k)!;

describe('parseAwayCommand', () => {
  it.each([
    ['', { kind: 'status' }],
    ['for sam', { kind: 'status', for: 'sam' }],
    ['off', { kind: 'end' }],
    ['back for Sam Ortiz', { kind: 'end', for: 'Sam Ortiz' }],
    ['until fri', { kind: 'set', until: 'fri', through: false }],
    ['until 2026-12-24 17:00 cover Dr. Baker', { kind: 'set', until: '2026-12-24 17:00', through: false, cover: 'Dr. Baker' }],
    ['through tomorrow for jordan kim cover dana', { kind: 'set', until: 'tomorrow', through: true, for: 'jordan kim', cover: 'dana' }],
    ['FROM mon UNTIL wed', { kind: 'set', from: 'mon', until: 'wed', through: false }],
  ])('“away %s”', (text, expected) => {
    const r = parseAwayCommand(text);
    expect(r.ok && r.value).toEqual({ for: undefined, ...(expected.kind === 'set' ? { from: undefined, cover: undefined } : {}), ...expected });
  });

  it('lists every problem of a muddled command at once', () => {
    const r = parseAwayCommand('tomorrow until until cover');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toEqual([
      '“until” is given twice',
      expect.stringMatching(/^“tomorrow” is not understood; start with until/),
      'say what comes after “until”',
      'say what comes after “cover”',
    ]);
  });

  it('asks until when for a cover or a start without an end, and refuses a date with “off”', () => {
    expect(parseAwayCommand('cover jordan')).toEqual({ ok: false, problems: ['say until when: “away until <date>” (or “through <date>”)'] });
    expect(parseAwayCommand('off until fri')).toEqual({ ok: false, problems: ['“away off” ends the away period; “until” does not go with it'] });
  });
});

describe('parseWhen', () => {
  const until = (text: string, now = NOW) => {
    const r = parseWhen(text, 'until', now, CHI);
    return r.ok ? show(r.value.at) : r.problems[0];
  };
  it.each([
    ['tomorrow', 'Wed 2026-12-02 00:00'],
    ['tomorrow 13:30', 'Wed 2026-12-02 13:30'],
    ['2026-12-24', 'Thu 2026-12-24 00:00'],
    ['2026-12-24 5pm', 'Thu 2026-12-24 17:00'],
    ['fri', 'Fri 2026-12-04 00:00'],
    ['Friday noon', 'Fri 2026-12-04 12:00'],
    ['today 17:00', 'Tue 2026-12-01 17:00'],
    ['17:00', 'Tue 2026-12-01 17:00'],
    // A weekday that is today: later today when the time is still ahead, else a week on.
    ['tue 16:00', 'Tue 2026-12-01 16:00'],
    ['tue', 'Tue 2026-12-08 00:00'],
  ])('until %s → %s', (text, expected) => {
    expect(until(text)).toBe(expected);
  });

  it('reads through a day as its end, and a bare day of “from” today as now', () => {
    const r = parseWhen('fri', 'through', NOW, CHI);
    expect(r.ok && show(r.value.at)).toBe('Sat 2026-12-05 00:00');
    const f = parseWhen('today', 'from', NOW, CHI);
    expect(f.ok && f.value.at).toEqual(NOW);
    const wed = parseWhen('wed', 'until', NOW, CHI, new Date('2026-12-10T06:00:00Z')); // after Thu 10 Dec: the Wednesday after
    expect(wed.ok && show(wed.value.at)).toBe('Wed 2026-12-16 00:00');
    const mon = parseWhen('mon', 'from', NOW, CHI);
    expect(mon.ok && show(mon.value.at)).toBe('Mon 2026-12-07 00:00');
  });

  it('reads local times across the DST change: 09:00 on Mon 9 Mar 2026 is 14:00 UTC (CDT), a week earlier 15:00 UTC', () => {
    const before = new Date('2026-03-06T18:00:00Z'); // Fri 6 Mar, 12:00 CST
    const r = parseWhen('mon 09:00', 'until', before, CHI);
    expect(r.ok && r.value.at.toISOString()).toBe('2026-03-09T14:00:00.000Z');
    const earlier = parseWhen('2026-03-02 09:00', 'until', new Date('2026-03-01T00:00:00Z'), CHI);
    expect(earlier.ok && earlier.value.at.toISOString()).toBe('2026-03-02T15:00:00.000Z');
  });

  it.each([
    ['2026-02-30', '“2026-02-30”: 2026-02-30 is not a real date'],
    ['next week', expect.stringMatching(/^“next week” is not a date Baton reads; write 2026-12-24, today, tomorrow or a weekday/)],
    ['25:00', expect.stringMatching(/is not a date Baton reads/)],
  ])('refuses %s', (text, problem) => {
    expect(until(text)).toEqual(problem);
  });
});

describe('findStaff', () => {
  it.each([
    ['dr-baker', 'dr-baker'],
    ['Dr. Baker', 'dr-baker'],
    ['baker', 'dr-baker'],
    ['dana reyes', 'dana-reyes'],
    ['Dana Reyes, RN', 'dana-reyes'],
    ['<at>Jordan Kim, RN</at>', 'jordan-kim'],
    ['@taylor', 'taylor-brooks'],
  ])('%s → %s', (typed, key) => {
    const r = findStaff(roster(), typed);
    expect(r.ok && r.value.key).toBe(key);
  });

  it('names everyone an ambiguous name could be, and says when nobody fits', () => {
    expect(findStaff(roster(), 'jo')).toEqual({ ok: false, problems: ['“jo” could be Jordan Kim, RN or Jo Adams; say which'] });
    expect(findStaff(roster(), 'Jo Adams')).toMatchObject({ ok: true, value: { key: 'jo-adams' } }); // the whole name is one person
    expect(findStaff(roster(), 'Dr. Bakr')).toEqual({ ok: false, problems: ['nobody called “Dr. Bakr” is on the Baton roster'] });
  });
});

describe('resolveAway', () => {
  const zoneOf = () => CHI;
  const resolve = (actor: string, text: string, now = NOW) => {
    const p = parseAwayCommand(text);
    if (!p.ok) throw new Error(p.problems.join('; '));
    return resolveAway(p.value, { roster: roster(), actor: member(actor), now, zoneOf });
  };

  it('resolves who, from when, until when and the cover', () => {
    const r = resolve('priya-shah', 'until fri 12:00 cover priya for sam');
    expect(r.ok && r.value.kind === 'set' && [r.value.person.key, r.value.from, show(r.value.until), r.value.cover?.key]).toEqual(['sam-ortiz', NOW, 'Fri 2026-12-04 12:00', 'priya-shah']);
  });

  it('lists each problem: an unknown name, a past date, a cover who cannot take the work', () => {
    const r = resolve('dr-alvarez', 'until 2026-11-30 cover sam');
    expect(r).toEqual({ ok: false, problems: ['until: Mon 30 Nov, 00:00 CST is in the past', 'cover: Sam Ortiz is not a physician; Dr. Elena Alvarez\'s escalations need a physician'] });
    const s = resolve('morgan-lee', 'from 2026-12-04 until 2026-12-03 for nobody cover jo adams');
    expect(s.ok).toBe(false);
    expect(!s.ok && s.problems).toEqual(['for: nobody called “nobody” is on the Baton roster', 'until: Thu 3 Dec, 00:00 CST is not after the start, Fri 4 Dec, 00:00 CST']);
    const t = resolve('sam-ortiz', 'from 2026-12-04 until 2026-12-03 cover jo adams');
    expect(!t.ok && t.problems).toEqual([
      'until: Thu 3 Dec, 00:00 CST is not after the start, Fri 4 Dec, 00:00 CST',
      'cover: Jo Adams works none of Sam Ortiz\'s queues, so could not take their items',
    ]);
    expect(resolve('sam-ortiz', 'until 2028-01-01')).toEqual({ ok: false, problems: ['until: at most 366 days ahead'] });
    expect(resolve('sam-ortiz', 'until fri cover sam')).toEqual({ ok: false, problems: ['cover: Sam Ortiz cannot cover for themselves'] });
  });
});

describe('awayPermission', () => {
  it.each([
    ['anyone for themselves', 'sam-ortiz', 'sam-ortiz', true],
    ['a lead for a member of the queue they lead', 'priya-shah', 'sam-ortiz', true],
    ['a lead for someone in another queue', 'priya-shah', 'jordan-kim', false],
    ['a lead for a member of one of the queues they lead (Chris leads Refills, Jordan works it)', 'chris-park', 'jordan-kim', true],
    ['a manager for anyone', 'morgan-lee', 'dr-alvarez', true],
    ['a team member for a colleague', 'sam-ortiz', 'priya-shah', false],
    ['a physician for another physician', 'dr-baker', 'dr-alvarez', false],
  ])('%s', (_name, actor, person, allowed) => {
    const refusal = awayPermission(roster(), member(actor), member(person));
    expect(refusal === null).toBe(allowed);
    if (!allowed) expect(refusal).toMatch(/^You may set away only for yourself: leads set it for the people in the queues they lead, managers for anyone, and .+ is not in a queue you lead\.$/);
  });
});
