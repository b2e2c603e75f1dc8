import { digestModel } from '../src/app/digest.ts';
import { buildContext } from '../src/main.ts';
import { openDatabase } from '../src/store/database.ts';
import { postgresBench, scratchDatabase, table } from './support.ts';

const NOW = new Date('2026-12-01T18:00:00Z');
const SETTINGS = { organization: 'Bench', timezone: 'America/Chicago', physicianMinutesPerMessage: 2.3 };

/** `open` open items over the last week, and `history` resolved items over the last year (about 1 in 52 in the digest's week). */
async function seed(exec: (sql: string) => Promise<unknown>, open: number, history: number) {
  await exec(`INSERT INTO "WorkItem" (id, "threadKey", queue, category, priority, "redFlags", state, "ownerId", "patientId", "patientToken",
      "firstMessageAt", "lastMessageAt", "createdAt", "updatedAt", "claimedAt", "claimDueAt", "resolveDueAt", "nextReminderAt")
    SELECT 'o' || g, 'bench:o' || g, (ARRAY['front-desk','nursing','refills','billing'])[1 + g % 4], 'admin', 'routine', '{}',
      (CASE WHEN g % 3 = 0 THEN 'CLAIMED' ELSE 'OPEN' END)::"ItemState", CASE WHEN g % 3 = 0 THEN 'staff-' || (g % 10) END, 'p' || g, 'B.P. …' || lpad((g % 10000)::text, 4, '0'),
      t, t, t, t, CASE WHEN g % 3 = 0 THEN t + interval '20 minutes' END, t + interval '4 hours', t + interval '24 hours', timestamp '2030-01-01'
    FROM generate_series(1, ${open}) g, LATERAL (SELECT timestamp '2026-12-01 18:00' - (g % 10080) * interval '1 minute' AS t) x`);
  if (history)
    await exec(`INSERT INTO "WorkItem" (id, "threadKey", queue, category, priority, "redFlags", state, "ownerId", "patientId", "patientToken", "everEscalated",
        "firstMessageAt", "lastMessageAt", "createdAt", "updatedAt", "claimedAt", "resolvedAt")
      SELECT 'h' || g, 'bench:h' || g, (ARRAY['front-desk','nursing','refills','billing'])[1 + g % 4], 'admin', 'routine', '{}', 'RESOLVED', 'staff-' || (g % 10),
        'p' || g, 'B.P. …' || lpad((g % 10000)::text, 4, '0'), g % 7 = 0,
        t, t, t, t, t + (g % 90) * interval '1 minute', t + (g % 600) * interval '1 minute'
      FROM generate_series(1, ${history}) g, LATERAL (SELECT timestamp '2026-12-01 08:00' - (g % 525600) * interval '1 minute' AS t) x`);
  await exec('ANALYZE "WorkItem"');
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    value = await fn();
    times.push(performance.now() - t0);
  }
  return { ms: times.sort((a, b) => a - b)[2]!, value };
}

/** Digest cost on PostgreSQL; the floor is one count of the open backlog by queue, which any digest has to do. */
export async function benchDigest(): Promise<void> {
  const pg = await postgresBench('Digest');
  if (!pg) return;
  const { url, config } = pg;
  const rows: Array<Record<string, string | number>> = [];
  for (const [open, history] of [[100_000, 0], [100_000, 1_000_000]] as const) {
    const scratch = await scratchDatabase(url, 'baton_bench_digest');
    const db = await openDatabase({ url: scratch.url, dataDir: '' });
    try {
      await db.migrate();
      await seed((sql) => db.sql.exec(sql), open, history);
      const ctx = buildContext(config, db, ['sandbox']);
      const d = await timed(() => digestModel(ctx, SETTINGS, NOW));
      const floor = await timed(() => db.sql.query(`SELECT queue, count(*) FROM "WorkItem" WHERE state IN ('OPEN','CLAIMED','ESCALATED','SNOOZED') GROUP BY queue`));
      rows.push({ 'open items': open, 'resolved history': history, 'digest ms (median of 5)': d.ms, 'floor ms': floor.ms, backlog: d.value.backlog.reduce((a, b) => a + b.total, 0), 'resolved 7d': d.value.timeToResolve.last7d.count });
    } finally {
      await db.close();
      await scratch.drop();
    }
  }
  table('Digest on PostgreSQL (median of 5 runs)', rows);
}
