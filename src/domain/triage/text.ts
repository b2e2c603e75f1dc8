import { findAll, type Span } from './patterns.ts';

/**
 * Text preparation. Offsets into the normalised text are what the negation logic works on, so
 * normalisation happens once, before anything else.
 */

/** Latin letters with accents → the plain letter (same length), so "respiración" matches "respiracion". */
const FOLD = new Map<string, string>();
for (const [plain, accented] of Object.entries({ a: 'áàâäãå', e: 'éèêë', i: 'íìîï', o: 'óòôöõ', u: 'úùûü', n: 'ñ', c: 'ç', y: 'ýÿ' })) {
  for (const ch of accented) FOLD.set(ch, plain);
}
const APOSTROPHES = new Set(['\u2018', '\u2019', '\u201a', '\u201b', '\u02bc', '\u0060', '\u00b4', '\u2032']);
const QUOTES = new Set(['\u201c', '\u201d', '\u201e', '\u2033']);
/** Emoji that say a word: a reply of "👍" is an acknowledgement. */
const EMOJI_WORDS = new Map<number, string>([
  [0x1f44d, 'ok'], // 👍
  [0x1f44c, 'ok'], // 👌
  [0x1f197, 'ok'], // 🆗
  [0x1f64f, 'thanks'], // 🙏
]);
const SPACE = /[ \t\f\v\u00a0\u2000-\u200b\u202f\u3000¿¡]/;

/** Anything the fast path cannot take: non-ASCII, control characters but \n, ` (an apostrophe), two spaces in a row. */
const NEEDS_MAPPING = /[^\x20-\x5f\x61-\x7e\n]| {2}/;

/** Normalised text with, for each of its characters, the index of the raw character it came from. */
export interface Mapped {
  text: string;
  /** `from[i]` is the raw index of `text[i]`; `from[text.length]` is the raw length. */
  from: Int32Array;
}

/**
 * Lower-case, accents folded (á → a, ñ → n), straight apostrophes (’ ‘ ʼ ` ´ → '), straight quotes,
 * runs of spaces as one space, "¿" and "¡" as spaces (Spanish opening marks), line breaks kept as
 * sentence ends. Keeps where each character came from, so a match can be shown in the raw text.
 */
export function normalizeMapped(raw: string): Mapped {
  // Most messages are plain ASCII with single spaces: lower-casing changes no length there.
  if (!NEEDS_MAPPING.test(raw)) {
    const from = new Int32Array(raw.length + 1);
    for (let i = 0; i <= raw.length; i++) from[i] = i;
    return { text: raw.toLowerCase(), from };
  }
  let text = '';
  const from: number[] = [];
  for (let r = 0; r < raw.length; r++) {
    let ch = raw[r]!;
    const word = ch >= '\ud800' && ch <= '\udbff' ? EMOJI_WORDS.get(raw.codePointAt(r)!) : undefined;
    if (word) {
      for (const w of `${text.endsWith(' ') || text === '' ? '' : ' '}${word} `) {
        text += w;
        from.push(r);
      }
      r++;
      continue;
    }
    if (ch === '\r') {
      if (raw[r + 1] === '\n') continue;
      ch = '\n';
    } else if (SPACE.test(ch)) {
      if (text.endsWith(' ')) continue;
      ch = ' ';
    } else {
      const lower = ch.toLowerCase();
      ch = lower.length === 1 ? lower : ch;
      ch = FOLD.get(ch) ?? (APOSTROPHES.has(ch) ? "'" : QUOTES.has(ch) ? '"' : ch);
    }
    text += ch;
    from.push(r);
  }
  from.push(raw.length);
  return { text, from: Int32Array.from(from) };
}

export function normalize(raw: string): string {
  return normalizeMapped(raw).text;
}

const ABBREVIATION = /(?:^|[^a-z])(?:dr|mr|mrs|ms|st|mt|jr|sr|vs|etc|approx|appt|dept|ave|blvd|no|e\.g|i\.e|sra?|srta)$/;

export interface Clause {
  start: number;
  end: number;
  sentence: number;
  /** First clause of its sentence. */
  first: boolean;
  /** Separated from the previous clause by a bare comma (a possible list). */
  afterComma: boolean;
}

/**
 * Sentences end at . ! ? ; followed by a space or the end ("100.4" stays whole) and at line
 * breaks. Clauses split further at the configured breaks (",", "but", "and I"…), because a
 * negation governs only its own clause: "no fever but now chest pain" (DOMAIN.md §2.3 cautions).
 */
export function segment(text: string, clauseBreak: RegExp | null): Clause[] {
  const clauses: Clause[] = [];
  const breaks = findAll(clauseBreak, text);
  const ends = /[.!?;]+(?=\s|$)|\n+/g;
  let from = 0;
  let b = 0;
  let sentence = 0;
  for (let m = ends.exec(text); m || from < text.length || clauses.length === 0; m = m ? ends.exec(text) : null) {
    // "Dr. Cho", "St. Mary's": a period after a title or abbreviation does not end the sentence.
    if (m && m[0] === '.' && ABBREVIATION.test(text.slice(Math.max(0, m.index - 8), m.index))) continue;
    const end = m ? m.index : text.length;
    b = splitSentence(text, from, end, sentence++, breaks, b, clauses);
    if (!m) break;
    from = m.index + m[0].length;
  }
  return clauses;
}

/** Adds the clauses of sentence [start, end) to `out`; returns the index of the first unused break. */
function splitSentence(text: string, start: number, end: number, sentence: number, breaks: Span[], b: number, out: Clause[]): number {
  let from = start;
  let first = true;
  let afterComma = false;
  for (; b < breaks.length && breaks[b]!.start < end; b++) {
    const br = breaks[b]!;
    if (br.start < start) continue;
    // ", but": two breaks in a row make one, so the clause after still follows its finding.
    if (text.slice(from, br.start).trim() === '' && !first) {
      from = br.end;
      continue;
    }
    out.push({ start: from, end: br.start, sentence, first, afterComma });
    first = false;
    afterComma = text.slice(br.start, br.end).trim() === ',';
    from = br.end;
  }
  out.push({ start: from, end, sentence, first, afterComma });
  return b;
}

/** Index of the clause containing `pos` (clauses are sorted and cover the text except sentence ends). */
export function clauseAt(clauses: readonly Clause[], pos: number): number {
  let lo = 0;
  let hi = clauses.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (clauses[mid]!.start <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function wordCount(s: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const space = s.charCodeAt(i) <= 32;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}
