import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { batonCacheDir } from '../config/cache-dir.ts';

/**
 * Creating an embedded database runs PostgreSQL's initdb inside WebAssembly: 5–6 s, far longer on
 * a busy machine, while opening an existing one takes under a second (issue #14). So initdb runs
 * once per PGlite version and user, into a template, and a new data directory starts as a copy.
 *
 * The template is an initialised, empty cluster and nothing more: Baton's migrations are applied
 * on top as for any data directory, so each directory's `_prisma_migrations` rows are its own and
 * a new migration never makes the template stale. Only a PGlite upgrade does, and the version is
 * in the template's name.
 *
 * It lives in the user's cache (`$XDG_CACHE_HOME/baton`, else `~/.cache/baton`), not a shared
 * folder such as /tmp where another account could plant one.
 */
export function defaultTemplateDir(): string | null {
  const version = pgliteVersion();
  if (!version) return null;
  return path.join(batonCacheDir(), `pglite-${version}`);
}

/** The installed PGlite's version, or undefined if it cannot be told (then no template is used). */
function pgliteVersion(): string | undefined {
  try {
    // The package's exports do not include package.json: find it above the resolved entry point.
    for (let dir = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite'))); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (!fs.existsSync(file)) continue;
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === '@electric-sql/pglite' && typeof pkg.version === 'string' && /^[\w.+-]+$/.test(pkg.version)) return pkg.version;
    }
  } catch {
    // no template: PGlite initialises each new data directory itself, as before
  }
  return undefined;
}

/** PGlite (like PostgreSQL) takes a directory with PG_VERSION for an existing cluster. */
const isCluster = (dir: string) => fs.existsSync(path.join(dir, 'PG_VERSION'));

/**
 * Makes the template unless it exists: in a private folder, renamed into place when whole, so a
 * crash leaves no half-made template and two processes racing both end up with a whole one.
 */
export async function ensureTemplate(dir: string): Promise<void> {
  if (isCluster(dir)) return;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const making = `${dir}.making-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const db = await PGlite.create(making);
    await db.close();
    fs.renameSync(making, dir);
  } catch (e) {
    fs.rmSync(making, { recursive: true, force: true });
    if (!isCluster(dir)) throw e; // otherwise another process made it first
  }
}

/**
 * Fills a new data directory (holding only Baton's lock) from the template, making the template
 * first if need be. PG_VERSION is copied last: a copy cut short is not taken for a cluster and is
 * simply copied again next time. Returns false, leaving PGlite to initialise the directory itself
 * as before, when it is already a cluster or no template can be had (a read-only home directory).
 */
export async function seedFromTemplate(dataDir: string, templateDir: string): Promise<boolean> {
  if (isCluster(dataDir)) return false;
  try {
    await ensureTemplate(templateDir);
  } catch {
    return false;
  }
  const version = path.join(templateDir, 'PG_VERSION');
  fs.cpSync(templateDir, dataDir, { recursive: true, force: true, filter: (from) => from !== version });
  fs.copyFileSync(version, path.join(dataDir, 'PG_VERSION'));
  return true;
}
