/**
 * The lexicon: named lists of lay words, written once and used in any pattern as `{name}`, so a
 * finding reads as body site × descriptor — `{chest} {pressure-word}` — and a clinic adds a synonym
 * (English or Spanish) in one place for every rule that uses it. A reference expands to
 * `(?:word|word|…)` before the patterns are checked; a lexicon entry may use other entries.
 * Regex quantifiers (`{2}`, `{0,3}`) are digits and are left alone.
 */

export interface LexiconProblem {
  path: (string | number)[];
  message: string;
}

const REF = /\{([a-z][a-z0-9-]*)\}/g;
const PATTERN_LISTS: (string | number)[][] = [['idioms'], ['urgency', 'patterns'], ['modifierSettings', 'listItemStoppers'], ['modifierSettings', 'anaphora']];
const RECORD_LISTS: [string, string[]][] = [
  ['categories', ['strong', 'normal', 'weak']],
  ['redFlags', ['patterns', 'with']],
  ['concepts', ['patterns']],
  ['modifiers', ['patterns']],
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function expandLexicon(data: unknown): { data: unknown; problems: LexiconProblem[] } {
  if (!isObj(data)) return { data, problems: [] };
  const problems: LexiconProblem[] = [];
  const lexicon = isObj(data.lexicon) ? (data.lexicon as Record<string, unknown>) : {};
  const expanded = new Map<string, string>();
  const expanding = new Set<string>();

  const term = (name: string, path: (string | number)[]): string | undefined => {
    const hit = expanded.get(name);
    if (hit) return hit;
    const words = lexicon[name];
    if (!Array.isArray(words) || words.some((w) => typeof w !== 'string')) {
      problems.push({ path, message: `no lexicon entry named "${name}" (add it under lexicon:)` });
      return undefined;
    }
    if (expanding.has(name)) {
      problems.push({ path: ['lexicon', name], message: `lexicon entry "${name}" refers to itself` });
      return undefined;
    }
    expanding.add(name);
    const alts = (words as string[]).map((w, i) => expand(w, ['lexicon', name, i]));
    expanding.delete(name);
    const src = `(?:${alts.join('|')})`;
    expanded.set(name, src);
    return src;
  };
  const expand = (p: string, path: (string | number)[]): string => p.replace(REF, (all, name: string) => term(name, path) ?? all);
  const list = (v: unknown, path: (string | number)[]) => (Array.isArray(v) ? v.map((p, i) => (typeof p === 'string' ? expand(p, [...path, i]) : p)) : v);

  const out: Obj = { ...data };
  for (const path of PATTERN_LISTS) {
    const [a, b] = path as [string, string | undefined];
    if (b === undefined) out[a] = list(out[a], [a]);
    else if (isObj(out[a])) out[a] = { ...(out[a] as Obj), [b]: list((out[a] as Obj)[b], [a, b]) };
  }
  for (const [key, fields] of RECORD_LISTS) {
    if (!Array.isArray(out[key])) continue;
    out[key] = (out[key] as unknown[]).map((r, i) => {
      if (!isObj(r)) return r;
      const copy: Obj = { ...r };
      for (const f of fields) if (f in copy) copy[f] = list(copy[f], [key, i, f]);
      return copy;
    });
  }
  return { data: out, problems };
}
