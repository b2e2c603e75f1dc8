import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { needsACharacter, patternProblem } from '../../../src/domain/triage/patterns.ts';

const matchesEmpty = (p: string) => new RegExp(`^(?:${p})$`, 'i').test('');

/** Every string of the shipped rule files (patterns, and some prose, which must be handled too). */
function shippedStrings(): string[] {
  const dir = path.resolve(import.meta.dirname, '../../../config/triage');
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) if (f.endsWith('.yaml')) walk(YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  return [...out];
}

describe('needsACharacter: the screen that spares compiling a pattern to try it on empty text', () => {
  it.each([
    ['chest pain', true],
    ['s?he', true],
    ['\\d+ ?mg', true],
    ['[abc]', true],
    ['.', true],
    ['a{2}', true],
    ['a|b', true],
    ['a?', false],
    ['a*', false],
    ['a{0,3}', false],
    ['a|', false],
    ['|a', false],
    ['(chest)', false],
    ['(?=a)', false],
    ['\\b', false],
    ['[a]?', false],
    ['\\x41', false],
  ])('%j → %s', (pattern, expected) => {
    expect(needsACharacter(pattern)).toBe(expected);
  });

  it('never says "needs a character" of a pattern that matches empty text (crafted traps)', () => {
    const traps = ['a?|b', '(a)|', 'x*y?', '[)]?', '\\(?', '(?:a|)', 'a{0}', '(a|b)?c?', '\\s*', '[^x]*', '(?!a)', '^$', '\\B', 'a??', 'a*?', '[\\]]?'];
    for (const p of traps) {
      expect(matchesEmpty(p), p).toBe(true);
      expect(needsACharacter(p), p).toBe(false);
    }
  });

  it('agrees with the real test on every shipped pattern, and settles most of them without compiling', () => {
    const valid = shippedStrings().filter((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    });
    let settled = 0;
    for (const p of valid) {
      if (needsACharacter(p)) {
        settled++;
        expect(matchesEmpty(p), p).toBe(false);
      }
    }
    expect(valid.length).toBeGreaterThan(500);
    expect(settled / valid.length).toBeGreaterThan(0.9);
  });

  it('patternProblem still finds a pattern that matches empty text', () => {
    expect(patternProblem('(chest)?')).toBe('pattern matches empty text');
    expect(patternProblem('pain|')).toBe('pattern matches empty text');
    expect(patternProblem('chest pain')).toBeNull();
  });
});
