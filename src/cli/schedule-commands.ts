import { z } from 'zod';
import { digestModel, dueManagers, sendDigests } from '../app/digest.ts';
import { sweep } from '../app/sweep.ts';
import { digestText } from '../domain/digest-text.ts';
import { UsageError } from './cli-support.ts';
import { withBaton } from './setup.ts';

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

export async function sweepCommand(args: string[]): Promise<void> {
  const { at } = parseFlags(args, []);
  await withBaton({ serverDoes: 'sweeps SLAs on its schedule' }, async ({ ctx }) => {
    const r = await sweep(ctx, at);
    out(`Sweep as of ${at.toISOString()}: ${r.due} item(s) due, ${r.reminded} reminded (${r.notifications} notification(s) queued), ${r.woken} woken from snooze, ${r.skipped} changed by someone else meanwhile.`);
  });
}

export async function digestCommand(args: string[]): Promise<void> {
  const { at, flags } = parseFlags(args, ['--dry-run']);
  await withBaton({ serverDoes: 'sends digests on its schedule' }, async ({ ctx, digest: settings }) => {
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
