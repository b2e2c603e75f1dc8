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
  /** Lists with a pattern whose start word is exactly the path to this node. */
  exact: number[];
  /** Lists with a pattern whose start word begins with the path to this node. */
  prefix: number[];
}

const node = (): Node => ({ next: new Map(), exact: [], prefix: [] });
const isWord = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

export class KeywordIndex {
  readonly size: number;
  readonly #sticky: (RegExp | null)[];
  readonly #trie = node();
  readonly #nonWord = new Map<number, number[]>();
  /** Lists with a pattern whose start could not be worked out: tried everywhere. */
  readonly #any: number[] = [];
  readonly #seen: Uint8Array;
  readonly #found: Int32Array;

  constructor(lists: readonly (readonly string[])[]) {
    this.size = lists.length;
    this.#sticky = lists.map((l) => compileList(l, 'iy'));
    this.#seen = new Uint8Array(lists.length);
    this.#found = new Int32Array(lists.length);
    const file = (arr: number[], list: number) => arr.at(-1) !== list && arr.push(list);
    lists.forEach((patterns, list) => {
      for (const keys of patterns.map(startKeys)) {
        if (keys.any) file(this.#any, list);
        keys.nonWord.forEach((ch) => {
          const code = ch.charCodeAt(0);
          this.#nonWord.set(code, this.#nonWord.get(code) ?? []);
          file(this.#nonWord.get(code)!, list);
        });
        keys.exact.forEach((w) => file(this.#path(w).exact, list));
        keys.prefix.forEach((w) => file(this.#path(w).prefix, list));
      }
    });
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
  /** Adds unseen `lists` to `#found` after its first `count` entries; returns the new count. */
  #add(lists: number[], count: number): number {
    for (const l of lists) {
      if (this.#seen[l]) continue;
      this.#seen[l] = 1;
      this.#found[count++] = l;
    }
    return count;
  }

  /** Fills `#found` with the lists that may match at `p` (where a match may start); returns how many. */
  #candidates(text: string, p: number): number {
    let count = this.#add(this.#any, 0);
    const first = text.charCodeAt(p);
    if (!isWord(first)) {
      const lists = this.#nonWord.get(first);
      return lists ? this.#add(lists, count) : count;
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
  scan(text: string, overlapping: boolean, onMatch: (list: number, start: number, end: number) => void): void {
    const next = overlapping ? null : new Int32Array(this.size);
    for (let p = 0; p < text.length; p++) {
      if (p > 0 && isWord(text.charCodeAt(p)) && isWord(text.charCodeAt(p - 1))) continue; // inside a word
      const count = this.#candidates(text, p);
      for (let j = 0; j < count; j++) {
        const list = this.#found[j]!;
        this.#seen[list] = 0;
        if (next && p < next[list]!) continue;
        const at = this.#sticky[list]!;
        at.lastIndex = p;
        const m = at.exec(text);
        if (!m || m[0].length === 0) continue;
        if (next) next[list] = p + m[0].length;
        onMatch(list, p, p + m[0].length);
      }
    }
  }
}
