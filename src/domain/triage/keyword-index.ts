import { compileList } from './patterns.ts';
import { startKeys } from './start-keys.ts';

/**
 * Many pattern lists scanned together, at a cost that grows with the words of the message rather
 * than with the number of patterns. Each pattern is filed under the word (or word prefix, or
 * non-word character) its matches must start with (start-keys.ts); at each word of the text a
 * trie walk finds the lists that can match there, and only those run, as sticky regexes. Exact:
 * each list gets the matches its own scanning regex would find (keyword-index.test.ts).
 */
interface Node {
  next: Map<number, Node>;
  /** Patterns whose start word is exactly the path to this node. */
  exact: number[];
  /** Patterns whose start word begins with the path to this node. */
  prefix: number[];
}

const node = (): Node => ({ next: new Map(), exact: [], prefix: [] });
const isWord = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/**
 * Patterns are filed one by one, numbered in list order then pattern order, so that at a position
 * only the patterns that can start there run (a 250-name drug list costs one name, not 250), and
 * trying a list's candidates in number order gives the match its alternation would give: the first
 * pattern of the list that matches there.
 */
export class KeywordIndex {
  readonly size: number;
  readonly #sticky: RegExp[];
  readonly #listOf: Int32Array;
  readonly #trie = node();
  readonly #nonWord = new Map<number, number[]>();
  /** Patterns whose start could not be worked out: tried everywhere. */
  readonly #any: number[] = [];
  readonly #seen: Uint8Array;
  readonly #found: Int32Array;
  readonly #done: Uint8Array;
  /** Patterns a scan may be told to leave out (the Spanish-only ones, for a message with no Spanish). */
  readonly #optional: Uint8Array;

  constructor(lists: readonly (readonly string[])[], optional: (pattern: string) => boolean = () => false) {
    this.size = lists.length;
    const sticky: RegExp[] = [];
    const listOf: number[] = [];
    const flags: number[] = [];
    lists.forEach((patterns, list) => {
      for (const p of patterns) {
        const id = sticky.push(compileList([p], 'iy')!) - 1;
        listOf.push(list);
        flags.push(optional(p) ? 1 : 0);
        const keys = startKeys(p);
        if (keys.any) this.#any.push(id);
        keys.nonWord.forEach((ch) => {
          const code = ch.charCodeAt(0);
          if (!this.#nonWord.has(code)) this.#nonWord.set(code, []);
          this.#nonWord.get(code)!.push(id);
        });
        keys.exact.forEach((w) => this.#path(w).exact.push(id));
        keys.prefix.forEach((w) => this.#path(w).prefix.push(id));
      }
    });
    this.#sticky = sticky;
    this.#optional = Uint8Array.from(flags);
    this.#listOf = Int32Array.from(listOf);
    this.#seen = new Uint8Array(sticky.length);
    this.#found = new Int32Array(sticky.length);
    this.#done = new Uint8Array(lists.length);
  }

  #path(word: string): Node {
    let n = this.#trie;
    for (let k = 0; k < word.length; k++) {
      const code = word.charCodeAt(k);
      if (!n.next.has(code)) n.next.set(code, node());
      n = n.next.get(code)!;
    }
    return n;
  }

  // Hot path: no closures here. Under tsx (esbuild keepNames) each named closure created at run
  // time costs an Object.defineProperty, which was 40% of the scan time.
  /** Adds unseen `ids` to `#found` after its first `count` entries; returns the new count. */
  #add(ids: number[], count: number): number {
    for (const id of ids) {
      if (this.#seen[id]) continue;
      this.#seen[id] = 1;
      this.#found[count++] = id;
    }
    return count;
  }

  /** Fills `#found` with the patterns that may match at `p` (where a match may start); returns how many. */
  #candidates(text: string, p: number): number {
    let count = this.#add(this.#any, 0);
    const first = text.charCodeAt(p);
    if (!isWord(first)) {
      const ids = this.#nonWord.get(first);
      return ids ? this.#add(ids, count) : count;
    }
    let n: Node | undefined = this.#trie;
    let k = p;
    while (n && k < text.length && isWord(text.charCodeAt(k))) {
      n = n.next.get(lower(text.charCodeAt(k++)));
      if (n) count = this.#add(n.prefix, count);
    }
    if (n && (k === text.length || !isWord(text.charCodeAt(k)))) count = this.#add(n.exact, count);
    return count;
  }

  /**
   * Calls `onMatch(list, start, end)` for each match, by start position. `overlapping`: every
   * start position counts; otherwise a list's next match starts after its previous one ends
   * (like a global regex scan). Uses the index's scratch buffers: `onMatch` must not scan the
   * same index again (none of the engine's callbacks does).
   */
  scan(text: string, overlapping: boolean, onMatch: (list: number, start: number, end: number) => void, skipOptional = false): void {
    const next = overlapping ? null : new Int32Array(this.size);
    const found = this.#found;
    for (let p = 0; p < text.length; p++) {
      if (p > 0 && isWord(text.charCodeAt(p)) && isWord(text.charCodeAt(p - 1))) continue; // inside a word
      const count = this.#candidates(text, p);
      if (count === 0) continue;
      for (let j = 0; j < count; j++) this.#seen[found[j]!] = 0;
      // Insertion sort in place (a few candidates): list order, then pattern order, without allocating.
      for (let a = 1; a < count; a++) {
        const v = found[a]!;
        let b = a - 1;
        for (; b >= 0 && found[b]! > v; b--) found[b + 1] = found[b]!;
        found[b + 1] = v;
      }
      for (let j = 0; j < count; j++) {
        const id = found[j]!;
        const list = this.#listOf[id]!;
        if (this.#done[list] || (next && p < next[list]!) || (skipOptional && this.#optional[id])) continue;
        const at = this.#sticky[id]!;
        at.lastIndex = p;
        const m = at.exec(text);
        if (!m || m[0].length === 0) continue;
        this.#done[list] = 1;
        if (next) next[list] = p + m[0].length;
        onMatch(list, p, p + m[0].length);
      }
      for (let j = 0; j < count; j++) this.#done[this.#listOf[found[j]!]!] = 0;
    }
  }
}
