import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { freshPostgres, TEST_DATABASE_URL } from '../support/databases.ts';
import { spawnServe } from '../support/processes.ts';
import { postJson } from '../support/server.ts';

/** The same guarantees as two-instances.test.ts, with two real `baton serve` processes. */
describe.runIf(TEST_DATABASE_URL)('two Baton processes on one PostgreSQL', () => {
  let fresh: Awaited<ReturnType<typeof freshPostgres>>;
  let a: { proc: ChildProcess; url: string };
  let b: { proc: ChildProcess; url: string };
  beforeAll(async () => {
    fresh = await freshPostgres();
    a = await spawnServe({ DATABASE_URL: fresh.url }); // the first applies the migrations; the second finds none pending
    b = await spawnServe({ DATABASE_URL: fresh.url });
  }, 120_000);
  afterAll(async () => {
    for (const p of [a?.proc, b?.proc]) {
      if (!p || p.exitCode !== null) continue;
      p.kill('SIGTERM');
      await new Promise((r) => p.once('exit', r));
    }
    await fresh?.drop();
  });

  it('stores a message once, gives one owner to concurrent claims, and elects one scheduler leader', async () => {
    const message = { source: 'portal', externalId: 'proc-1', sentAt: '2026-12-01T14:55:00Z', patient: { id: 'p' }, body: 'Please refill my inhaler' };
    const [ra, rb] = await Promise.all([postJson(`${a.url}/v1/messages`, message), postJson(`${b.url}/v1/messages`, message)]);
    expect([ra.status, rb.status].sort()).toEqual([200, 202]);
    expect(ra.json.itemId).toBe(rb.json.itemId);

    const clicks = ['taylor-brooks', 'chris-park', 'jordan-kim', 'taylor-brooks', 'chris-park', 'jordan-kim'].map((as, i) =>
      postJson(`${(i % 2 ? a : b).url}/sandbox/api/items/${ra.json.itemId}/actions`, { as, command: 'item.claim' }),
    );
    const answers = await Promise.all(clicks);
    // One claim wins; the winner's own second click (each person clicks twice here) is answered
    // "already yours" with no second transition, as a double click is on every platform.
    const ok = answers.filter((r) => r.status === 200);
    expect(ok.filter((r) => !r.json.unchanged)).toHaveLength(1);
    expect(ok.filter((r) => r.json.unchanged).every((r) => /already yours/.test(r.json.message ?? r.text))).toBe(true);
    expect(ok.length + answers.filter((r) => r.status === 409).length).toBe(answers.length);
    expect(answers.filter((r) => r.status === 409).every((r) => /Already claimed by/.test(r.json.message ?? r.text))).toBe(true);

    const db = new pg.Client({ connectionString: fresh.url });
    await db.connect();
    const lease = await db.query(`SELECT holder FROM "Lease" WHERE name = 'scheduler'`);
    const claims = await db.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE action = 'item.claim'`);
    await db.end();
    expect(lease.rows).toHaveLength(1);
    expect(claims.rows[0].n).toBe(1);
  }, 60_000);
});
