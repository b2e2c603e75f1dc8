import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isDataRejected } from '../../src/http/http-errors.ts';
import { pgHotSql } from '../../src/store/hot-sql.ts';
import { isTransientConflict, isUniqueViolation } from '../../src/store/store-errors.ts';
import { DB_KINDS, openTestDb, type TestDb } from '../support/databases.ts';

const thrown = (p: Promise<unknown>) => p.then(() => expect.fail('expected the statement to fail'), (e: unknown) => e);
const stmt = (text: string, values: unknown[] = []) => ({ text, values });

/**
 * The hot paths' statements go to the driver, not through Prisma: their errors must still be
 * told apart as Prisma's are (src/http/http-errors.ts, src/store/store-errors.ts).
 */
describe.each(DB_KINDS)('hot SQL errors on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(kind);
    await t.db.sql.exec(`CREATE TABLE hot_probe (k text PRIMARY KEY, n int2)`);
  });
  afterAll(async () => t?.cleanup());

  it('reports a value the database refuses as data rejected (a 400), not an outage', async () => {
    for (const e of [await thrown(t.db.hot.rows(stmt('SELECT $1::int4 AS n', ['not a number']))), await thrown(t.db.hot.rows(stmt('INSERT INTO hot_probe VALUES ($1, $2)', ['big', 70_000])))]) {
      expect(isDataRejected(e)).toBe(true);
      expect(isDatabaseUnavailable(e)).toBe(false);
    }
  });

  it('reports a lost unique-key race as a unique violation, which ingestion retries', async () => {
    await t.db.hot.rows(stmt('INSERT INTO hot_probe VALUES ($1, 1)', ['dup']));
    const e = await thrown(t.db.hot.rows(stmt('INSERT INTO hot_probe VALUES ($1, 1)', ['dup'])));
    expect(isUniqueViolation(e)).toBe(true);
    expect(isTransientConflict(e)).toBe(true);
    expect(isDataRejected(e)).toBe(false);
  });

  it('rolls back every statement of a transaction that throws, and the connection goes on working', async () => {
    const e = await thrown(
      t.db.hot.transaction(async (tx) => {
        await tx.rows(stmt('INSERT INTO hot_probe VALUES ($1, 1)', ['rolled-back']));
        await tx.rows(stmt('SELECT $1::int4', ['x']));
      }),
    );
    expect(isDataRejected(e)).toBe(true);
    expect(await t.db.hot.rows(stmt('SELECT k FROM hot_probe WHERE k = $1', ['rolled-back']))).toEqual([]);
    expect(await t.db.hot.transaction((tx) => tx.rows(stmt('SELECT 1::int4 AS n')))).toEqual([{ n: 1 }]);
  });

  it('prepares a statement afresh when its table gained a column since (another instance migrated during a rolling upgrade)', async () => {
    await t.db.hot.rows(stmt('INSERT INTO hot_probe VALUES ($1, 1)', ['plan']));
    const read = () => t.db.hot.rows(stmt('SELECT * FROM hot_probe WHERE k = $1', ['plan']));
    for (let i = 0; i < 5; i++) await Promise.all([read(), read(), read()]);
    await t.db.sql.exec('ALTER TABLE hot_probe ADD COLUMN extra text');
    for (const rows of await Promise.all([read(), read(), read(), read()])) expect(rows).toEqual([{ k: 'plan', n: 1, extra: null }]);
  });

  it('reads timestamps as UTC Dates and bigints as BigInt, as Prisma does', async () => {
    const at = new Date('2026-03-08T07:30:00.123Z'); // a DST change day in the US
    expect(await t.db.hot.rows(stmt('SELECT $1::timestamp(3) AS at, 9007199254740993::int8 AS big', [at]))).toEqual([{ at, big: 9007199254740993n }]);
  });
});

describe('hot SQL with PostgreSQL down', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: 'postgresql://postgres@127.0.0.1:1/none', max: 2 });
    pool.on('error', () => {});
  });
  afterAll(async () => pool.end());

  it('reports a refused connection as the database unavailable (a 503), for statements and transactions alike', async () => {
    const hot = pgHotSql(pool);
    for (const e of [await thrown(hot.rows(stmt('SELECT 1'))), await thrown(hot.transaction((tx) => tx.rows(stmt('SELECT 1'))))]) {
      expect(isDatabaseUnavailable(e)).toBe(true);
      expect(isDataRejected(e)).toBe(false);
    }
  });
});
