import { ingestMessage } from '../app/ingest-message.ts';
import type { Env } from '../config/env.ts';
import { EXAMPLE_CONFIG } from '../config/load.ts';
import { signRequest } from '../http/signature.ts';
import { buildContext, platformsFor, startBaton, systemClock, UNSIGNED_API_WARNING } from '../main.ts';
import { createLogger } from '../observability/logger.ts';
import { DataDirBusyError } from '../store/data-dir-lock.ts';
import { openDatabase } from '../store/database.ts';
import { cliConfig as config, cliEnv as env, list, UsageError } from './cli-support.ts';
import { readMessageFile } from './read-messages.ts';
import { triageCheck } from './triage-commands.ts';

export { UsageError };

const out = (line: string) => process.stdout.write(`${line}\n`);

export async function serve(): Promise<void> {
  const e = env();
  const logger = createLogger({ level: e.LOG_LEVEL });
  const c = config();
  let baton;
  try {
    baton = await startBaton({ env: e, config: c, logger });
  } catch (err) {
    if (err instanceof DataDirBusyError) throw new UsageError(err.message);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`Port ${e.PORT} on ${e.HOST} is in use: stop the other program or set PORT.`);
    throw err;
  }
  out(`Baton is running at ${baton.url}  (config: ${c.file}; database: ${baton.db.kind === 'pglite' ? `embedded, ${baton.db.where}` : 'PostgreSQL'})`);
  if (!e.INGEST_SECRET) out(`Warning: ${UNSIGNED_API_WARNING}`);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    baton.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function withDatabase<T>(e: Env, fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase({ url: e.DATABASE_URL, dataDir: e.BATON_DATA_DIR });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

export async function migrate(): Promise<void> {
  const e = env();
  try {
    const ran = await withDatabase(e, (db) => db.migrate());
    out(ran.length ? `Applied ${ran.length} migration(s): ${ran.join(', ')}` : 'Database is up to date; no migration pending.');
  } catch (err) {
    if (err instanceof DataDirBusyError) throw new UsageError(`${err.message}\nThe running server applies pending migrations when it starts.`);
    throw err;
  }
}

export async function ingestFile(file: string | undefined): Promise<void> {
  if (!file) throw new UsageError('Usage: baton ingest <file.json|file.ndjson>', 2);
  const read = readMessageFile(file, new Date());
  if (read.problems.length) throw new UsageError(`${file} has ${read.problems.length} problem(s); nothing was ingested:\n${list(read.problems)}`);
  const e = env();
  const c = config();
  let stored = 0;
  let duplicates = 0;
  try {
    await withDatabase(e, async (db) => {
      await db.migrate();
      const ctx = buildContext(c, db, platformsFor(e), systemClock);
      for (const { message } of read.messages) {
        const r = await ingestMessage(ctx, message);
        if (r.duplicate) duplicates++;
        else stored++;
      }
    });
  } catch (err) {
    if (!(err instanceof DataDirBusyError) || !err.holder.url) throw err instanceof DataDirBusyError ? new UsageError(err.message) : err;
    // The embedded database belongs to the running server: go through its API instead.
    out(`The server at ${err.holder.url} holds the embedded database; sending the messages through its API.`);
    const sent = new Set<string>();
    for (const { message, where } of read.messages) {
      const body = JSON.stringify({ ...message, sentAt: message.sentAt.toISOString(), resourceId: undefined, inResponseTo: undefined });
      // A line repeated in the file: the server would take its signed copy for a replay. It is a duplicate anyway.
      if (sent.has(body)) {
        duplicates++;
        continue;
      }
      sent.add(body);
      const ts = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (e.INGEST_SECRET) Object.assign(headers, { 'x-baton-timestamp': ts, 'x-baton-signature': signRequest(e.INGEST_SECRET, { timestamp: ts, method: 'POST', target: '/v1/messages', body }) });
      const res = await fetch(`${err.holder.url}/v1/messages`, { method: 'POST', headers, body });
      if (res.status >= 300) throw new UsageError(`${where}: the server answered ${res.status}: ${await res.text()}`);
      if (res.status === 200) duplicates++;
      else stored++;
    }
  }
  out(`Ingested ${read.messages.length} message(s) from ${file}: ${stored} stored, ${duplicates} already known.`);
}

export function configCheck(file: string | undefined): void {
  const path = file ?? process.env.BATON_CONFIG ?? EXAMPLE_CONFIG;
  const c = config(path);
  const triageLine = triageCheck(c);
  out(`OK: ${c.file} — ${c.roster.staff.length} staff, ${c.roster.queues.length} queues, ${c.sla.length} SLA policies.`);
  out(triageLine);
}
