import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/store/database.ts';

/** CI sets TEST_DATABASE_URL and must fail if PostgreSQL is unreachable; locally the PostgreSQL suites are skipped without it. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export function tempDir(prefix = 'baton-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh, empty PostgreSQL database for one test file, dropped afterwards. */
export async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `baton_t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestDb {
  db: Database;
  cleanup(): Promise<void>;
}

/**
 * A migrated, closed PGlite data directory, made once per migration set and machine and copied
 * for each test (a copy opens in under a second; migrating a new one takes about five). Named by
 * a hash of the migrations, so a new migration makes a new template. Made in a private folder
 * and renamed into place, so two test workers racing to make it both end up with a whole one.
 */
export async function pgliteTemplate(): Promise<string> {
  const migrations = path.join(import.meta.dirname, '../../prisma/migrations');
  const hash = createHash('sha256');
  for (const d of fs.readdirSync(migrations).sort()) {
    const sql = path.join(migrations, d, 'migration.sql');
    if (fs.existsSync(sql)) hash.update(d).update(fs.readFileSync(sql));
  }
  const dir = path.join(os.tmpdir(), `baton-pglite-template-${hash.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(path.join(dir, 'PG_VERSION'))) return dir;
  const making = tempDir('baton-pglite-making-');
  const db = await openDatabase({ dataDir: making });
  await db.migrate();
  await db.close();
  try {
    fs.renameSync(making, dir);
  } catch {
    fs.rmSync(making, { recursive: true, force: true }); // another worker made it first
  }
  return dir;
}

/** Opens a migrated database of the given kind. */
export async function openTestDb(kind: 'pglite' | 'postgres'): Promise<TestDb> {
  if (kind === 'pglite') {
    const dir = tempDir();
    fs.cpSync(await pgliteTemplate(), dir, { recursive: true });
    const db = await openDatabase({ dataDir: dir });
    await db.migrate(); // finds nothing pending: the template is migrated
    return { db, cleanup: async () => { await db.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  const fresh = await freshPostgres();
  const db = await openDatabase({ url: fresh.url, dataDir: '' });
  await db.migrate();
  return { db, cleanup: async () => { await db.close(); await fresh.drop(); } };
}

/** The database kinds a store/HTTP suite runs on: PGlite always, PostgreSQL when CI provides it. */
export const DB_KINDS: Array<'pglite' | 'postgres'> = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
