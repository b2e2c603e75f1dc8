import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { batonCacheDir } from './cache-dir.ts';
import { protectedWordsCode, type SpellingTable } from '../domain/triage/spelling.ts';

/**
 * `protectedWords` reads all 274k dictionary words against the rule words: ~0.6 s of CPU, the
 * largest part of loading the config, at every start and every CLI command (issue #14). Its
 * answer is a pure function of the dictionary, the table's vocabulary and the code, so it is kept
 * in the user's cache (`$XDG_CACHE_HOME/baton`, else `~/.cache/baton`, as the PGlite template)
 * under a hash of all three: new rules, a new dictionary or changed code make a new key, never a
 * stale answer. No cache (unwritable, unreadable, corrupt) only means computing it.
 */
export function cachedProtectedWords(dictionaryText: string, table: SpellingTable, compute: () => string[], dir = cacheDir()): string[] {
  const file = dir ? path.join(dir, `spelling-keep-${keyOf(dictionaryText, table)}.json`) : null;
  if (file) {
    try {
      const words: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (Array.isArray(words) && words.every((w) => typeof w === 'string')) return words;
    } catch {
      // not cached yet (or unreadable): computed below
    }
  }
  const words = compute();
  if (file) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      // Written aside and renamed: a reader (another process starting) sees all of it or nothing.
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(words));
      fs.renameSync(tmp, file);
    } catch {
      // a read-only home: every start computes it, as before
    }
  }
  return words;
}

function cacheDir(): string | null {
  try {
    return batonCacheDir();
  } catch {
    return null; // no home directory to be had: computed every time
  }
}

function keyOf(dictionaryText: string, t: SpellingTable): string {
  const h = createHash('sha256');
  h.update(protectedWordsCode()).update('\0').update(dictionaryText).update('\0').update(String(t.minLength));
  // The deletions are built from the vocabulary by buildSpellingTable, whose code is in the key.
  h.update(`\0${[...t.vocabulary].sort().join('\0')}`);
  return h.digest('hex').slice(0, 32);
}
