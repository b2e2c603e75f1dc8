import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { EXAMPLE_CONFIG } from '../config/load.ts';
import { effectiveSettings, fingerprintsOf, RESTART_ONLY, type RestartOnly } from '../config/restart-only.ts';
import { signRequest } from '../http/signature.ts';
import { cliEnv } from './cli-support.ts';
import { localServer } from './setup.ts';
import { list, UsageError } from './usage.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const TARGET = '/v1/config/reload';

interface Answer {
  ok?: boolean;
  file?: string;
  changes?: string[];
  needsRestart?: string[];
  restartNote?: string;
  error?: { code?: string; message?: string; problems?: Array<{ message?: string }> };
}

/**
 * `baton config reload`: asks the running server, on this machine, to read its config files
 * again (POST /v1/config/reload; see config-routes.ts), and prints its answer: what changed, or
 * every problem (exit 1, and the server keeps its config). It sends keyed hashes of the
 * restart-only settings this environment sets, so a changed PORT or token is named as needing
 * a restart; their values never leave this process.
 */
export async function configReload(): Promise<void> {
  const env = cliEnv();
  const where = localServer(env);
  if ('problem' in where) throw new UsageError(where.problem);
  const set = RESTART_ONLY.filter((n): n is RestartOnly => Boolean(process.env[n]));
  const mine = effectiveSettings(env, path.resolve(process.env.BATON_CONFIG ?? EXAMPLE_CONFIG));
  const body = JSON.stringify({ environment: fingerprintsOf(mine, set, randomBytes(16).toString('hex')) });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (env.INGEST_SECRET) {
    const ts = String(Math.floor(Date.now() / 1000));
    Object.assign(headers, { 'x-baton-timestamp': ts, 'x-baton-signature': signRequest(env.INGEST_SECRET, { timestamp: ts, method: 'POST', target: TARGET, body }) });
  }
  let res: Response;
  try {
    res = await fetch(`${where.url}${TARGET}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    const code = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    throw new UsageError(`No Baton server answers at ${where.url} (${code}). Is it running, with this environment's PORT and HOST?`);
  }
  const answer = (await res.json().catch(() => ({}))) as Answer;
  if (res.status === 422) {
    const problems = (answer.error?.problems ?? []).map((p) => p.message ?? '');
    throw new UsageError(`${answer.error?.message ?? 'The config has problems.'}\n${list(problems)}`);
  }
  if (res.status === 401) {
    throw new UsageError(`The server refused this request's signature (${answer.error?.message ?? 'unauthenticated'}). It must be signed with the server's own INGEST_SECRET; a changed INGEST_SECRET takes effect only after a restart.`);
  }
  if (!res.ok || !answer.ok) throw new UsageError(`The server at ${where.url} answered ${res.status}: ${answer.error?.message ?? 'no reason given'}`);
  const changes = answer.changes ?? [];
  out(`Baton at ${where.url} reloaded ${answer.file}: ${changes.length ? `${changes.length} change(s)` : 'no changes'}.`);
  if (changes.length) out(list(changes));
  if (answer.needsRestart?.length) out(`Needs a restart (set differently in this environment than in the running server): ${answer.needsRestart.join(', ')}.`);
  if (answer.restartNote) out(answer.restartNote);
}
