import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';

const example = fs.readFileSync('config/baton.example.yaml', 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-on-call-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The example config with `pool` as its physicianPool section. */
function load(pool: string) {
  const section = 'physicianPool:\n  name: Physician escalations\n';
  if (!example.includes(section)) throw new Error('the example has no physicianPool section to edit');
  const text = example.replace(section, `${section}${pool}`);
  const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  return loadConfig(file);
}

describe('physicianPool.onCall in the config', () => {
  it('reads a weekly pattern (shorthand or with a handover), dated overrides and the fallback delay', () => {
    const r = load(`  onCall:
    handover: "08:00"
    weekly:
      mon: dr-alvarez
      fri: { physician: dr-baker, handover: "17:00" }
    overrides:
      - { date: "2026-12-24", physician: dr-cho }
      - { from: "2026-12-26", until: "2026-12-31", physician: dr-baker }
  onCallFallbackAfter: 45m
`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.raw.physicianPool).toEqual({
      name: 'Physician escalations',
      onCall: {
        handover: '08:00',
        weekly: { mon: { physician: 'dr-alvarez' }, fri: { physician: 'dr-baker', handover: '17:00' } },
        overrides: [{ from: '2026-12-24', until: '2026-12-24', physician: 'dr-cho' }, { from: '2026-12-26', until: '2026-12-31', physician: 'dr-baker' }],
      },
      onCallFallbackAfter: 45,
    });
  });

  it('without a rota, pool escalations go to the whole pool (30 minutes is the default delay, unused)', () => {
    const r = load('');
    expect(r.ok && r.config.raw.physicianPool).toEqual({ name: 'Physician escalations', onCallFallbackAfter: 30 });
  });

  it('lists every problem of a rota in one run: unknown staff, non-physicians, days, dates, times, overlaps, the delay', () => {
    const r = load(`  onCall:
    handover: "8am"
    weekly:
      mon: dr-nobody
      tue: sam-ortiz
      fri: { physician: dr-baker, handover: "25:00" }
      funday: dr-cho
    overrides:
      - { date: "2026-02-30", physician: dr-cho }
      - { from: "2026-12-31", until: "2026-12-26", physician: dr-baker }
      - { from: "2026-12-20", until: "2026-12-24", physician: dr-cho }
      - { date: "2026-12-22", physician: dr-alvarez }
  onCallFallbackAfter: 0m
`);
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^physicianPool\.onCall\.handover: expected a time like "08:00"/),
      expect.stringMatching(/^physicianPool\.onCall\.weekly\.fri/),
      expect.stringMatching(/^physicianPool\.onCall\.weekly\.funday|^physicianPool\.onCall\.weekly: /),
      expect.stringMatching(/^physicianPool\.onCall\.overrides\[0\]/),
      'physicianPool.onCall.overrides[1].until: "2026-12-26" is before "from" ("2026-12-31")',
      expect.stringMatching(/^physicianPool\.onCallFallbackAfter: must be at least 1 minute/),
    ]));
    // The names are checked against the roster in the same run, whatever else is wrong with the rota.
    expect(problems).toEqual(expect.arrayContaining([
      'physicianPool.onCall.weekly.mon: no staff member "dr-nobody"',
      'physicianPool.onCall.weekly.tue: "sam-ortiz" is not a physician (set physician: true, or put a physician on call)',
    ]));
    const overlap = load(`  onCall:
    weekly: { wed: dr-cho }
    overrides:
      - { from: "2026-12-20", until: "2026-12-24", physician: dr-cho }
      - { date: "2026-12-22", physician: dr-alvarez }
      - { date: "2026-12-28", physician: morgan-lee }
`);
    expect(overlap.ok ? [] : overlap.problems).toEqual([
      'physicianPool.onCall.overrides[1]: overlaps overrides[0] (2026-12-20–2026-12-24): one physician per day',
      'physicianPool.onCall.overrides[2].physician: "morgan-lee" is not a physician (set physician: true, or put a physician on call)',
    ]);
  });

  it('refuses a rota that names nobody', () => {
    const r = load('  onCall: { weekly: {} }\n');
    expect(r.ok ? [] : r.problems).toEqual(['physicianPool.onCall: the rota names nobody: give a weekly entry or an override (or leave onCall out)']);
  });
});
