import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTriageRules, upgradeRules } from '../../src/config/triage-schema.ts';
import { triage } from '../../src/domain/triage/index.ts';
import { tempDir } from '../support/databases.ts';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function write(files: Record<string, string>): string {
  const dir = tempDir();
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** The README's example of a clinic's own additions, exactly as printed there. */
function readmeExample(): string {
  const readme = fs.readFileSync('README.md', 'utf8');
  const m = /just what you add:\n\n```yaml\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README example of our-triage.yaml not found');
  return m[1]!;
}

const example = fs.readFileSync('config/baton.example.yaml', 'utf8');

describe('triage rules files', () => {
  it('merges a clinic file after the defaults: new phrases extend a rule, a new rule is added', () => {
    const dir = write({ 'our-triage.yaml': readmeExample() });
    const rules = loadTriageRules(['default', path.join(dir, 'our-triage.yaml')]);
    expect(triage({ body: 'my chest feels like a vice since lunch' }, rules).redFlags).toContain('chest-pressure');
    expect(triage({ body: 'my incision is bleeding through the bandage' }, rules).redFlagLabels).toContain('bleeding after surgery');
    expect(triage({ body: 'I had chest pain before my surgery, refill please' }, rules).redFlags).toEqual([]);
    expect(triage({ body: 'necesito resurtir mi receta' }, rules).category).toBe('rx-refill');
  });

  it('expands {name} lexicon references in every pattern, and names a reference to a missing entry', () => {
    const dir = write({
      'ours.yaml': ['lexicon:', '  chest: [thorax]', 'redFlags:', '  - name: chest-pressure', "    patterns: ['{chest} (is|feels) {pressure}', '{nope} hurts']"].join('\n'),
    });
    expect(() => loadTriageRules(['default', path.join(dir, 'ours.yaml')])).toThrow(/redFlags\[\d+\]\.patterns\[\d+\]: no lexicon entry named "nope"/);
    const ok = write({ 'ours.yaml': ['lexicon:', '  chest: [thorax]', 'redFlags:', '  - name: chest-pressure', "    patterns: ['{chest} (is|feels) {pressure}']"].join('\n') });
    const rules = loadTriageRules(['default', path.join(ok, 'ours.yaml')]);
    expect(triage({ body: 'my thorax feels heavy' }, rules).redFlags).toContain('chest-pressure');
  });

  it('reads a version-1 file, its negation and resolution sections as modifiers', () => {
    const v1 = upgradeRules({ version: 1, negation: { cues: ['no'], pseudoCues: ['no doubt'], windowWords: 4, listItemMaxWords: 3, listItemStoppers: ['i'] }, resolution: { cues: ['gone'], anaphora: ['it'] } }) as Record<string, any>;
    expect(v1.version).toBe(2);
    expect(v1.modifiers.map((m: { category: string }) => m.category)).toEqual(['negated', 'pseudo', 'resolved']);
    expect(v1.modifierSettings).toEqual({ listItemMaxWords: 3, listItemStoppers: ['i'], anaphora: ['it'] });
  });

  it('config check runs the rules’ examples and names each one that fails, with every schema problem', async () => {
    const dir = write({
      'bad.yaml': [
        'redFlags:',
        '  - name: chest-pressure',
        "    examples: { flag: ['my chest is fine, thanks'] }",
        '  - name: new-rule',
        '    priority: soon',
        "    patterns: ['(unclosed']",
        'modifiers:',
        '  - { name: m1, category: maybe, patterns: [x] }',
      ].join('\n'),
      'good.yaml': readmeExample(),
    });
    const config = (rules: string) => {
      const p = path.join(dir, `baton-${rules}.yaml`);
      fs.writeFileSync(p, example.replace(/^# triageRules:.*$/m, `triageRules: [default, ./${rules}.yaml]`));
      return p;
    };
    const check = async (p: string) => run(process.execPath, ['bin/baton.js', 'config', 'check', p]).then((r) => ({ code: 0, out: r.stdout }), (e) => ({ code: e.code as number, out: `${e.stdout}${e.stderr}` }));

    const bad = await check(config('bad'));
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/redFlags\[\d+\]\.priority/);
    expect(bad.out).toMatch(/not a valid regular expression/);
    expect(bad.out).toMatch(/modifiers\[\d+\]\.category/);

    const withBadExample = write({ 'x.yaml': "redFlags:\n  - name: chest-pressure\n    examples: { flag: ['my chest is fine, thanks'] }\n" });
    const p = path.join(withBadExample, 'baton.yaml');
    fs.writeFileSync(p, example.replace(/^# triageRules:.*$/m, `triageRules: [default, ./x.yaml]`));
    const failing = await check(p);
    expect(failing.code).not.toBe(0);
    expect(failing.out).toContain('redFlags "chest-pressure": example expected to raise a red flag but raised none: "my chest is fine, thanks"');

    const good = await check(config('good'));
    expect(good.out).toMatch(/^OK: .*\nTriage rules: \d+ red-flag rules, .* examples pass\.\n$/);
  });
});
