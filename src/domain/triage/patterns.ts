/**
 * Pattern convention shared by the engine and the config schema: each rule pattern is a regex
 * source applied case-insensitively, and a match never starts or ends in the middle of a word.
 * A plain `\b` would not do: patterns such as "," or "thoughts\?" start or end with punctuation.
 * START/END say "the character before/after is not a word character, or the match's own first/
 * last character is not one". Written as lookarounds, V8 rejects a position inside a word at once
 * (measured 4× faster than checking the start in code).
 */
const START = '(?:(?<!\\w)|(?!\\w))';
const END = '(?:(?!\\w)|(?<!\\w))';

/** Source of one list as a single alternation (one scan per list, not per pattern). */
export const alternation = (list: readonly string[]) => list.map((p) => `(?:${p})`).join('|');

/**
 * `(` → `(?:` outside classes and escapes. Nothing reads capture groups (back-references are
 * refused), and a match without them is about twice as fast to build.
 */
export function nonCapturing(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      out += ch + (source[++i] ?? '');
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    out += ch === '(' && !inClass && source[i + 1] !== '?' ? '(?:' : ch;
  }
  return out;
}

/** `flags`: 'gi' to scan, 'iy' (sticky) to test at one position. */
export function compileList(list: readonly string[] | undefined, flags = 'gi'): RegExp | null {
  if (!list || list.length === 0) return null;
  return new RegExp(`${START}(?:${nonCapturing(alternation(list))})${END}`, flags);
}

export interface Span {
  start: number;
  end: number;
}

/** All non-overlapping matches, left to right. */
export function findAll(re: RegExp | null, text: string): Span[] {
  const out: Span[] = [];
  if (!re) return out;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    else out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

export function testAny(re: RegExp | null, text: string): boolean {
  if (!re) return false;
  re.lastIndex = 0;
  return re.test(text);
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
  // Compiling each pattern to try it on '' costs ~0.1 ms, a quarter of a second for the shipped
  // rules at every start; most patterns need a character on their face, which settles it unrun.
  if (!needsACharacter(pattern) && new RegExp(`^(?:${pattern})$`, 'i').test('')) return 'pattern matches empty text';
  return null;
}

/** A quantifier after a token that lets it match zero times: `?`, `*`, `{0}`, `{0,n}`. */
const OPTIONAL = /^(?:\?|\*|\{0(?:,\d*)?\})/;
const QUANTIFIER = /^(?:[?*+]|\{\d+(?:,\d*)?\})\??/;

/**
 * True only when every top-level alternative of `pattern` has a token that must consume a
 * character — a literal, an escape such as `\s` or `\.`, a class, `.` — without a quantifier that
 * allows zero: then it cannot match empty text. False means "not known": groups, anchors, `\b`
 * and lookarounds are passed over, and the caller runs the real test. Worked examples:
 *   "chest pain"   → true  ('c' is required)
 *   "s?he"         → true  ('h' is required)
 *   "(chest)? ?"   → false (the group is passed over, ' ' is optional): tested for real
 *   "a|"           → false (the second alternative is empty)
 */
export function needsACharacter(pattern: string): boolean {
  let required = false;
  let depth = 0;
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i]!;
    if (ch === '|' && depth === 0) {
      if (!required) return false;
      required = false;
      i++;
      continue;
    }
    let end: number; // the token is pattern[i, end)
    let consumes = false;
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return false;
      end = i + 2;
      // \b \B are assertions; \1 \k are refused elsewhere; \c, \x, \u, \p take more characters: not known.
      if (/[bBkcxup0-9]/.test(next)) consumes = false;
      else consumes = true;
      if (/[cxup]/.test(next)) return false;
    } else if (ch === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      if (j >= pattern.length) return false;
      end = j + 1;
      consumes = depth === 0;
    } else if (ch === '(') {
      depth++;
      i++;
      continue;
    } else if (ch === ')') {
      depth = Math.max(0, depth - 1);
      end = i + 1;
    } else if ('^$'.includes(ch)) {
      end = i + 1;
    } else if ('?*+{'.includes(ch)) {
      // a quantifier not directly after a token we counted (e.g. after a group): skip it
      const q = QUANTIFIER.exec(pattern.slice(i));
      end = i + (q ? q[0].length : 1);
    } else {
      end = i + 1;
      consumes = true; // a literal character or '.'
    }
    if (consumes && depth === 0 && !OPTIONAL.test(pattern.slice(end))) required = true;
    if (consumes && depth === 0) {
      const q = QUANTIFIER.exec(pattern.slice(end));
      if (q) end += q[0].length;
    }
    i = end;
  }
  return required && depth === 0;
}
