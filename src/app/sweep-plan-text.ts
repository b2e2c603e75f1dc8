import { resumeStateOf } from '../domain/commands.ts';
import { formatDuration } from '../domain/card.ts';
import { itemRef } from '../domain/work-item.ts';
import type { AppContext } from './context.ts';
import type { SweepStep } from './sweep.ts';

/**
 * One line per step of a planned sweep, for `baton sweep --dry-run`: the item's reference,
 * queue and priority, what would fire and who it would reach (staff keys), never patient data.
 */
export function describeSweepStep(ctx: AppContext, step: SweepStep, now: Date): string {
  const { item } = step;
  const head = `${itemRef(item)} ${item.queue} (${item.priority}${item.redFlags.length ? ', red flag' : ''})`;
  if (step.kind === 'wake') {
    const state = resumeStateOf(item);
    return `${head}: snoozed until ${item.snoozedUntil?.toISOString() ?? '?'} → wakes, back to ${state}${state === 'CLAIMED' ? ` (owner ${item.ownerId})` : ''}`;
  }
  if (step.kind === 'settle') return `${head}: no reminder level left to send → no longer checked`;
  const { plan } = step;
  const pool = step.kind === 'pool' ? `offered on call to ${item.onCallId}, unclaimed → to the whole physician pool` : '';
  if (!plan?.fire.length) return `${head}: ${pool || `no level due yet → next check at ${plan?.nextReminderAt?.toISOString() ?? 'none'}`}`;
  const late = `${plan.phase === 'claim' ? 'unclaimed' : 'no response'}, ${formatDuration(now.getTime() - plan.deadline.getTime())} past target`;
  const levels = plan.fire.map((f, i) => {
    const level = `level ${f.level}${f.repeat ? ' again (repeat)' : ''}`;
    if (f.notify === 'channel') {
      const lead = ctx.roster.queue(item.queue)?.lead;
      const owner = item.ownerId ? ` and the owner ${item.ownerId}` : '';
      return `${level}: a thread reply shown in the ${item.queue} channel, paging the queue's group${lead ? ` (else its lead ${lead})` : ''}${owner}`;
    }
    // After the fallback the pool has it: its post is the DM a reminder would send the pool.
    const to = (step.recipients[i] ?? []).map((k) => k ?? (pool ? 'the physician pool (the fallback post)' : 'the physician pool'));
    const who = f.notify === 'manager' ? 'manager' : item.ownerId ? 'owner' : item.state === 'ESCALATED' ? 'unowned escalation' : 'lead, unclaimed';
    return `${level}: a DM to ${to.length ? to.join(', ') : 'nobody (no lead on the queue)'} (${who})`;
  });
  return `${head}: ${pool ? `${pool}; ` : ''}${late} → ${levels.join('; ')}`;
}

