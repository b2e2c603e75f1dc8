import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../support/databases.ts';

// CI provides TEST_DATABASE_URL; if PostgreSQL is unreachable there, the run must fail rather
// than quietly test PGlite alone.
describe.runIf(TEST_DATABASE_URL || process.env.CI)('PostgreSQL for the test suite', () => {
  it('is reachable at TEST_DATABASE_URL', async () => {
    expect(TEST_DATABASE_URL, 'CI must set TEST_DATABASE_URL').toBeTruthy();
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    const r = await c.query('select 1 as one');
    await c.end();
    expect(r.rows[0].one).toBe(1);
  });
});
