import type { Mapped } from './text.ts';

/**
 * Spelling tolerance for the rules' own words. Patients type "cheast", "brething", "siezure",
 * "vomitting": a word of at least `minLength` letters that is not itself a word (not in the
 * vocabulary, not a protected real word) is read as the vocabulary word it is one edit away from
 * (a letter dropped, added, changed, or two neighbours swapped). Known misspellings of any length
 * ("cant", "numbnes") come from the rules' list. Deletion neighbourhoods (the SymSpell idea) make a
 * look-up a handful of map reads instead of a scan of the vocabulary.
 */

export interface SpellingTable {
  minLength: number;
  vocabulary: ReadonlySet<string>;
  /** Real words near a vocabulary word that must stay as written ("night" is not "tight"). */
  keep: ReadonlySet<string>;
  misspellings: ReadonlyMap<string, string>;
  /** A word, or the word with one letter deleted → vocabulary words it can come from. */
  deletions: Map<string, string[]>;
}

export interface Correction {
  from: string;
  to: string;
  /** Offset in the normalised text before correction. */
  at: number;
}

function deletionsOf(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Optimal string alignment distance, stopping early above 1: is `a` within one edit of `b`? */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // one letter changed
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // two swapped
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

export function buildSpellingTable(words: Iterable<string>, minLength: number, misspellings: Record<string, string>, keep: Iterable<string>): SpellingTable {
  const vocabulary = new Set<string>();
  for (const w of words) if (w.length >= minLength && /^[a-z]+$/.test(w)) vocabulary.add(w);
  const deletions = new Map<string, string[]>();
  const file = (key: string, word: string) => {
    const list = deletions.get(key);
    if (!list) deletions.set(key, [word]);
    else if (!list.includes(word)) list.push(word);
  };
  for (const w of vocabulary) {
    file(w, w);
    for (const d of deletionsOf(w)) file(d, w);
  }
  return { minLength, vocabulary, keep: new Set(keep), misspellings: new Map(Object.entries(misspellings)), deletions };
}

/** The vocabulary word `token` is one edit away from, or undefined (none, or a tie between two). */
export function nearestWord(token: string, t: SpellingTable): string | undefined {
  const found = new Set<string>();
  for (const key of [token, ...deletionsOf(token)]) {
    for (const w of t.deletions.get(key) ?? []) if (w !== token && withinOneEdit(token, w)) found.add(w);
  }
  if (found.size === 1) return [...found][0];
  // Several: prefer the one that keeps the first letter and the length ("brething" → "breathing"
  // over nothing); a remaining tie is left alone rather than guessed.
  const same = [...found].filter((w) => w[0] === token[0]);
  return same.length === 1 ? same[0] : undefined;
}

/** A cheap test before `nearestWord`: does any deletion key of `w` exist at all? */
function mayBeNear(w: string, t: SpellingTable): boolean {
  if (t.deletions.has(w)) return true;
  for (let i = 0; i < w.length; i++) if (t.deletions.has(w.slice(0, i) + w.slice(i + 1))) return true;
  return false;
}

/**
 * The code `protectedWords`' answer depends on, as text: with the dictionary and the table it
 * keys the answer's cache (src/config/spelling-cache.ts), so an edit here never reads a stale one.
 */
export const protectedWordsCode = (): string => [protectedWords, nearestWord, mayBeNear, deletionsOf, withinOneEdit, buildSpellingTable].map(String).join('\n');

/** Which real dictionary words would otherwise be "corrected": the table's `keep` list, worked out once. */
export function protectedWords(dictionary: Iterable<string>, t: SpellingTable): string[] {
  const out: string[] = [];
  for (const w of dictionary) {
    if (w.length < t.minLength || t.vocabulary.has(w) || !mayBeNear(w, t)) continue;
    if (/^[a-z]+$/.test(w) && nearestWord(w, t) !== undefined) out.push(w);
  }
  return out;
}

const LETTER = (c: number) => c >= 97 && c <= 122;

/** Capitalised in the raw text and not at a sentence start: a name (Patel, Aleve), not a typo. */
function looksLikeName(m: Mapped, raw: string, i: number): boolean {
  const ch = raw[m.from[i]!]!;
  if (ch === ch.toLowerCase()) return false;
  const before = m.text.slice(Math.max(0, i - 3), i).trimEnd();
  return before !== '' && (!/[.!?\n:;"(]$/.test(before) || /\b(dr|mr|mrs|ms|st|nurse)\.$/.test(m.text.slice(Math.max(0, i - 8), i).trimEnd()));
}

/**
 * Rewrites misspelt words of `m.text`; `m.from` is carried through so offsets still lead to the raw
 * text. Words of a correction map to the raw word they replace. `listedOnly`: only the listed
 * misspellings (a Spanish message: the vocabulary is mostly English, and Spanish words sit one
 * letter from it — "todas", "mejor").
 */
export function correctSpelling(m: Mapped, raw: string, t: SpellingTable, cache: Map<string, string | null>, listedOnly = false): { mapped: Mapped; corrections: Correction[] } {
  const corrections: Correction[] = [];
  const { text } = m;
  let out = '';
  const from: number[] = [];
  let copied = 0;
  for (let i = 0; i < text.length; ) {
    if (!LETTER(text.charCodeAt(i)) || (i > 0 && (LETTER(text.charCodeAt(i - 1)) || text[i - 1] === "'"))) {
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && LETTER(text.charCodeAt(j))) j++;
    const token = text.slice(i, j);
    const next = text[j];
    const skip = next === "'" || (next !== undefined && /[0-9_]/.test(next)) || looksLikeName(m, raw, i);
    const fixed = skip ? null : listedOnly ? (t.misspellings.get(token) ?? null) : lookup(token, t, cache);
    if (fixed) {
      for (let k = copied; k < i; k++) from.push(m.from[k]!);
      out += text.slice(copied, i) + fixed;
      for (let k = 0; k < fixed.length; k++) from.push(m.from[Math.min(i + k, j - 1)]!);
      corrections.push({ from: token, to: fixed, at: i });
      copied = j;
    }
    i = j;
  }
  if (corrections.length === 0) return { mapped: m, corrections };
  for (let k = copied; k <= text.length; k++) from.push(m.from[k]!);
  out += text.slice(copied);
  return { mapped: { text: out, from: Int32Array.from(from) }, corrections };
}

function lookup(token: string, t: SpellingTable, cache: Map<string, string | null>): string | null {
  const listed = t.misspellings.get(token);
  if (listed) return listed;
  if (token.length < t.minLength || t.vocabulary.has(token) || t.keep.has(token)) return null;
  let hit = cache.get(token);
  if (hit === undefined) {
    hit = nearestWord(token, t) ?? null;
    if (cache.size > 50_000) cache.clear();
    cache.set(token, hit);
  }
  return hit;
}
