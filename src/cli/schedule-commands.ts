import { z } from 'zod';
import { digestModel, dueManagers, sendDigests } from '../app/digest.ts';
import { sweep } from '../app/sweep.ts';
import { digestText } from '../domain/digest-text.ts';
import { buildContext, digestSettings, platformsFor, systemClock } from '../main.ts';
import { DataDirBusyError } from '../store/data-dir-lock.ts';
import { openDatabase } from '../store/database.ts';
import { cliConfig, cliEnv, UsageError } from './cli-support.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const iso = z.iso.datetime({ offset: true });

/** `--at <ISO-8601>` (default now) and boolean flags; anything else is a usage error. */
export function parseFlags(args: string[], allowed: string[]): { at: Date; flags: Set<string> } {
  let at = new Date();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--at') {
      const v = args[++i];
      if (!v || !iso.safeParse(v).success) throw new UsageError(`--at needs an ISO-8601 date-time with a zone, e.g. 2026-12-01T09:30:00-06:00 (got ${v ?? 'nothing'})`, 2);
      at = new Date(v);
    } else if (allowed.includes(a)) flags.add(a);
    else throw new UsageError(`Unknown option ${a}`, 2);
  }
  return { at, flags };
}

async function withContext<T>(what: string, fn: (ctx: ReturnType<typeof buildContext>) => Promise<T>): Promise<T> {
  const env = cliEnv();
  const config = cliConfig();
  let db;
  try {
    db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.BATON_DATA_DIR });
  } catch (e) {
    if (e instanceof DataDirBusyError) throw new UsageError(`${e.message}\nThe running server already ${what} on its schedule.`);
    throw e;
  }
  try {
    await db.migrate();
    return await fn(buildContext(config, db, platformsFor(env), systemClock));
  } finally {
    await db.close();
  }
}

export async function sweepCommand(args: string[]): Promise<void> {
  const { at } = parseFlags(args, []);
  const r = await withContext('sweeps SLAs', (ctx) => sweep(ctx, at));
  out(`Sweep as of ${at.toISOString()}: ${r.due} item(s) due, ${r.reminded} reminded (${r.notifications} notification(s) queued), ${r.woken} woken from snooze, ${r.skipped} changed by someone else meanwhile.`);
}

export async function digestCommand(args: string[]): Promise<void> {
  const { at, flags } = parseFlags(args, ['--dry-run']);
  const settings = digestSettings(cliConfig());
  await withContext('sends digests', async (ctx) => {
    if (flags.has('--dry-run')) {
      const model = await digestModel(ctx, settings, at);
      for (const { manager } of dueManagers(ctx, settings, at, true)) out(`${digestText(model, manager.name)}\n`);
      return;
    }
    const r = await sendDigests(ctx, settings, at, { all: true });
    out(r.managers.length
      ? `Queued today's digest for ${r.managers.join(', ')}; the server delivers it to ${ctx.platforms.join(', ')}.`
      : 'Every manager already has today\'s digest queued; nothing to send.');
  });
}
