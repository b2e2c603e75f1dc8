import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { pgliteTemplate, tempDir } from '../support/databases.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/baton.js');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function baton(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('baton sweep with an auto-assigning queue', () => {
  it('runs the auto-assignment pass after the SLA sweep, as the scheduler does, and says what it did', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const data = path.join(dir, 'data');
    fs.cpSync(await pgliteTemplate(), data, { recursive: true });
    const messages = path.join(dir, 'm.ndjson');
    fs.writeFileSync(messages, JSON.stringify({ source: 'portal', externalId: 'cli-aa-1', sentAt: new Date().toISOString(), patient: { id: 'pt-1' }, subject: 'question', body: 'I have had a rash for a week, is this normal?' }));
    // Ingested while nursing is still manual (the shipped example config).
    expect((await baton(['ingest', messages], { BATON_DATA_DIR: data })).code).toBe(0);
    const example = fs.readFileSync('config/baton.example.yaml', 'utf8');
    const auto = path.join(dir, 'baton.yaml');
    // The sweep runs on the real clock: the nurses are on shift around the clock, every day, so
    // whatever the hour (and the clinic's holidays) they are available.
    const always = '{ mon: [["00:00", "24:00"]], tue: [["00:00", "24:00"]], wed: [["00:00", "24:00"]], thu: [["00:00", "24:00"]], fri: [["00:00", "24:00"]], sat: [["00:00", "24:00"]], sun: [["00:00", "24:00"]] }';
    const config = example
      .replace('    members: [dana-reyes, jordan-kim]\n', '    members: [dana-reyes, jordan-kim]\n    assignment: { policy: round-robin, maxOpen: 5 }\n')
      .replace(/(\{ key: dana-reyes, [^}\n]*) \}/, `$1, hours: ${always} }`)
      .replace('{ key: jordan-kim, name: "Jordan Kim, RN", roles: [rn] }', `{ key: jordan-kim, name: "Jordan Kim, RN", roles: [rn], hours: ${always} }`)
      .replace(/^  holidays: .*$/m, '  holidays: []');
    fs.writeFileSync(auto, config);
    const r = await baton(['sweep'], { BATON_DATA_DIR: data, BATON_CONFIG: auto });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Sweep as of .*\nAuto-assignment: 1 of 1 unclaimed item\(s\) assigned, 0 left in the channel \(nobody available under the cap\), 0 claimed by someone else meanwhile\.\n$/);
    const again = await baton(['sweep'], { BATON_DATA_DIR: data, BATON_CONFIG: auto });
    expect(again.stdout).toContain('Auto-assignment: 0 of 0 unclaimed item(s) assigned');
  }, 60_000);
});
