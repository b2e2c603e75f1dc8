import { searchAudit } from '../src/app/audit-search.ts';
import { dashboardFor } from '../src/app/dashboard.ts';
import { digestModel } from '../src/app/digest.ts';
import { buildContext } from '../src/main.ts';
import { openDatabase } from '../src/store/database.ts';
import { postgresBench, scratchDatabase, table } from './support.ts';

const NOW = new Date('2026-12-01T18:00:00Z');
const ZONE = 'America/Chicago';
const SETTINGS = { timezone: ZONE, physicianMinutesPerMessage: 2.3 };

/**
 * `open` open items over the last week and `history` resolved ones over the last year (as
 * bench/digest.ts seeds them, with deadlines, so some work is late), and `audit` audit events
 * over the year by eight actors and six actions.
 */
export const seedForProbe = (exec: (sql: string) => Promise<unknown>) => seed(exec, 100_000, 900_000, 1_000_000);

async function seed(exec: (sql: string) => Promise<unknown>, open: number, history: number, audit: number) {
  await exec(`INSERT INTO "WorkItem" (id, "threadKey", queue, category, priority, "redFlags", state, "ownerId", "patientId", "patientToken",
      "firstMessageAt", "lastMessageAt", "createdAt", "updatedAt", "claimedAt", "claimDueAt", "resolveDueAt", "nextReminderAt")
    SELECT 'o' || g, 'bench:o' || g, (ARRAY['front-desk','nursing','refills','billing'])[1 + g % 4], 'admin', 'routine', '{}',
      (CASE WHEN g % 3 = 0 THEN 'CLAIMED' ELSE 'OPEN' END)::"ItemState", CASE WHEN g % 3 = 0 THEN 'staff-' || (g % 10) END, 'p' || g, 'B.P. …' || lpad((g % 10000)::text, 4, '0'),
      t, t, t, t, CASE WHEN g % 3 = 0 THEN t + interval '20 minutes' END, t + interval '4 hours', t + interval '24 hours', timestamp '2030-01-01'
    FROM generate_series(1, ${open}) g, LATERAL (SELECT timestamp '2026-12-01 18:00' - (g % 10080) * interval '1 minute' AS t) x`);
  await exec(`INSERT INTO "WorkItem" (id, "threadKey", queue, category, priority, "redFlags", state, "ownerId", "patientId", "patientToken", "everEscalated",
      "firstMessageAt", "lastMessageAt", "createdAt", "updatedAt", "claimedAt", "resolvedAt", "claimDueAt", "resolveDueAt")
    SELECT 'h' || g, 'bench:h' || g, (ARRAY['front-desk','nursing','refills','billing'])[1 + g % 4], 'admin', 'routine', '{}', 'RESOLVED', 'staff-' || (g % 10),
      'p' || g, 'B.P. …' || lpad((g % 10000)::text, 4, '0'), g % 7 = 0,
      t, t, t, t, t + (g % 90) * interval '1 minute', t + (g % 600) * interval '1 minute', t + interval '60 minutes', t + interval '8 hours'
    FROM generate_series(1, ${history}) g, LATERAL (SELECT timestamp '2026-12-01 08:00' - (g % 525600) * interval '1 minute' AS t) x`);
  await exec(`INSERT INTO "AuditEvent" ("itemId", actor, platform, action, "fromState", "toState", at)
    SELECT 'h' || (1 + g % ${history}), (ARRAY['dana-reyes','jordan-kim','sam-ortiz','chris-park','taylor-brooks','robin-patel','jo-adams','system'])[1 + g % 8], 'slack',
      (ARRAY['item.claim','item.resolve','item.view','reminder.sent','item.escalate','item.created'])[1 + (g / 8) % 6], 'OPEN', 'CLAIMED',
      timestamp '2026-12-01 08:00' - (${audit} - g) * (interval '1 year' / ${audit})
    FROM generate_series(1, ${audit}) g`);
  await exec('ANALYZE "WorkItem"; ANALYZE "AuditEvent"');
}

async function timed<T>(fn: () => Promise<T>, runs = 5): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value!: T;
  await fn(); // warm: plans and caches, as a page a manager reloads
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await fn();
    times.push(performance.now() - t0);
  }
  return { ms: times.sort((a, b) => a - b)[Math.floor(runs / 2)]!, value };
}

