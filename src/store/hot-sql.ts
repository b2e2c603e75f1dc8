import type { PGlite, Transaction } from '@electric-sql/pglite';
import pg from 'pg';

/** A statement with `$1…` placeholders: a `Prisma.Sql` (its `text` and `values`) or a literal. */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * The hot statements' way to the database: straight to the driver, not through `$queryRaw`,
 * which JSON-encodes every call, runs it through Prisma's WebAssembly query compiler and builds
 * an Error for its call site — most of a click's or an ingest's cost (issue #14). Prisma stays
 * for the schema, migrations and the cold paths.
 *
 * Rows come back as `$queryRaw` returned them: `timestamp` columns as Dates (UTC, as Prisma
 * stores them), `bigint` as BigInt, `jsonb` parsed. Driver errors are thrown as the driver's own
 * (`code` is the SQLSTATE, or node's `ECONNREFUSED`…), which `isDataRejected`,
 * `isDatabaseUnavailable` and the store's conflict checks read as they read Prisma's.
 */
export interface HotSql {
  rows<R>(s: Statement): Promise<R[]>;
  /** `fn` as one transaction on one connection: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (sql: HotSql) => Promise<T>): Promise<T>;
  /**
   * True when no two transactions ever run at once (PGlite: one session, and `transaction` runs
   * each exclusively — `_runExclusiveTransaction` in its source), so locks between them are moot.
   */
  readonly exclusive: boolean;
}

const TIMESTAMP = 1114;
const INT8 = 20;

/** `timestamp(3)` holds UTC (Prisma's convention): read it as UTC whatever the process's TZ. */
const parseTimestamp = (s: string) => new Date(`${s.replace(' ', 'T')}Z`);

/**
 * Dates as ISO strings: a `timestamp` parameter ignores the zone, so the stored value is the UTC
 * wall time, as Prisma writes it (the drivers would send local time). BigInt as text.
 */
function values(vs: readonly unknown[]): unknown[] {
  return vs.map((v) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : v));
}

/**
 * Named prepared statements: each connection parses and plans a statement once, then only
 * binds. One name per distinct text; the texts are a bounded family (they vary only with how
 * many audit and outbox rows, and which patch fields), and past the cap statements go unnamed.
 */
const MAX_NAMES = 500;
const names = new Map<string, string>();
let named = 0;
function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMES) names.set(text, (name = `baton_${++named}`));
  return name;
}

/**
 * A prepared `SELECT *` / `RETURNING *` whose table gained a column since (another instance
 * migrated it during a rolling upgrade) fails with "cached plan must not change result type".
 * The statement is then prepared afresh under a new name; the failed one did nothing, so outside
 * a transaction it is simply run again.
 */
const isStalePlan = (e: unknown) => (e as { code?: unknown }).code === '0A000' && /cached plan must not change result type/.test(String((e as Error).message));
function renamed(text: string): string | undefined {
  names.delete(text);
  return nameOf(text);
}

const PG_TYPES = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === TIMESTAMP) return parseTimestamp;
    if (oid === INT8) return (s: string) => BigInt(s);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Over `openPostgres`'s pool: the same connections Prisma's adapter uses. */
export function pgHotSql(pool: pg.Pool): HotSql {
  const run = async <R>(c: Queryable, s: Statement, name: string | undefined) =>
    (await c.query({ ...(name ? { name } : {}), text: s.text, values: values(s.values), types: PG_TYPES })).rows as R[];
  const on = (c: Queryable, inTransaction: boolean): HotSql['rows'] => async <R>(s: Statement) => {
    try {
      return await run<R>(c, s, nameOf(s.text));
    } catch (e) {
      if (!isStalePlan(e)) throw e;
      const name = renamed(s.text);
      if (inTransaction) throw e;
      return run<R>(c, s, name);
    }
  };
  return {
    rows: on(pool, false),
    exclusive: false,
    transaction: async (fn) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        // The limits Prisma's $transaction had (maxWait 30 s is the pool's connectionTimeoutMillis):
        // a statement stuck on a lock fails after 60 s, and a session left idle inside the
        // transaction (the client's process or network died) is ended by the server after 60 s,
        // so its row locks never hold a thread's next message for longer. One round trip.
        await client.query("BEGIN; SET LOCAL statement_timeout = '60s'; SET LOCAL idle_in_transaction_session_timeout = '60s'");
        const result = await fn({ rows: on(client, true), exclusive: false, transaction: () => Promise.reject(new Error('nested transaction')) });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        // A connection that cannot even roll back (the server went away) is discarded, not pooled.
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw e;
      } finally {
        client.release(broken);
      }
    },
  };
}

const PGLITE_PARSERS = { [TIMESTAMP]: parseTimestamp, [INT8]: (s: string) => BigInt(s) };

/** Over PGlite's one session; its `transaction` holds the session until it ends, as Prisma's adapter does. */
export function pgliteHotSql(db: PGlite): HotSql {
  const on = (q: PGlite | Transaction): HotSql['rows'] => async <R>(s: Statement) =>
    (await q.query<R>(s.text, values(s.values), { parsers: PGLITE_PARSERS })).rows;
  return {
    rows: on(db),
    exclusive: true,
    transaction: (fn) => db.transaction((tx) => fn({ rows: on(tx), exclusive: true, transaction: () => Promise.reject(new Error('nested transaction')) })),
  };
}
