import { ingestMessage } from '../app/ingest-message.ts';
import type { Env } from '../config/env.ts';
import { signRequest } from '../http/signature.ts';
import { UNSIGNED_API_WARNING } from '../config/env.ts';
import { createLogger } from '../observability/logger.ts';
import { cliConfig as config, cliEnv as env } from './cli-support.ts';
import { list, onStdoutGone, UsageError } from './usage.ts';
import { startServing, withBaton, withDatabase, type Baton } from './setup.ts';
import { readMessageFile, type FileMessages } from './read-messages.ts';

export { UsageError };

const out = (line: string) => process.stdout.write(`${line}\n`);

export async function serve(): Promise<void> {
  const e = env();
  const logger = createLogger({ level: e.LOG_LEVEL });
  const c = config();
  let baton: Baton | undefined;
  let asked: Record<string, string> | undefined;
  let reloadAsked = false;
  let stopping = false;
  // Stop cleanly however Baton is asked to: SIGTERM (`kill`, systemd, `npm start` passing it on),
  // SIGINT (Ctrl-C), its standard output gone (the terminal it ran in was closed), or the npm
  // process that started it gone. Asked while it is still starting (migrations can take a while),
  // it stops as soon as it has started; asked twice while starting, it exits at once.
  const shutdown = (why: Record<string, string>) => {
    if (stopping) return;
    if (!baton) {
      if (asked) process.exit(1);
      asked = why;
      return;
    }
    stopping = true;
    logger.info(why, 'shutting down');
    baton.stop().then(() => process.exit(0), () => process.exit(1));
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => shutdown({ signal }));
  process.on('SIGHUP', () => reloadOnHangup());
  onStdoutGone(() => shutdown({ trigger: 'standard output closed' }));
  watchNpmParent(() => shutdown({ trigger: 'the npm process that started Baton is gone' }));

  /**
   * SIGHUP reloads the config, as daemons do (`systemctl reload`, `kill -HUP`). A closed terminal
   * sends SIGHUP too, and then Baton must stop instead: so it first says on standard output that it
   * is reloading. If the terminal has gone, that write fails (EIO; EPIPE for a closed pipe), the
   * standard-output watch stops Baton cleanly, and nothing is reloaded. Under `npm start`, npm
   * itself dies of the SIGHUP (it passes on only SIGINT and SIGTERM) and the parent watch stops
   * Baton as well. Asked while starting, it reloads once it has started.
   */
  function reloadOnHangup() {
    if (stopping) return;
    if (!baton) {
      reloadAsked = true;
      return;
    }
    const running = baton;
    process.stdout.write(`SIGHUP: reloading the config (${running.config.file})\n`, (err) => {
      if (err || stopping) return;
      const r = running.reload({ trigger: 'SIGHUP' });
      if (!r.ok) out(`Config reload refused; Baton keeps running on the config it had. ${r.problems.length} problem(s):\n${list(r.problems)}`);
      else out(`Config reloaded: ${r.changes.length ? `${r.changes.length} change(s)\n${list(r.changes)}` : 'no changes'}`);
    });
  }

  baton = await startServing(e, c, logger);
  if (asked) return shutdown(asked);
  out(`Baton is running at ${baton.url}  (config: ${c.file}; database: ${baton.db.kind === 'pglite' ? `embedded, ${baton.db.where}` : 'PostgreSQL'})`);
  if (!e.INGEST_SECRET) out(`Warning: ${UNSIGNED_API_WARNING}`);
  if (reloadAsked) reloadOnHangup();
}

/**
 * Under `npm start` Baton's parent is npm (the script `exec`s node, so npm's SIGTERM reaches it).
 * If npm dies without passing a signal on (SIGKILL, or a script run through a shell without
 * `exec`), Baton is re-parented: it notices and stops, rather than holding ./data with nobody
 * to stop it. Outside npm (systemd, nohup, a terminal) the parent is not watched.
 */
function watchNpmParent(gone: () => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) gone();
  }, 1000).unref();
}

export async function migrate(): Promise<void> {
  await withDatabase(env(), { serverDoes: 'applies pending migrations when it starts' }, async (db) => {
    const ran = await db.migrate();
    out(ran.length ? `Applied ${ran.length} migration(s): ${ran.join(', ')}` : 'Database is up to date; no migration pending.');
  });
}

export async function ingestFile(file: string | undefined): Promise<void> {
  if (!file) throw new UsageError('Usage: baton ingest <file.json|file.ndjson>', 2);
  const read = readMessageFile(file, new Date());
  if (read.problems.length) throw new UsageError(`${file} has ${read.problems.length} problem(s); nothing was ingested:\n${list(read.problems)}`);
  let stored = 0;
  let duplicates = 0;
  const count = (duplicate: boolean) => (duplicate ? duplicates++ : stored++);
  await withBaton({ viaServer: (url, e) => ingestViaServer(url, e, read.messages, count) }, async ({ ctx }) => {
    for (const { message } of read.messages) count((await ingestMessage(ctx, message)).duplicate);
  });
  out(`Ingested ${read.messages.length} message(s) from ${file}: ${stored} stored, ${duplicates} already known.`);
}

/** The embedded database belongs to the running server: the messages go through its API instead. */
async function ingestViaServer(url: string, e: Env, messages: FileMessages['messages'], count: (duplicate: boolean) => void): Promise<void> {
  out(`The server at ${url} holds the embedded database; sending the messages through its API.`);
  const sent = new Set<string>();
  for (const { message, where } of messages) {
    const body = JSON.stringify({ ...message, sentAt: message.sentAt.toISOString(), resourceId: undefined, inResponseTo: undefined });
    // A line repeated in the file: the server would take its signed copy for a replay. It is a duplicate anyway.
    if (sent.has(body)) {
      count(true);
      continue;
    }
    sent.add(body);
    const ts = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (e.INGEST_SECRET) Object.assign(headers, { 'x-baton-timestamp': ts, 'x-baton-signature': signRequest(e.INGEST_SECRET, { timestamp: ts, method: 'POST', target: '/v1/messages', body }) });
    const res = await fetch(`${url}/v1/messages`, { method: 'POST', headers, body });
    if (res.status >= 300) throw new UsageError(`${where}: the server answered ${res.status}: ${await res.text()}`);
    count(res.status === 200);
  }
}