/**
 * The console's reads on PostgreSQL at a million items: the 30-day dashboard (every queue, and
 * one queue) beside floors measured in the same run — a plain count(*) of the rows that period
 * touches (created or resolved in it, and the open backlog), and the digest's own query — and a
 * page of the audit search over a million events beside reading the newest 50 events.
 */
export async function benchConsole(quick = false): Promise<void> {
  const pg = await postgresBench('Console');
  if (!pg) return;
  const { url, config } = pg;
  const [open, history, audit] = quick ? [10_000, 90_000, 100_000] : [100_000, 900_000, 1_000_000];
  const scratch = await scratchDatabase(url, 'baton_bench_console');
  const db = await openDatabase({ url: scratch.url, dataDir: '' });
  try {
    await db.migrate();
    const t0 = performance.now();
    await seed((sql) => db.sql.exec(sql), open, history, audit);
    console.log(`\nConsole: seeded ${open + history} items and ${audit} audit events in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const ctx = buildContext(config, db, ['sandbox']);
    ctx.clock = { now: () => NOW };
    const from = '2026-11-02';
    const bounds = `"createdAt" >= '2026-11-02 06:00' AND "createdAt" < '2026-12-01 18:00'`;
    const resolved = `state = 'RESOLVED' AND "resolvedAt" >= '2026-11-02 06:00' AND "resolvedAt" < '2026-12-01 18:00'`;
    const count = await timed(() => db.sql.query(`SELECT count(*) FROM "WorkItem" WHERE (${bounds}) OR (${resolved}) OR state IN ('OPEN','CLAIMED','ESCALATED','SNOOZED')`));
    const all = await timed(() => dashboardFor(ctx, { all: true }, { from }, SETTINGS));
    const one = await timed(() => dashboardFor(ctx, { all: true }, { from, queue: 'nursing' }, SETTINGS));
    const digest = await timed(() => digestModel(ctx, { organization: 'Bench', timezone: ZONE, physicianMinutesPerMessage: 2.3 }, NOW));
    const rowsTouched = Number((count.value[0] as { count: string | number }).count);
    const created = all.value.ok ? all.value.model.totals.created : 0;
    const rows: Array<Record<string, string | number>> = [
      { read: 'dashboard, 30 days, all queues', 'ms (median of 5)': all.ms, 'floor ms': count.ms, ratio: all.ms / count.ms, note: `${created} new, ${rowsTouched} rows touched` },
      { read: 'dashboard, 30 days, one queue', 'ms (median of 5)': one.ms, 'floor ms': count.ms, ratio: one.ms / count.ms, note: 'floor: count(*) of the rows the period touches' },
      { read: 'digest (for comparison)', 'ms (median of 5)': digest.ms, 'floor ms': count.ms, ratio: digest.ms / count.ms, note: 'the digest’s own query' },
    ];
    const newest = await timed(() => db.sql.query('SELECT * FROM "AuditEvent" ORDER BY id DESC LIMIT 51'));
    const byActor = await timed(() => searchAudit(ctx, { all: true }, { actor: 'sam-ortiz' }));
    const byAction = await timed(() => searchAudit(ctx, { all: true }, { action: 'item.escalate', from: new Date('2026-06-01T05:00:00Z'), to: new Date('2026-06-08T05:00:00Z') }));
    const lead = await timed(() => searchAudit(ctx, { all: false, queues: ['nursing'] }, { action: 'item.view' }));
    rows.push(
      { read: 'audit search: one staff member', 'ms (median of 5)': byActor.ms, 'floor ms': newest.ms, ratio: byActor.ms / newest.ms, note: `floor: the newest 51 of ${audit} events` },
      { read: 'audit search: an action in a week', 'ms (median of 5)': byAction.ms, 'floor ms': newest.ms, ratio: byAction.ms / newest.ms, note: `${byAction.value.hits.length} on the page` },
      { read: 'audit search: a lead’s queue', 'ms (median of 5)': lead.ms, 'floor ms': newest.ms, ratio: lead.ms / newest.ms, note: 'joins each event to its item' },
    );
    table(`Console on PostgreSQL: ${open + history} items (${open} open), ${audit} audit events`, rows);
  } finally {
    await db.close();
    await scratch.drop();
  }
}
