import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createSandbox } from '../../../adapters/sandbox/index.ts';
import type { ChatAdapter } from '../../../src/app/chat-adapter.ts';
import type { AppContext } from '../../../src/app/context.ts';
import { OutboxWorker } from '../../../src/app/outbox-worker.ts';
import { createHttpApp, listen } from '../../../src/http/server.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { PrismaStore } from '../../../src/store/prisma-store.ts';
import { contextFor, exampleConfig } from '../../support/context.ts';
import { openTestDb } from '../../support/databases.ts';

export interface SandboxServer {
  url: string;
  ctx: AppContext;
  adapter: ChatAdapter;
  openStreams(): number;
  worker: OutboxWorker;
  logs: string[];
  stop(): Promise<void>;
}

/**
 * A real Baton HTTP app on PGlite with the sandbox wired in as `src/main.ts` will wire it:
 * its router among the extra routes and its adapter behind the outbox worker for `sandbox`.
 */
export async function startSandboxServer(opts: { readOnly?: boolean; pollMs?: number; heartbeatMs?: number } = {}): Promise<SandboxServer> {
  const { db, cleanup } = await openTestDb('pglite');
  const config = exampleConfig();
  const ctx: AppContext = { ...contextFor(new PrismaStore(db), { now: () => new Date() }, ['sandbox']), newId: randomUUID };
  const logs: string[] = [];
  const logger = createLogger({ level: 'info', destination: new Writable({ write(c, _e, cb) { logs.push(String(c)); cb(); } }) });
  const metrics = createMetrics();
  const sandbox = createSandbox({ ctx: () => ctx, logger, readOnly: opts.readOnly ?? false, digest: true, heartbeatMs: opts.heartbeatMs });
  const worker = new OutboxWorker(() => ctx, new Map([['sandbox', sandbox.adapter]]), { pollMs: opts.pollMs ?? 50 });
  const app = createHttpApp({
    app: () => ctx,
    logger,
    metrics,
    ingestSecret: undefined,
    ops: { dbReady: async () => ({ ok: true, detail: 'ok' }), adapters: () => ({ sandbox: sandbox.adapter.connected() }), refreshGauges: async () => {} },
    extraRoutes: [sandbox.router],
  });
  await sandbox.adapter.start();
  const server = await listen(app, '127.0.0.1', 0);
  worker.start();
  return {
    url: server.url,
    ctx,
    adapter: sandbox.adapter,
    openStreams: sandbox.openStreams,
    worker,
    logs,
    stop: async () => {
      // Event streams first: an open stream would hold the server's close for its 5 s grace.
      await sandbox.adapter.stop();
      await server.close();
      await worker.stop();
      await cleanup();
    },
  };
}
