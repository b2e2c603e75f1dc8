import type { AppContext } from '../app/context.ts';
import type { Env } from '../config/env.ts';
import type { BatonConfig } from '../config/load.ts';
import type { DigestSettings } from '../app/digest.ts';
import { buildContext, digestSettings, platformsFor, startBaton, systemClock, type Baton } from '../main.ts';
import type { Logger } from '../observability/logger.ts';
import { DatabaseUnavailable } from '../store/connection-errors.ts';
import { DataDirBusyError, readLock, type LockInfo } from '../store/data-dir-lock.ts';
import { openDatabase, type Database } from '../store/database.ts';
import { cliConfig, cliEnv } from './cli-support.ts';
import { UsageError } from './usage.ts';

export type { Baton };

/**
 * The one way a command opens Baton: environment, config, database (migrated), use-case context.
 * Every command gets the same plain words for the database's own failures; nothing else in
 * src/cli reaches into main.ts or the store.
 */
export interface CliSession {
  env: Env;
  config: BatonConfig;
  db: Database;
  ctx: AppContext;
  /** The managers' digest settings the config gives. */
  digest: DigestSettings;
}

export interface SetupOptions {
  /** What the running server does instead, said when it holds the embedded database ("sweeps SLAs on its schedule"). */
  serverDoes?: string;
  /** Called instead of failing when the running server holds the embedded database and advertises its URL. */
  viaServer?: (url: string, env: Env) => Promise<void>;
  /** A dry run: the database is not migrated (a pending migration is refused instead), so nothing at all is written. */
  readOnly?: boolean;
}

/** A failure of opening the database that the user can fix, or undefined. */
export function databaseProblem(e: unknown, serverDoes?: string): UsageError | undefined {
  if (e instanceof DataDirBusyError) return new UsageError(serverDoes ? `${e.message}\nThe running server already ${serverDoes}.` : e.message);
  if (e instanceof DatabaseUnavailable) return new UsageError(e.message);
  return undefined;
}

/** The database alone (`baton migrate`): opened, given to `fn`, closed. */
export async function withDatabase(env: Env, opts: SetupOptions, fn: (db: Database) => Promise<void>): Promise<void> {
  let db: Database;
  try {
    db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.BATON_DATA_DIR });
  } catch (e) {
    const holder: LockInfo | undefined = e instanceof DataDirBusyError ? e.holder : undefined;
    if (holder?.url && opts.viaServer) return opts.viaServer(holder.url, env);
    throw databaseProblem(e, opts.serverDoes) ?? e;
  }
  try {
    await fn(db);
  } catch (e) {
    throw databaseProblem(e) ?? e;
  } finally {
    await db.close();
  }
}

/** Everything a use case needs: the database migrated and the context built from the config. */
export async function withBaton(opts: SetupOptions, fn: (s: CliSession) => Promise<void>): Promise<void> {
  const env = cliEnv();
  const config = cliConfig();
  await withDatabase(env, opts, async (db) => {
    if (!opts.readOnly) await db.migrate();
    else {
      const pending = await db.pending();
      if (pending.length) throw new UsageError(`The database has ${pending.length} migration(s) pending (${pending.join(', ')}); a dry run changes nothing, so it does not apply them. Run \`baton migrate\` first.`);
    }
    await fn({ env, config, db, ctx: buildContext(config, db, platformsFor(env), systemClock, env), digest: digestSettings(config, env) });
  });
}

/** `baton serve`: the whole server, with the same words for the database and the port. */
export async function startServing(env: Env, config: BatonConfig, logger: Logger): Promise<Baton> {
  try {
    return await startBaton({ env, config, logger });
  } catch (err) {
    const known = databaseProblem(err);
    if (known) throw known;
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`Port ${env.PORT} on ${env.HOST} is in use: stop the other program or set PORT.`);
    throw err;
  }
}

/**
 * Where the running server answers on this machine, for commands that go through it (`baton
 * config reload`). The embedded database's lock names the server holding it; with PostgreSQL
 * there is no lock, so it is this environment's PORT on the loopback address (HOST, when that is
 * a loopback or wildcard address). A wildcard address is reached through loopback, as the
 * server's loopback-only routes need.
 */
export function localServer(env: Env): { url: string } | { problem: string } {
  const viaLoopback = (url: string) => url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
  if (!env.DATABASE_URL) {
    const holder = readLock(env.BATON_DATA_DIR);
    if (holder?.url) return { url: viaLoopback(holder.url) };
    return { problem: `No running Baton server holds the embedded database in ${env.BATON_DATA_DIR} (BATON_DATA_DIR): nothing to reload. \`baton config check\` validates a config file without a server.` };
  }
  const host = env.HOST;
  const name = ['::', '[::]', '::1', '[::1]'].includes(host) ? '[::1]' : /^127\.\d+\.\d+\.\d+$/.test(host) ? host : ['0.0.0.0', 'localhost'].includes(host) ? '127.0.0.1' : null;
  if (name) return { url: `http://${name}:${env.PORT}` };
  return { problem: `HOST is ${host}: a server listening only there cannot be reached through loopback, which the reload requires. Send the server process SIGHUP instead (kill -HUP <pid>); its log lists every problem.` };
}
