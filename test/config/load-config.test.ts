import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';

const example = fs.readFileSync('config/baton.example.yaml', 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The example config with each [from, to] replaced once; its problems (or [] when it loads). */
function problemsOf(...edits: Array<[string, string]>): string[] {
  let text = example;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`the example has no ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  const r = loadConfig(file);
  return r.ok ? [] : r.problems;
}

describe('loading the config', () => {
  it('lists the problems of every layer in one go: schema, cross-references and business hours', () => {
    const problems = problemsOf(
      ['timezone: America/Chicago', 'timezone: Mars/Olympus'],
      ['members: [dana-reyes, jordan-kim]', 'members: [dana-reyes, nobody-here]'],
      ['defaultQueue: nursing', 'defaultQueue: triage'],
      ['claimWithin: 2h', 'claimWithin: soon'],
      ['mon: [["08:00", "12:00"], ["13:00", "17:00"]]', 'mon: [["08:00", "12:00"], ["11:00", "17:00"]]'],
    );
    expect(problems).toEqual(expect.arrayContaining([
      'organization.timezone: unknown timezone "Mars/Olympus"; use an IANA name like "America/Chicago"',
      'queues[1].members[1]: no staff member "nobody-here"',
      'routing.defaultQueue: no queue "triage"',
      expect.stringMatching(/^sla\[1\]\.claimWithin: expected a duration/),
      expect.stringMatching(/^businessHours\.weekly\.mon\[1\]: period "11:00" overlaps/),
    ]));
    expect(problems).toHaveLength(5);
  });

  it('says nothing more about references to an entry or a section that has problems of its own', () => {
    // A staff entry with a bad Slack id is still someone queues may name; a catch-all policy with a
    // bad duration is still the catch-all; queues that do not parse cannot be looked up at all.
    expect(problemsOf(['{ key: dana-reyes, name: "Dana Reyes, RN",', '{ key: dana-reyes, slackUserId: nope, name: "Dana Reyes, RN",'], ['claimWithin: 4h', 'claimWithin: whenever']))
      .toEqual([
        'staff[6].slackUserId: a Slack user id looks like "U012ABCDEF"',
        expect.stringMatching(/^sla\[0\]\.claimWithin: expected a duration/),
      ]);
    const queues = problemsOf(['queues:\n', 'queues: nursing-only\nold_queues:\n']);
    expect(queues).toContain('queues: expected array, got string');
    expect(queues.filter((p) => /no queue/.test(p))).toEqual([]);
  });

  it("checks each staff member's own timezone", () => {
    expect(problemsOf(['manager: true\n', 'manager: true\n    timezone: Europe/Londn\n'])).toEqual([
      'staff[3].timezone: unknown timezone "Europe/Londn"; use an IANA name like "America/Chicago"',
    ]);
  });
});

describe('who is in: staff hours and covers', () => {
  it('takes a staff member’s own hours and cover', () => {
    expect(problemsOf(['{ key: jordan-kim, name: "Jordan Kim, RN", roles: [rn] }', '{ key: jordan-kim, name: "Jordan Kim, RN", roles: [rn], timezone: America/Denver, hours: { mon: [["07:00", "15:30"]], sat: [["08:00", "12:00"]] }, coveredBy: dana-reyes }'])).toEqual([]);
    const r = loadConfig();
    expect(r.ok && r.config.roster.member('dr-alvarez')?.coveredBy).toBe('dr-baker');
  });

  it('checks own hours as business hours are checked, and says an empty week is no week', () => {
    expect(problemsOf(['{ key: jordan-kim, name: "Jordan Kim, RN", roles: [rn] }', '{ key: jordan-kim, name: "Jordan Kim, RN", roles: [rn], hours: { mon: [["15:00", "07:00"]], tue: [["08:00", "12:00"], ["11:00", "13:00"]], fri: [["8am", "5pm"]] } }'])).toEqual([
      'staff[7].hours.mon[0][1]: period end "07:00" must be after its start "15:00"',
      'staff[7].hours.tue[1]: period "11:00" overlaps or is out of order: it must start at or after the previous period ends ("12:00")',
      'staff[7].hours.fri[0][0]: expected a time like "08:30" (00:00–24:00)',
      'staff[7].hours.fri[0][1]: expected a time like "08:30" (00:00–24:00)',
    ]);
    expect(problemsOf(['{ key: jordan-kim, name: "Jordan Kim, RN", roles: [rn] }', '{ key: jordan-kim, name: "Jordan Kim, RN", roles: [rn], hours: {} }'])).toEqual([
      'staff[7].hours: hours need at least one period in the week; leave hours out to follow the business hours',
    ]);
  });

  it('checks each coveredBy: on the roster, not themselves, a physician for a physician, someone in their queues otherwise', () => {
    expect(problemsOf(
      ['coveredBy: dr-baker', 'coveredBy: dr-nobody'],
      ['{ key: dr-baker, name: "Dr. Marcus Baker", roles: [physician], physician: true }', '{ key: dr-baker, name: "Dr. Marcus Baker", roles: [physician], physician: true, coveredBy: dr-baker }'],
      ['{ key: dr-cho, name: "Dr. Grace Cho", roles: [physician], physician: true }', '{ key: dr-cho, name: "Dr. Grace Cho", roles: [physician], physician: true, coveredBy: dana-reyes }'],
      ['{ key: sam-ortiz, name: "Sam Ortiz", roles: [front-desk], email: sam.ortiz@riverside.example }', '{ key: sam-ortiz, name: "Sam Ortiz", roles: [front-desk], email: sam.ortiz@riverside.example, coveredBy: jo-adams }'],
      ['{ key: jo-adams, name: "Jo Adams", roles: [billing] }', '{ key: jo-adams, name: "Jo Adams", roles: [billing], coveredBy: robin-patel }'],
    )).toEqual([
      'staff[0].coveredBy: no staff member "dr-nobody"',
      'staff[1].coveredBy: "dr-baker" cannot cover for themselves',
      'staff[2].coveredBy: "dana-reyes" is not a physician; a physician\'s escalations go to a covering physician',
      'staff[5].coveredBy: "jo-adams" works none of sam-ortiz\'s queues, so could not take their items',
    ]);
  });
});
