import { z } from 'zod';
import '../../src/config/zod-messages.ts';
import { MAX_SNOOZE_MINUTES, type Command } from '../../src/domain/commands.ts';
import { POOL_CHOICE, type CardCommand } from '../../src/domain/card.ts';
import type { Roster } from '../../src/domain/roster.ts';
import { ITEM_STATES } from '../../src/domain/work-item.ts';

/** The card's commands, plus `item.reroute` (no button on the card, but the API takes it). */
export const SANDBOX_COMMANDS = [
  'item.claim', 'item.release', 'item.reassign', 'item.snooze', 'item.escalate',
  'item.return', 'item.resolve', 'item.reopen', 'item.wake', 'item.reroute', 'item.view',
] as const satisfies ReadonlyArray<CardCommand | 'item.reroute'>;
export type SandboxCommand = (typeof SANDBOX_COMMANDS)[number];

type Field = 'to' | 'reason' | 'until' | 'minutes' | 'instructions' | 'note' | 'queue';

/** Which optional fields each command takes, and which of them it needs. */
const FIELDS: Record<SandboxCommand, { allowed: Field[]; required: Field[] }> = {
  'item.claim': { allowed: [], required: [] },
  'item.release': { allowed: [], required: [] },
  'item.reassign': { allowed: ['to'], required: ['to'] },
  'item.snooze': { allowed: ['until', 'minutes', 'reason'], required: ['reason'] },
  'item.escalate': { allowed: ['to', 'reason'], required: ['reason'] },
  'item.return': { allowed: ['instructions'], required: ['instructions'] },
  'item.resolve': { allowed: ['note'], required: [] },
  'item.reopen': { allowed: [], required: [] },
  'item.wake': { allowed: [], required: [] },
  'item.reroute': { allowed: ['queue'], required: ['queue'] },
  'item.view': { allowed: [], required: [] },
};

const text = z.string().trim().max(2000, 'must be at most 2000 characters');
const key = z.string().trim().max(64, 'must be at most 64 characters');

/**
 * What the clicked card showed (`CardView.version`, `state`, `owner.key`), for the stale-card
 * check every platform's clicks go through (src/app/act-on-card.ts). The page always sends it;
 * an API call without it is judged by the item as it is.
 */
const seen = z.strictObject({
  version: z.number().int('must be a whole number').min(1, 'must be at least 1'),
  state: z.enum(ITEM_STATES),
  ownerId: key.nullable(),
});

/**
 * The action request. Every problem is reported at once, including fields the command does not
 * take. `now` (read at each parse) bounds `until` like `minutes`: in the future, at most 30 days
 * ahead. Build it once per roster: zod builds a schema far slower than it
 * parses one, and this one is on every click.
 */
export function actionBodySchema(roster: Roster, now: () => Date = () => new Date()) {
  return z
    .strictObject({
      as: z.string({ error: 'required: the staff key of the person acting' }).refine((k) => roster.member(k) !== undefined, 'not a staff key on the roster'),
      command: z.enum(SANDBOX_COMMANDS),
      to: key.optional(),
      reason: text.optional(),
      until: z.iso.datetime({ offset: true, message: 'expected an ISO-8601 date-time with a time zone' }).optional(),
      minutes: z.number().int('must be whole minutes').min(1, 'must be at least 1').max(MAX_SNOOZE_MINUTES, 'must be at most 30 days').optional(),
      instructions: text.optional(),
      note: text.optional(),
      queue: key.optional(),
      seen: seen.optional(),
    })
    .superRefine(
      (v, ctx) => {
        const spec = FIELDS[v.command as SandboxCommand];
        if (!spec) return; // the enum already reported it
        const given = (f: Field) => v[f] !== undefined && v[f] !== '';
        for (const f of spec.required) if (!given(f)) ctx.addIssue({ code: 'custom', path: [f], message: `required for ${v.command}` });
        for (const f of Object.keys(v)) {
          if (f !== 'as' && f !== 'command' && f !== 'seen' && !spec.allowed.includes(f as Field)) {
            ctx.addIssue({ code: 'custom', path: [f], message: `not used by ${v.command}` });
          }
        }
        if (v.command === 'item.snooze' && given('until') === given('minutes')) {
          ctx.addIssue({ code: 'custom', path: ['minutes'], message: 'give either minutes or until (not both)' });
        }
        const until = typeof v.until === 'string' ? Date.parse(v.until) : NaN;
        if (!Number.isNaN(until)) {
          const at = now().getTime();
          if (until <= at) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be in the future' });
          else if (until > at + MAX_SNOOZE_MINUTES * 60_000) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be at most 30 days ahead' });
        }
      },
      // Run even when a field failed its own check, so one answer lists every problem.
      { when: () => true },
    );
}

export type ActionBody = z.output<ReturnType<typeof actionBodySchema>>;


/** The domain command for a validated body; `view` is not a command (it changes nothing). */
export function toCommand(b: ActionBody, now: Date): Command | 'view' {
  const opt = (s: string | undefined) => (s ? s : undefined);
  switch (b.command) {
    case 'item.claim': return { type: 'claim' };
    case 'item.release': return { type: 'release' };
    case 'item.reassign': return { type: 'reassign', to: b.to ?? '' };
    case 'item.snooze': {
      const until = b.minutes !== undefined ? new Date(now.getTime() + b.minutes * 60_000) : new Date(b.until ?? '');
      return { type: 'snooze', until, reason: b.reason ?? '' };
    }
    // `pool` is the card's choice for "no named physician" (CardAction.choices), as on Slack and Teams.
    case 'item.escalate': return { type: 'escalate', reason: b.reason ?? '', to: b.to === POOL_CHOICE ? undefined : opt(b.to) };
    case 'item.return': return { type: 'return', instructions: b.instructions ?? '' };
    case 'item.resolve': return { type: 'resolve', note: opt(b.note) };
    case 'item.reopen': return { type: 'reopen' };
    case 'item.wake': return { type: 'wake' };
    case 'item.reroute': return { type: 'reroute', queue: b.queue ?? '' };
    case 'item.view': return 'view';
  }
}
