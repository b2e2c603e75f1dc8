import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';

const example = fs.readFileSync('config/baton.example.yaml', 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function load(from: string, to: string) {
  if (!example.includes(from)) throw new Error(`the example has no ${from}`);
  const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, example.replace(from, to));
  return loadConfig(file);
}

describe('staff email (the console’s sign-in address)', () => {
  it('maps an address to its roster entry without regard to case', () => {
    const r = loadConfig();
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.config.roster.byEmail('MORGAN.LEE@riverside.example')?.key).toBe('morgan-lee');
    expect(r.config.roster.byEmail('nobody@riverside.example')).toBeUndefined();
  });

  it('refuses an address that is not one, and one address on two people', () => {
    const bad = load('email: sam.ortiz@riverside.example', 'email: sam ortiz');
    expect(!bad.ok && bad.problems).toEqual(['staff[5].email: expected an email address like "morgan.lee@clinic.example"']);
    const twice = load('email: sam.ortiz@riverside.example', 'email: Priya.Shah@riverside.example');
    expect(!twice.ok && twice.problems).toEqual(['staff[5].email: "Priya.Shah@riverside.example" is also used by staff[4]']);
  });
});
