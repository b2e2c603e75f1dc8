import fs from 'node:fs';
import { Writable } from 'node:stream';
import { parseEnv } from '../../src/config/env.ts';
import type { BatonConfig } from '../../src/config/load.ts';
import { startBaton, type Baton } from '../../src/main.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { exampleConfig, FixedClock } from './context.ts';
import { freshPostgres, tempDir } from './databases.ts';

/** Every log line written by servers under test, so a test can check that no PHI was logged. */
export const capturedLogs: string[] = [];

export interface TestServer {
  baton: Baton;
  url: string;
  clock?: FixedClock | undefined;
  stop(): Promise<void>;
}

export async function startTestServer(opts: { kind?: 'pglite' | 'postgres'; env?: Record<string, string>; clock?: FixedClock; config?: BatonConfig } = {}): Promise<TestServer> {
  const kind = opts.kind ?? 'pglite';
  const dir = tempDir();
  const pgdb = kind === 'postgres' ? await freshPostgres() : undefined;
  const parsed = parseEnv({ PORT: '0', HOST: '127.0.0.1', BATON_DATA_DIR: dir, ...(pgdb ? { DATABASE_URL: pgdb.url } : {}), ...opts.env });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const sink = new Writable({ write(chunk, _enc, cb) { capturedLogs.push(String(chunk)); cb(); } });
  const logger = createLogger({ level: 'info', destination: sink });
  const baton = await startBaton({ env: parsed.env, config: opts.config ?? exampleConfig(), logger, clock: opts.clock });
  return {
    baton,
    url: baton.url,
    clock: opts.clock,
    stop: async () => {
      await baton.stop();
      await pgdb?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json: json as Record<string, any>, text };
}
