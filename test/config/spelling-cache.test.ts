import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedProtectedWords } from '../../src/config/spelling-cache.ts';
import { buildSpellingTable, protectedWords } from '../../src/domain/triage/spelling.ts';

const dirs: string[] = [];
const scratch = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-spelling-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const DICTIONARY = ['night', 'tight', 'light', 'breathing', 'brewing', 'chest', 'crest', 'pain', 'paint'].join('\n');
const table = (words: string[]) => buildSpellingTable(words, 4, {}, []);

describe('the protected-words cache', () => {
  it('computes once, then answers from the cache with the same words', () => {
    const dir = scratch();
    const t = table(['tight', 'chest']);
    let computed = 0;
    const compute = () => (computed++, protectedWords(DICTIONARY.split('\n'), t));
    const first = cachedProtectedWords(DICTIONARY, t, compute, dir);
    const second = cachedProtectedWords(DICTIONARY, t, compute, dir);
    expect(first.sort()).toEqual(['crest', 'light', 'night'].sort());
    expect(second.sort()).toEqual(first.sort());
    expect(computed).toBe(1);
  });

  it('new rule words or a new dictionary are a new key, never the old answer', () => {
    const dir = scratch();
    const a = table(['tight']);
    const b = table(['paint']);
    expect(cachedProtectedWords(DICTIONARY, a, () => protectedWords(DICTIONARY.split('\n'), a), dir).sort()).toEqual(['light', 'night']);
    expect(cachedProtectedWords(DICTIONARY, b, () => protectedWords(DICTIONARY.split('\n'), b), dir)).toEqual(['pain']);
    const smaller = 'night\ntight';
    expect(cachedProtectedWords(smaller, a, () => protectedWords(smaller.split('\n'), a), dir)).toEqual(['night']);
    expect(fs.readdirSync(dir)).toHaveLength(3);
  });

  it('a corrupt or unwritable cache only means computing it', () => {
    const dir = scratch();
    const t = table(['tight']);
    const compute = () => protectedWords(DICTIONARY.split('\n'), t);
    cachedProtectedWords(DICTIONARY, t, compute, dir);
    for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), '{not json');
    expect(cachedProtectedWords(DICTIONARY, t, compute, dir).sort()).toEqual(['light', 'night']);
    const blocked = path.join(scratch(), 'file');
    fs.writeFileSync(blocked, '');
    expect(cachedProtectedWords(DICTIONARY, t, compute, path.join(blocked, 'baton')).sort()).toEqual(['light', 'night']);
  });
});
