import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { parseEnv } from '../src/config/env.ts';
import { loadConfig } from '../src/config/load.ts';
import { startBaton } from '../src/main.ts';
import { createLogger } from '../src/observability/logger.ts';
import { openDatabase, type Database } from '../src/store/database.ts';
import { benchPostgresUrl, load, scratchDatabase, table, tmpDir } from './support.ts';

import type { SenderJob } from './ingest-sender.ts';

type Figures = Awaited<ReturnType<typeof load>>;

/** Sends the messages from a worker thread and returns its figures. */
function send(job: SenderJob): Promise<Figures> {
  // A worker does not inherit the tsx loader (Node 20): it registers tsx itself, then loads the sender.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(new URL('./ingest-sender.ts', import.meta.url).href)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: job });
  return new Promise((resolve, reject) => {
    worker.once('message', (figures: Figures) => {
      resolve(figures);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`ingest sender exited with ${code}`)));
  });
}

/** The same rows one ingest writes (item, message, audit event, card outbox row) in one transaction, with no Baton code in between: the floor. */
async function rawInsert(exec: (sql: string, params: unknown[]) => Promise<unknown>, i: number, run: string) {
  const item = randomUUID();
  const now = new Date();
  await exec('BEGIN', []);
  await exec(
    `INSERT INTO "WorkItem" (id, "threadKey", queue, category, priority, "redFlags", state, "patientId", "patientToken", "firstMessageAt", "lastMessageAt", "createdAt", "updatedAt")
     VALUES ($1, $2, 'refills', 'rx-refill', 'routine', '{}', 'OPEN', $3, 'B.P. …5678', $4, $4, $4, $4)`,
    [item, `raw:${run}-${i}`, `p${i}`, now],
  );
  await exec(
    `INSERT INTO "PortalMessage" (id, source, "externalId", "threadKey", "itemId", "patientId", body, "sentAt", "receivedAt") VALUES ($1, 'raw', $2, $3, $4, $5, 'text', $6, $6)`,
    [randomUUID(), `${run}-${i}`, `raw:${run}-${i}`, item, `p${i}`, now],
  );
  await exec(`INSERT INTO "AuditEvent" ("itemId", actor, platform, action, "toState", at) VALUES ($1, 'ingest:raw', 'api', 'item.created', 'OPEN', $2)`, [item, now]);
  await exec(`INSERT INTO "Outbox" ("dedupeKey", kind, "itemId", platform, payload, "nextAttemptAt", "createdAt") VALUES ($1, 'card.post', $2, 'sandbox', '{}', $3, $3)`, [`raw:${item}`, item, now]);
  await exec('COMMIT', []);
}

async function viaBaton(N: number, env: Record<string, string>, concurrency: number, run: string) {
  const parsed = parseEnv({ PORT: '0', LOG_LEVEL: 'silent', ...env });
  const config = loadConfig();
  if (!parsed.ok || !config.ok) throw new Error('bad bench setup');
  const baton = await startBaton({ env: parsed.env, config: config.config, logger: createLogger({ level: 'silent' }) });
  await baton.worker.stop(); // measure ingestion alone; no sandbox adapter drains the outbox here
  try {
    return await send({ url: baton.url, total: N, concurrency, run });
  } finally {
    await baton.stop();
  }
}

async function floor(N: number, db: Database | pg.Pool, concurrency: number, run: string) {
  if (db instanceof pg.Pool) {
    return load(N, concurrency, async (i) => {
      const c = await db.connect();
      try {
        await rawInsert((sql, p) => c.query(sql, p), i, run);
      } finally {
        c.release();
      }
    });
  }
  // PGlite has one connection: transactions run one at a time whatever the concurrency.
  let chain = Promise.resolve();
  return load(N, concurrency, (i) => (chain = chain.then(() => rawInsert((sql, p) => db.sql.query(sql, p), i, run))));
}

/** `n` messages per figure (BENCH_INGEST_N overrides it). */
export async function benchIngest(n = 400): Promise<void> {
  const N = Number(process.env.BENCH_INGEST_N ?? n);
  const rows: Array<Record<string, string | number>> = [];
  const pgUrl = await benchPostgresUrl();
  for (const kind of ['pglite', ...(pgUrl ? ['postgres'] : [])] as const) {
    for (const concurrency of [1, 16]) {
      const run = `${kind}-${concurrency}-${Date.now()}`;
      const dir = tmpDir();
      const scratch = kind === 'postgres' ? await scratchDatabase(pgUrl!, `baton_bench_ingest`) : null;
      try {
        const env: Record<string, string> = scratch ? { DATABASE_URL: scratch.url } : { BATON_DATA_DIR: dir };
        const b = await viaBaton(N, env, concurrency, run);
        let f;
        if (scratch) {
          const pool = new pg.Pool({ connectionString: scratch.url, max: 16 });
          pool.on('error', () => {}); // an idle connection closed by the server is replaced, as in Baton's own pool
          f = await floor(N, pool, concurrency, run);
          await pool.end();
        } else {
          const db = await openDatabase({ dataDir: dir });
          f = await floor(N, db, concurrency, run);
          await db.close();
        }
        rows.push({ database: kind, concurrency, 'Baton msg/s': b.perSecond, 'p50 ms': b.p50, 'p99 ms': b.p99, 'raw SQL msg/s': f.perSecond, 'Baton / floor': b.perSecond / f.perSecond });
      } finally {
        await scratch?.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  table(`Ingest through POST /v1/messages (${N} messages each, sent from a worker thread; floor = the same inserts as raw SQL, same run)`, rows);
}
