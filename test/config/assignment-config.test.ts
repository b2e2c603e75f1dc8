import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';

const example = fs.readFileSync('config/baton.example.yaml', 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-assign-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The example config with an `assignment` block on the nursing queue. */
function withNursing(assignment: string) {
  const from = '    members: [dana-reyes, jordan-kim]\n';
  if (!example.includes(from)) throw new Error('the example changed');
  const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, example.replace(from, `${from}    assignment: ${assignment}\n`));
  return loadConfig(file);
}

describe('queues[].assignment', () => {
  it('is manual when left out: the shipped example auto-assigns nothing', () => {
    const r = loadConfig();
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.config.roster.queues.every((q) => q.assignment === undefined)).toBe(true);
  });

  it('reads the policy, the cap and the red-flag wait as a duration, with defaults', () => {
    const r = withNursing('{ policy: least-loaded, maxOpen: 6, redFlagAssignAfter: 10m }');
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.config.roster.queue('nursing')!.assignment).toEqual({ policy: 'least-loaded', maxOpen: 6, redFlagAssignAfter: 10 });
    const d = withNursing('{ policy: round-robin }');
    if (!d.ok) throw new Error(d.problems.join('\n'));
    expect(d.config.roster.queue('nursing')!.assignment).toEqual({ policy: 'round-robin', maxOpen: 10, redFlagAssignAfter: 5 });
  });

  it('lists every problem with its path', () => {
    const r = withNursing('{ policy: fastest, maxOpen: 0, redFlagAssignAfter: soon, cap: 3 }');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^queues\[1\]\.assignment\.policy: .*"manual".*"round-robin".*"least-loaded"/),
      'queues[1].assignment.maxOpen: maxOpen is at least 1',
      expect.stringMatching(/^queues\[1\]\.assignment\.redFlagAssignAfter: expected a duration like "15m"/),
      expect.stringMatching(/^queues\[1\]\.assignment: .*cap/),
    ]));
  });
});
