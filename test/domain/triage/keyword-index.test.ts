import { describe, expect, it } from 'vitest';
import { loadDefaultTriageRules } from '../../../src/config/triage-schema.ts';
import { KeywordIndex } from '../../../src/domain/triage/keyword-index.ts';
import { compileList, findAll } from '../../../src/domain/triage/patterns.ts';
import { startKeys } from '../../../src/domain/triage/start-keys.ts';
import { normalize } from '../../../src/domain/triage/text.ts';
import { readNdjson } from './evaluate.ts';

const describeKeys = (p: string) => {
  const k = startKeys(p);
  if (k.any) return 'any';
  const list = (s: Set<string>) => [...s].sort().join(',');
  return [k.exact.size ? `=${list(k.exact)}` : '', k.prefix.size ? `^${list(k.prefix)}` : '', k.nonWord.size ? `!${list(k.nonWord)}` : '']
    .filter(Boolean)
    .join(' ');
};

// The index is only exact if this analysis never leaves out a way a match can start.
// "=w": the word there is w; "^w": it begins with w; "!c": the match starts with character c.
const startTable: [pattern: string, expected: string][] = [
  ['chest pain', '=chest'],
  ['(my|his|her) chest', '=her,his,my'],
  ['(my )?chest', '=chest,my'],
  ["can'?t breathe", '=can,cant'],
  ['forms?', '=form,forms'],
  ['refill\\w*', '^refill'],
  ['Re-?schedul\\w*', '=re ^reschedul'],
  ['x-?rays?', '=x ^xray'.replace(' ^xray', ',xray,xrays')],
  ['\\d+ days', '^0,1,2,3,4,5,6,7,8,9'],
  ['\\$ ?\\d+', '!$'],
  ['[A-C]x|z', '=ax,bx,cx,z'],
  ['(?<!x)(?=y)yes', '=yes'],
  ['\\bno\\b', '=no'],
  ['a{2}b', '^a'],
  ['thoughts\\?', '=thoughts'],
  ['.a', 'any'],
  ['[^a]b', 'any'],
  ['\\W', 'any'],
  ['\\s+x', '!\t,\n,\v,\f,\r, '],
];

describe('start keys of a pattern', () => {
  it.each(startTable)('are worked out for %s', (pattern, expected) => {
    expect(describeKeys(pattern)).toBe(expected);
  });

  it('leaves no shipped pattern to be tried everywhere', () => {
    const rules = loadDefaultTriageRules();
    const all = [...rules.redFlags.flatMap((r) => r.patterns ?? []), ...rules.concepts.flatMap((c) => c.patterns), ...rules.categories.flatMap((c) => [...(c.strong ?? []), ...(c.normal ?? []), ...(c.weak ?? [])])];
    expect(all.filter((p) => startKeys(p).any)).toEqual([]);
  });

  it('leaves no shipped pattern to be tried at every word (a start of "any letter", like \\w+ina)', () => {
    const rules = loadDefaultTriageRules();
    const all = [...rules.redFlags.flatMap((r) => [...(r.patterns ?? []), ...(r.with ?? [])]), ...rules.modifiers.flatMap((m) => m.patterns), ...rules.categories.flatMap((c) => [...(c.strong ?? []), ...(c.normal ?? []), ...(c.weak ?? [])])];
    const everyWord = (p: string) => [...'abcdefghijklmnopqrstuvwxyz'].every((ch) => [...startKeys(p).prefix].includes(ch));
    expect(all.filter(everyWord)).toEqual([]);
    // A pattern that may start with a space is tried at every space.
    expect(all.filter((p) => startKeys(p).nonWord.has(' '))).toEqual([]);
  });
});

const rules = loadDefaultTriageRules();
const lists = [...rules.redFlags.map((r) => r.patterns ?? []).filter((l) => l.length > 0), ...rules.categories.flatMap((c) => [c.strong ?? [], c.normal ?? [], c.weak ?? []])];
const texts = [
  ...readNdjson(new URL('./holdout.ndjson', import.meta.url).pathname),
].map((r) => normalize(`${r.message.subject ?? ''}\n${r.message.body}`)).concat([
  'Chest pain, CHEST PRESSURE; fever 101.5, $240 bill — can’t breathe?!',
  'é café naïve — my son’s fever is 104 and he is hard to wake',
]);

describe('keyword index', () => {
  it('finds exactly what scanning each list on its own finds', () => {
    const index = new KeywordIndex(lists);
    const scanners = lists.map((l) => compileList(l));
    for (const text of texts) {
      const got: string[] = [];
      index.scan(text, false, (list, start, end) => got.push(`${list}:${start}-${end}`));
      const want = scanners.flatMap((re, i) => findAll(re, text).map((s) => `${i}:${s.start}-${s.end}`));
      expect(got.sort()).toEqual(want.sort());
    }
  });

  it('reports every start position of every list in overlapping mode', () => {
    const index = new KeywordIndex(lists);
    const sticky = lists.map((l) => compileList(l, 'iy')!);
    for (const text of texts) {
      const got = new Set<string>();
      index.scan(text, true, (list, start) => got.add(`${list}:${start}`));
      const want = new Set<string>();
      sticky.forEach((at, i) => {
        for (let p = 0; p < text.length; p++) {
          at.lastIndex = p;
          if (at.test(text)) want.add(`${i}:${p}`);
        }
      });
      expect([...got].sort()).toEqual([...want].sort());
    }
  });
});
