import { randomUUID } from 'node:crypto';
import type { ChatAdapter } from './app/chat-adapter.ts';
import type { AppContext, ContextSource } from './app/context.ts';
import type { DigestSettings } from './app/digest.ts';
import { OutboxWorker } from './app/outbox-worker.ts';
import type { Clock } from './app/ports.ts';
import { consoleSettings, UNSIGNED_API_WARNING, type Env } from './config/env.ts';
import { appSettings } from './config/app-settings.ts';
import type { BatonConfig } from './config/load.ts';
import { reloadConfig, type ReloadAnswer, type ReloadRequest } from './config/reload.ts';
import { effectiveSettings, needsRestart, RESTART_NOTE } from './config/restart-only.ts';
import { createHttpApp, reserve } from './http/server.ts';
import type { Router } from 'express';
import { createSandbox } from '../adapters/sandbox/index.ts';
import type { Logger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { openDatabase, type Database } from './store/database.ts';
import { PrismaStore } from './store/prisma-store.ts';
import { Scheduler } from './scheduler/scheduler.ts';


export const systemClock: Clock = { now: () => new Date() };

export function buildContext(config: BatonConfig, db: Database, platforms: string[], clock: Clock = systemClock, env?: Env): AppContext {
  return { store: new PrismaStore(db), clock, ...appSettings(config, env), platforms, newId: randomUUID };
}

export const digestSettings = (c: BatonConfig, env?: Env): DigestSettings => appSettings(c, env).digest;

/** Platforms that get outbox rows: the sandbox always (a live mirror), plus each configured chat platform. */
export function platformsFor(env: Env): string[] {
  return ['sandbox', ...(env.SLACK_BOT_TOKEN ? ['slack'] : []), ...(env.TEAMS_APP_ID || env.TEAMS_AUTH === 'off' ? ['teams'] : [])];
}

/**
 * The chat platforms to run: the browser sandbox always (a read-only mirror for supervisors
 * once Slack or Teams is configured), Slack and Teams when their credentials are set.
 */
async function chatAdapters(o: { env: Env; ctx: ContextSource; logger: Logger; onChange: () => void }) {
  const adapters = new Map<string, ChatAdapter>();
  const routes: Router[] = [];
  const platforms = platformsFor(o.env);
  const sandbox = createSandbox({ ctx: o.ctx, logger: o.logger, readOnly: platforms.length > 1, digest: true });
  adapters.set('sandbox', sandbox.adapter);
  routes.push(sandbox.router);
  const consoleOn = consoleSettings(o.env);
  if (consoleOn.enabled) {
    // Loaded only when used, like the chat platforms: openid-client and the pages.
    const { createConsole } = await import('../adapters/console/index.ts');
    const c = createConsole({
      ctx: o.ctx,
      logger: o.logger.child({ platform: 'console' }),
      publicUrl: o.env.BATON_PUBLIC_URL,
      oidc: consoleOn.missing.length ? undefined : { issuer: o.env.BATON_OIDC_ISSUER!, clientId: o.env.BATON_OIDC_CLIENT_ID!, clientSecret: o.env.BATON_OIDC_CLIENT_SECRET!, emailClaim: o.env.BATON_OIDC_EMAIL_CLAIM },
      missing: consoleOn.missing,
      idleMinutes: o.env.BATON_CONSOLE_IDLE_MINUTES,
    });
    routes.push(c.router);
    void c.warm();
  }
  if (platforms.includes('teams')) {
    // Loaded only when used: teams-ai takes seconds to import, and the CLI imports this file.
    const { createTeamsAdapter } = await import('../adapters/teams/index.ts');
    const teams = createTeamsAdapter({
      ctx: o.ctx,
      logger: o.logger.child({ platform: 'teams' }),
      appId: o.env.TEAMS_APP_ID,
      appPassword: o.env.TEAMS_APP_PASSWORD,
      tenantId: o.env.TEAMS_TENANT_ID,
      authDisabled: o.env.TEAMS_AUTH === 'off',
    });
    adapters.set('teams', teams.adapter);
    routes.push(teams.router);
  }
  if (platforms.includes('slack')) {
    const { createSlackAdapter } = await import('../adapters/slack/index.ts');
    const slack = createSlackAdapter({
      ctx: o.ctx,
      logger: o.logger.child({ platform: 'slack' }),
      botToken: o.env.SLACK_BOT_TOKEN!,
      signingSecret: o.env.SLACK_SIGNING_SECRET,
      appToken: o.env.SLACK_APP_TOKEN, // set → Socket Mode, and no HTTP route
      apiUrl: o.env.SLACK_API_URL,
      onChange: o.onChange,
    });
    adapters.set('slack', slack.adapter);
    if (slack.router) routes.push(slack.router); // POST /slack/events on Baton's own port
  }
  return { adapters, routes };
}

export interface Baton {
  url: string;
  /** The context as of now (a reload replaces it); read it again after a reload. */
  readonly ctx: AppContext;
  /** The config as of now. */
  readonly config: BatonConfig;
  /**
   * Reads the config files again (SIGHUP, `baton config reload`). Invalid: every problem is
   * logged and answered, and the running config stays. Valid: it applies to every request,
   * delivery and tick that starts from now on; those under way finish on the config they
   * started with. Deadlines already stored on items do not move.
   */
  reload(req: ReloadRequest): ReloadAnswer;
  db: Database;
  worker: OutboxWorker;
  scheduler: Scheduler;
  stop(): Promise<void>;
}

/**
 * The composition root: opens the database (applying pending migrations), builds the use-case
 * context, starts the chat adapters, the outbox worker and the HTTP server.
 */
export async function startBaton(opts: { env: Env; config: BatonConfig; logger: Logger; clock?: Clock }): Promise<Baton> {
  const { env, config, logger } = opts;
  // The port first: a port in use is said before seconds of opening and migrating the database.
  const server = await reserve(env.HOST, env.PORT);
  let db: Database;
  try {
    db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.BATON_DATA_DIR });
  } catch (e) {
    await server.close();
    throw e;
  }
  try {
    const ran = await db.migrate();
    if (ran.length) logger.info({ migrations: ran }, 'database migrations applied');
  } catch (e) {
    await db.close();
    await server.close();
    throw e;
  }
  const metrics = createMetrics();
  // The context as of now: replaced as a whole by a reload, never changed in place (context.ts).
  let ctx: AppContext = {
    ...buildContext(config, db, platformsFor(env), opts.clock, env),
    telemetry: {
      claimed: (queue, seconds) => metrics.claimWait.observe({ queue }, seconds),
      acted: (command, outcome) => metrics.actions.inc({ command, outcome }),
      slaBreached: (queue, phase) => metrics.slaBreaches.inc({ queue, phase }),
    },
  };
  let current = config;
  const live: ContextSource = () => ctx;
  // Adapters may wake the worker (a click's card update goes out at once); it is built just below.
  const wake = { worker: null as OutboxWorker | null };
  const { adapters, routes } = await chatAdapters({ env, ctx: live, logger, onChange: () => wake.worker?.kick() }).catch(async (e: unknown) => {
    await db.close(); // a platform refused its settings: release the database (and the embedded lock) before reporting it
    await server.close();
    throw e;
  });
  const worker = new OutboxWorker(live, adapters, {
    onResult: (platform, kind, result) => metrics.delivered.inc({ platform, kind, result }),
    onError: (e) => logger.error({ err: e }, 'outbox worker failed; retrying'),
  });
  wake.worker = worker;
  const scheduler = new Scheduler(live, {
    settings: () => ({ cron: current.raw.scheduler.cron, retentionDays: current.raw.retention.messageBodyDays }),
    logger,
    onWork: () => worker.kick(),
  });
  const startedWith = effectiveSettings(env, config.file);

  /**
   * Loading and checking the files is synchronous, so a reload happens between two turns of the
   * event loop: no request sees half of it. Work already under way holds the context it started
   * with (ContextSource); everything that starts afterwards reads the new one.
   */
  const reload = (req: ReloadRequest): ReloadAnswer => {
    const r = reloadConfig(current);
    if (!r.ok) {
      logger.error({ trigger: req.trigger, config: r.file, problems: r.problems }, `config reload refused: ${r.problems.length} problem(s) in the config; Baton keeps running on the config it had`);
      return { ok: false, file: r.file, problems: r.problems };
    }
    current = r.config;
    ctx = { ...ctx, ...appSettings(r.config, env) };
    scheduler.reschedule();
    const restart = needsRestart(startedWith, req.environment);
    logger.info(
      { trigger: req.trigger, config: r.config.file, changes: r.changes, ...(restart.length ? { needsRestart: restart } : {}) },
      r.changes.length ? `config reloaded: ${r.changes.length} change(s)` : 'config reloaded: no changes',
    );
    if (restart.length) logger.warn({ needsRestart: restart }, `config reload: ${restart.join(', ')} differ from what Baton started with; ${RESTART_NOTE}`);
    return { ok: true, file: r.config.file, changes: r.changes, needsRestart: restart, restartNote: RESTART_NOTE };
  };

  const app = createHttpApp({
    app: live,
    logger,
    metrics,
    ingestSecret: env.INGEST_SECRET,
    extraRoutes: routes,
    reload,
    ops: {
      dbReady: async () => {
        await db.ping();
        const pending = await db.pending();
        return pending.length ? { ok: false, detail: `migrations pending: ${pending.join(', ')}` } : { ok: true, detail: `ok (${db.kind})` };
      },
      adapters: () => Object.fromEntries([...adapters].map(([k, a]) => [k, a.connected()])),
      refreshGauges: async () => {
        const s = await ctx.store.outboxStats(ctx.clock.now());
        metrics.outboxDepth.set(s.pending);
        metrics.outboxOldest.set(s.oldestAgeSeconds);
      },
    },
  });
  try {
    for (const a of adapters.values()) await a.start();
  } catch (e) {
    await db.close();
    await server.close();
    throw e;
  }
  server.attach(app);
  db.advertise(server.url);
  worker.start();
  scheduler.start();
  logger.info({ url: server.url, database: db.kind, where: db.kind === 'pglite' ? db.where : 'postgres', platforms: ctx.platforms }, 'Baton is serving');
  if (!env.INGEST_SECRET) logger.warn({ url: server.url }, UNSIGNED_API_WARNING);

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop taking work, let in-flight requests and deliveries finish, then close the database cleanly.
      // Open sandbox pages hold event streams, which would keep server.close() waiting for its grace period.
      await adapters.get('sandbox')?.stop();
      await server.close();
      await scheduler.stop();
      await worker.stop();
      for (const a of adapters.values()) await a.stop().catch(() => {});
      await db.close();
      logger.info('Baton stopped');
    })());
  return {
    url: server.url,
    get ctx() {
      return ctx;
    },
    get config() {
      return current;
    },
    reload,
    db,
    worker,
    scheduler,
    stop,
  };
}
