/**
 * Pattern convention shared by the engine and the config schema: each rule pattern is a regex
 * source applied case-insensitively, and a match never starts or ends in the middle of a word.
 * A plain `\b` would not do: patterns such as "," or "thoughts\?" start or end with punctuation.
 *
 * The end condition lives in the regex (it may need backtracking: `dos(e|es)` on "doses"); the
 * start condition depends only on the position, so `findAll` checks it in code. Keeping the
 * start of the regex free of assertions lets V8 skip ahead by first character, which is most
 * of the engine's speed.
 */
const END = '(?:\\b|(?<!\\w))';

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

/** Source of one list as a single alternation (one scan per list, not per pattern). */
export const alternation = (list: readonly string[]) => list.map((p) => `(?:${p})`).join('|');

export function compileList(list: readonly string[] | undefined): RegExp | null {
  if (!list || list.length === 0) return null;
  return new RegExp(`(?:${alternation(list)})${END}`, 'gi');
}

export interface Span {
  start: number;
  end: number;
}

/** Each match of `re` in `text` (left to right, non-overlapping) that starts at a word edge. */
export function eachMatch(re: RegExp | null, text: string, fn: (m: RegExpExecArray) => void): void {
  if (!re) return;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const p = m.index;
    if (m[0].length === 0 || (p > 0 && isWordChar(text.charCodeAt(p - 1)) && isWordChar(text.charCodeAt(p)))) {
      re.lastIndex = p + 1;
      continue;
    }
    fn(m);
  }
}

export function findAll(re: RegExp | null, text: string): Span[] {
  const out: Span[] = [];
  eachMatch(re, text, (m) => out.push({ start: m.index, end: m.index + m[0].length }));
  return out;
}

export function testAny(re: RegExp | null, text: string): boolean {
  let found = false;
  eachMatch(re, text, () => {
    found = true;
    re!.lastIndex = text.length + 1; // stop at the first valid match
  });
  return found;
}

/**
 * Why a pattern cannot be used, or null. Patterns of one list are joined into one expression,
 * so back-references and named groups (which would clash or renumber) are refused.
 */
export function patternProblem(pattern: string): string | null {
  if (pattern.trim() === '') return 'pattern is empty';
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references are not supported (patterns are joined into one expression)';
  if (/\(\?<[A-Za-z]/.test(pattern)) return 'named groups are not supported (patterns are joined into one expression)';
  try {
    compileList([pattern]);
  } catch (e) {
    return `not a valid regular expression: ${(e as Error).message}`;
  }
  if (new RegExp(`^(?:${pattern})$`, 'i').test('')) return 'pattern matches empty text';
  return null;
}
