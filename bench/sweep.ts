import { randomUUID } from 'node:crypto';
import { digestModel } from '../src/app/digest.ts';
import { sweep } from '../src/app/sweep.ts';
import { buildContext } from '../src/main.ts';
import type { ItemQuery, Store, Transition } from '../src/app/ports.ts';
import { openDatabase, type Database } from '../src/store/database.ts';
import { applyTransitionsSql, dueItemsSql } from '../src/store/sweep-sql.ts';
import { postgresBench, scratchDatabase, table } from './support.ts';

const NOW = new Date('2026-12-01T18:00:00Z');

/** Open items with far-future reminders, plus `due` items whose claim deadline has passed. */
async function seed(exec: (sql: string) => Promise<unknown>, open: number, due: number) {
  const far = '2030-01-01T00:00:00Z';
  await exec(`INSERT INTO "WorkItem" (id, "threadKey", queue, category, priority, "redFlags", state, "patientId", "patientToken",
      "firstMessageAt", "lastMessageAt", "createdAt", "updatedAt", "claimDueAt", "resolveDueAt", "nextReminderAt")
    SELECT 'bench-' || g, 'bench:' || g, (ARRAY['front-desk','nursing','refills','billing'])[1 + g % 4], 'admin', 'routine', '{}', 'OPEN',
      'p' || g, 'B.P. …' || lpad((g % 10000)::text, 4, '0'),
      timestamp '2026-11-24 12:00' + (g % 10000) * interval '1 minute', timestamp '2026-11-24 12:00', timestamp '2026-11-24 12:00', timestamp '2026-11-24 12:00',
      CASE WHEN g <= ${due} THEN timestamp '2026-12-01 17:00' ELSE timestamp '${far}' END, timestamp '${far}',
      CASE WHEN g <= ${due} THEN timestamp '2026-12-01 17:00' ELSE timestamp '${far}' END
    FROM generate_series(1, ${open}) g`);
  await exec('ANALYZE "WorkItem"');
}

/** The store, recording the sweep's read and its batch, so the floor can send the very same statements. */
function recording(store: Store) {
  const seen: { query?: ItemQuery; batch?: Transition[] } = {};
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'listItems') return (q: ItemQuery) => ((seen.query ??= q), target.listItems(q));
      if (prop === 'applyTransitions') return (b: Transition[], now: Date) => ((seen.batch ??= b), target.applyTransitions(b, now));
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { store: wrapped, seen };
}

/** The floor: the sweep's two statements (read what is due; the batched update with its audit and outbox rows) through the driver, on an identical second database. */
async function floorSweep(db: Database, seen: { query?: ItemQuery; batch?: Transition[] }): Promise<number> {
  const t0 = performance.now();
  await db.hot.rows(dueItemsSql(seen.query!.states!, seen.query!.dueBefore!, seen.query!.limit ?? 200));
  if (seen.batch?.length) await db.hot.rows(applyTransitionsSql(seen.batch, NOW));
  return performance.now() - t0;
}

export async function benchSweep(sizes = [1_000, 10_000, 100_000]): Promise<void> {
  const pg = await postgresBench('Sweep');
  if (!pg) return;
  const { url, config } = pg;
  const rows: Array<Record<string, string | number>> = [];
  for (const open of sizes) {
    const scratch = await scratchDatabase(url, 'baton_bench_sweep');
    const twin = await scratchDatabase(url, 'baton_bench_sweep_floor');
    const db = await openDatabase({ url: scratch.url, dataDir: '' });
    const floorDb = await openDatabase({ url: twin.url, dataDir: '' });
    try {
      for (const d of [db, floorDb]) {
        await d.migrate();
        await seed((sql) => d.sql.exec(sql), open, 100);
      }
      const base = buildContext(config, db, ['sandbox']);
      const rec = recording(base.store);
      const ctx = { ...base, store: rec.store, newId: randomUUID };
      const t0 = performance.now();
      const r = await sweep(ctx, NOW);
      const sweepMs = performance.now() - t0;
      const floorMs = await floorSweep(floorDb, rec.seen);
      const t1 = performance.now();
      const idle = await sweep(ctx, NOW);
      const idleMs = performance.now() - t1;
      const t2 = performance.now();
      const d = await digestModel(ctx, { organization: 'Bench', timezone: 'America/Chicago', physicianMinutesPerMessage: 2.3 }, NOW);
      const digestMs = performance.now() - t2;
      rows.push({ 'open items': open, due: r.due, reminded: r.reminded, 'sweep ms': sweepMs, 'floor ms': floorMs, ratio: sweepMs / floorMs, 'next sweep (nothing due) ms': idleMs, 'digest ms': digestMs, 'digest backlog': d.backlog.reduce((a, b) => a + b.total, 0) });
      if (idle.due !== 0) throw new Error('second sweep found due items again');
    } finally {
      await db.close();
      await floorDb.close();
      await scratch.drop();
      await twin.drop();
    }
  }
  table('SLA sweep and digest on PostgreSQL (100 items due; the rest due in 2030); floor: the sweep\'s own two statements through the driver, on an identical database', rows);
}
