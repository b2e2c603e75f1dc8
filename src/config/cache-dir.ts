import os from 'node:os';
import path from 'node:path';

/**
 * Baton's folder in the user's cache: `$XDG_CACHE_HOME/baton`, else `~/.cache/baton`. Private to
 * the user (not /tmp, where another account could plant files); everything in it can be deleted
 * and is made again when needed (the PGlite template, the spelling keep-list).
 */
export function batonCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'baton');
}
