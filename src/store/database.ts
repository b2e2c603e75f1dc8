import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { explainConnectionError, targetOf } from './connection-errors.ts';
import { acquireLock } from './data-dir-lock.ts';
import { pgHotSql, pgliteHotSql, type HotSql } from './hot-sql.ts';
import { PrismaClient } from './generated/client.ts';
import { defaultTemplateDir, seedFromTemplate } from './pglite-template.ts';
import { applyMigrations, pendingMigrations, type SqlRunner } from './migrate.ts';

export interface DatabaseOptions {
  /** `postgres://…`; unset → embedded PGlite in `dataDir`. */
  url?: string | undefined;
  dataDir: string;
  /**
   * The initialised cluster a new embedded data directory is copied from (pglite-template.ts),
   * default the user's cache; `null`: PGlite initialises each new directory itself.
   */
  templateDir?: string | null | undefined;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  sql: SqlRunner;
  /** The hot paths' statements, on the same pool or session as `prisma` (see hot-sql.ts). */
  hot: HotSql;
  /** Where the embedded database lives (for messages), or the host of PostgreSQL. */
  where: string;
  migrate(): Promise<string[]>;
  pending(): Promise<string[]>;
  ping(): Promise<void>;
  /** Records the server's URL in the embedded lock so CLI commands can go through it. */
  advertise(url: string): void;
  close(): Promise<void>;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url);
  return openPglite(path.resolve(opts.dataDir), opts.templateDir === undefined ? defaultTemplateDir() : opts.templateDir);
}

async function openPostgres(url: string): Promise<Database> {
  // A request waits at most 30 s for a free connection (Prisma's transaction maxWait), then fails as unavailable (503).
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 30_000 });
  // An idle connection dropped by the server (restart, failover) must not crash the process:
  // the pool replaces it, and /readyz reports not-ready until queries succeed again.
  pool.on('error', () => {});
  // Connect once now, so a server that is down, a database not created yet or a wrong password
  // is said plainly when Baton opens the database, not as the first query's driver error.
  try {
    await pool.query('select 1');
  } catch (e) {
    await pool.end().catch(() => {});
    throw explainConnectionError(e, url) ?? e;
  }
  const sql: SqlRunner = {
    exec: async (text) => void (await pool.query(text)),
    query: async (text, params = []) => (await pool.query(text, params)).rows,
  };
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const target = targetOf(url); // never the password
  return {
    kind: 'postgres',
    prisma,
    sql,
    hot: pgHotSql(pool),
    where: `${target.host}:${target.port}/${target.database}`,
    // The advisory lock and the transaction need one session, not whichever pooled connection.
    migrate: async () => {
      const client = await pool.connect().catch((e: unknown) => {
        throw explainConnectionError(e, url) ?? e;
      });
      try {
        return await applyMigrations({
          exec: async (text) => void (await client.query(text)),
          query: async (text, params = []) => (await client.query(text, params)).rows,
        });
      } catch (e) {
        // Only a missing privilege is explained here; any other failure of a migration is its own.
        const why = (e as { code?: unknown }).code === '42501' ? explainConnectionError(e, url) : undefined;
        throw why ?? e;
      } finally {
        client.release();
      }
    },
    pending: () => pendingMigrations(sql),
    ping: async () => void (await pool.query('select 1')),
    advertise: () => {},
    close: async () => {
      await prisma.$disconnect();
      // pool.end() waits for every checked-out connection. A transaction whose connection died in
      // an outage holds its client until Prisma's transaction timeout rolls it back (up to two
      // minutes): shutting down must not wait for that.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([pool.end(), new Promise<void>((r) => (timer = setTimeout(r, 5_000).unref()))]);
      clearTimeout(timer);
    },
  };
}

async function openPglite(dataDir: string, templateDir: string | null): Promise<Database> {
  const lock = acquireLock(dataDir);
  let db: PGlite;
  try {
    // Under the lock: only this process may fill the directory.
    if (templateDir) await seedFromTemplate(dataDir, templateDir);
    db = await PGlite.create(dataDir);
  } catch (e) {
    lock.release();
    throw e;
  }
  const sql: SqlRunner = {
    exec: async (text) => void (await db.exec(text)),
    query: async (text, params = []) => (await db.query<Record<string, unknown>>(text, params as unknown[])).rows,
  };
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) as never });
  return {
    kind: 'pglite',
    prisma,
    sql,
    hot: pgliteHotSql(db),
    where: dataDir,
    migrate: () => applyMigrations(sql),
    pending: () => pendingMigrations(sql),
    ping: async () => void (await db.query('select 1')),
    advertise: (url) => lock.setUrl(url),
    close: async () => {
      await prisma.$disconnect();
      // A clean close checkpoints PGlite; kill -9 is also survivable (WAL), but slower to reopen.
      await db.close();
      lock.release();
    },
  };
}
