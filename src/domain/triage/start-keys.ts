/**
 * What a match of a pattern must start with, for the keyword index: the first word of the text
 * there (exactly, or a prefix of it), or a non-word character. Worked out from the regex source
 * by following every way its first word can be spelled. It may over-approximate, never miss:
 * whatever it cannot follow (".", \W, big classes, too many spellings) makes the pattern `any`,
 * to be tried at every position. Letters are lower-cased; "word" means [a-z0-9_], as \w does.
 */
export interface StartKeys {
  /** The text's word at the match start equals one of these… */
  exact: Set<string>;
  /** …or starts with one of these… */
  prefix: Set<string>;
  /** …or the match starts with one of these non-word characters… */
  nonWord: Set<string>;
  /** …or it cannot be told. */
  any: boolean;
}

/** A way the pattern's beginning can be spelled: its leading word so far, and whether that word may go on. */
type Part = { word: string; state: 'open' | 'closed' | 'unknown'; closer?: string };
const OPEN: Part[] = [{ word: '', state: 'open' }];
const UNKNOWN: Part[] = [{ word: '', state: 'unknown' }];
const LIMIT = 400;
const WORD_CHAR = /^[a-z0-9_]$/;
const CLASSES: Record<string, string> = { d: '0123456789', w: 'abcdefghijklmnopqrstuvwxyz0123456789_', s: ' \t\n\r\f\v' };
const CONTROL: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };

const literal = (ch: string): Part[] =>
  WORD_CHAR.test(ch) ? [{ word: ch, state: 'open' }] : ch.charCodeAt(0) < 128 ? [{ word: '', state: 'closed', closer: ch }] : UNKNOWN;
const oneOf = (chars: Iterable<string>): Part[] => [...new Set([...chars].map((c) => c.toLowerCase()))].flatMap(literal);

/** `a` followed by `b`. */
function then(a: Part[], b: Part[]): Part[] {
  const out = a.flatMap((x) =>
    x.state !== 'open'
      ? [x]
      : b.map((y) => ({ word: x.word + y.word, state: y.state, closer: x.word === '' && y.word === '' ? y.closer : undefined })),
  );
  if (out.length > LIMIT) throw new RangeError('too many spellings');
  return out;
}

export function startKeys(source: string): StartKeys {
  const src = source;
  let i = 0;

  function alternation(): Part[] {
    const out = sequence();
    while (src[i] === '|') {
      i++;
      out.push(...sequence());
    }
    return out;
  }

  function sequence(): Part[] {
    let parts = OPEN;
    while (i < src.length && src[i] !== '|' && src[i] !== ')') parts = then(parts, term());
    return parts;
  }

  function term(): Part[] {
    const parts = atom();
    const q = /^(?:([?*+])|\{(\d+)(,(\d*))?\})\??/.exec(src.slice(i));
    if (!q) return parts;
    i += q[0].length;
    const min = q[1] ? (q[1] === '+' ? 1 : 0) : Number(q[2]);
    const max = q[1] ? (q[1] === '?' ? 1 : Infinity) : q[3] ? (q[4] ? Number(q[4]) : Infinity) : min;
    if (max <= 1) return min === 0 ? [...OPEN, ...parts] : parts;
    // Repeated, an open word may grow by more repetitions: keep only what is certain (a prefix).
    const once = parts.map((p) => (p.state === 'open' && p.word ? { ...p, state: 'unknown' as const } : p));
    const grown = new Set(once.filter((p) => p.state === 'unknown' && p.word.length === 1).map((p) => p.word));
    // \w* or \w+: "some word characters" says nothing beyond "the word goes on".
    if (min === 0 && [...CLASSES.w!].every((ch) => grown.has(ch))) return [...UNKNOWN, ...once.filter((p) => p.state === 'closed')];
    return min === 0 ? [...OPEN, ...once] : once;
  }

  function atom(): Part[] {
    const c = src[i++]!;
    if (c === '(') {
      const look = /^\?<?[=!]/.exec(src.slice(i));
      if (look) i += look[0].length;
      else if (src.startsWith('?:', i)) i += 2;
      const inner = alternation();
      i++; // ")"
      return look ? OPEN : inner;
    }
    if (c === '[') return charClass();
    if (c === '\\') return escape();
    if (c === '.') return UNKNOWN;
    if (c === '^' || c === '$') return OPEN;
    return literal(c.toLowerCase());
  }

  function escape(): Part[] {
    const e = src[i++]!;
    if (e === 'b' || e === 'B') return OPEN;
    if (CLASSES[e]) return oneOf(CLASSES[e]);
    if (CONTROL[e]) return literal(CONTROL[e]);
    return /[a-zA-Z0-9]/.test(e) ? UNKNOWN : literal(e); // \D \W \S \x.. \u.... → unknown; \. \$ \? → literal
  }

  function charClass(): Part[] {
    const chars: string[] = [];
    let unknown = src[i] === '^';
    while (i < src.length && src[i] !== ']') {
      const c = src[i++]!;
      if (c === '\\') {
        const e = src[i++]!;
        if (CLASSES[e]) chars.push(...CLASSES[e]);
        else if (CONTROL[e]) chars.push(CONTROL[e]);
        else if (/[a-zA-Z0-9]/.test(e)) unknown = true;
        else chars.push(e);
      } else if (src[i] === '-' && src[i + 1] !== undefined && src[i + 1] !== ']' && src[i + 1] !== '\\') {
        const from = c.charCodeAt(0);
        const to = src[i + 1]!.charCodeAt(0);
        i += 2;
        if (to - from > 64) unknown = true;
        for (let k = from; k <= to && !unknown; k++) chars.push(String.fromCharCode(k));
      } else chars.push(c);
    }
    i++; // "]"
    return unknown || chars.length > 64 ? UNKNOWN : oneOf(chars);
  }

  const keys: StartKeys = { exact: new Set(), prefix: new Set(), nonWord: new Set(), any: false };
  if (/\(\?<[A-Za-z]/.test(src)) return { ...keys, any: true }; // named groups: not parsed (and refused by the schema)
  try {
    const parts = alternation();
    if (i < src.length) throw new SyntaxError('unbalanced');
    for (const p of parts) {
      // A word the pattern ends in is whole: the engine's end-of-word condition follows it.
      if (p.word && p.state !== 'unknown') keys.exact.add(p.word);
      else if (p.word) keys.prefix.add(p.word);
      else if (p.state === 'closed' && p.closer) keys.nonWord.add(p.closer);
      else keys.any = true;
    }
  } catch {
    return { exact: new Set(), prefix: new Set(), nonWord: new Set(), any: true };
  }
  // A key that begins with a prefix key adds nothing.
  const covered = (w: string, self?: string) => [...keys.prefix].some((p) => p !== self && w.startsWith(p));
  keys.exact.forEach((w) => covered(w) && keys.exact.delete(w));
  keys.prefix.forEach((w) => covered(w, w) && keys.prefix.delete(w));
  return keys;
}
