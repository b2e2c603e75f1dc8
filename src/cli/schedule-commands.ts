import { z } from 'zod';
import { digestModel, dueManagers, sendDigests } from '../app/digest.ts';
import { assignmentSweep } from '../app/auto-assign.ts';
import { startDueAwayPeriods } from '../app/away-start.ts';
import { notificationsOf, planSweep, sweep } from '../app/sweep.ts';
import { autoAssignmentOf } from '../domain/assignment.ts';
import { describeSweepStep } from '../app/sweep-plan-text.ts';
import { digestText } from '../domain/digest-text.ts';
import { UsageError } from './usage.ts';
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

/** An --at a few seconds ahead ("now" typed by hand, two machines' clocks a little apart) is not the future. */
const FUTURE_SLACK_MS = 60_000;

/**
 * Writing as of a future time is refused: the audit trail is append-only, so a reminder recorded
 * as sent tomorrow would never be sent (the item's chain moved on) and could not be taken back.
 */
export function futureProblem(at: Date, now: Date, command: 'sweep' | 'digest'): UsageError | undefined {
  if (at.getTime() - now.getTime() <= FUTURE_SLACK_MS) return undefined;
  const why = command === 'sweep'
    ? 'a sweep as of then would record the reminders due then as sent, dated then, in the append-only audit trail, and they would never reach anyone'
    : "digests queued as of then would be dated then, held back until then with today's numbers, and take that day's place";
  return new UsageError(`--at ${at.toISOString()} is in the future: ${why}. Add --dry-run to see what ${command === 'sweep' ? 'would be reminded' : 'would be sent'} then; nothing was changed.`, 2);
}

export async function sweepCommand(args: string[]): Promise<void> {
  const { at, flags } = parseFlags(args, ['--dry-run']);
  const dryRun = flags.has('--dry-run');
  if (!dryRun) {
    const future = futureProblem(at, new Date(), 'sweep');
    if (future) throw future;
  }
  await withBaton({ serverDoes: 'sweeps SLAs on its schedule', readOnly: dryRun }, async ({ ctx }) => {
    if (dryRun) {
      const steps = await planSweep(ctx, at);
      out(`Dry run of a sweep as of ${at.toISOString()}; nothing was changed.`);
      for (const step of steps) out(`  ${describeSweepStep(ctx, step, at)}`);
      const reminded = steps.filter((s) => (s.kind === 'remind' || s.kind === 'pool') && s.plan?.fire.length).length;
      const notifications = steps.reduce((n, s) => n + notificationsOf(s), 0);
      const woken = steps.filter((s) => s.kind === 'wake').length;
      const toPool = steps.filter((s) => s.kind === 'pool').length;
      out(`${steps.length} item(s) due: ${reminded} would be reminded (${notifications} notification(s)), ${woken} woken from snooze${toPool ? `, ${toPool} sent from on call to the whole physician pool` : ''}.`);
      return;
    }
    // As the scheduler's tick does: first the away periods whose start has come (their items handed over).
    const awayStarted = await startDueAwayPeriods(ctx, at);
    if (awayStarted) out(`Away periods started: ${awayStarted} (their open items handed to their cover or back to the queue).`);
    const r = await sweep(ctx, at);
    out(`Sweep as of ${at.toISOString()}: ${r.due} item(s) due, ${r.reminded} reminded (${r.notifications} notification(s) queued), ${r.woken} woken from snooze, ${r.toPool ? `${r.toPool} sent from on call to the whole physician pool, ` : ''}${r.skipped} changed by someone else meanwhile.`);
    // As the scheduler's tick does: then the auto-assigning queues' unclaimed items.
    if (ctx.roster.queues.some((q) => autoAssignmentOf(q) !== null)) {
      const a = await assignmentSweep(ctx, at);
      out(`Auto-assignment: ${a.assigned} of ${a.considered} unclaimed item(s) assigned, ${a.unassigned} left in the channel (nobody available under the cap), ${a.moved} claimed by someone else meanwhile.`);
    }
  });
}

export async function digestCommand(args: string[]): Promise<void> {
  const { at, flags } = parseFlags(args, ['--dry-run']);
  const dryRun = flags.has('--dry-run');
  if (!dryRun) {
    const future = futureProblem(at, new Date(), 'digest');
    if (future) throw future;
  }
  await withBaton({ serverDoes: 'sends digests on its schedule', readOnly: dryRun }, async ({ ctx, digest: settings }) => {
    if (dryRun) {
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
