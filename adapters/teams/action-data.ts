import { z } from 'zod';
import type { SeenState } from '../../src/app/act-on-card.ts';
import { POOL_CHOICE, SNOOZE_CHOICES, type CardCommand } from '../../src/domain/card.ts';
import type { Command } from '../../src/domain/commands.ts';
import { ITEM_STATES } from '../../src/domain/work-item.ts';
import { INPUT, MAX_TYPED_TEXT } from './card-inputs.ts';

/** Every verb a Baton card sends; they are the domain command names (STYLE.md "names are the commands"). */
export const VERBS: readonly CardCommand[] = [
  'item.claim', 'item.release', 'item.reassign', 'item.snooze', 'item.escalate',
  'item.return', 'item.resolve', 'item.reopen', 'item.wake', 'item.view',
];

/**
 * The verb of the card's `refresh` action (Universal Actions user-specific views): not a command.
 * Teams sends it as an `adaptiveCard/action` invoke with `trigger: 'automatic'` when a listed
 * user's client shows the card, and shows that user the card Baton answers with.
 */
export const REFRESH_VERB = 'card.refresh';

const typed = z.string().trim().max(MAX_TYPED_TEXT * 2).optional();

/** `Action.Execute` data: what the card put there (item id, version, state, owner) plus the inputs Teams merged in. */
const dataSchema = z.object({
  itemId: z.string().min(1).max(100),
  version: z.coerce.number().int().nonnegative().optional(),
  state: z.enum(ITEM_STATES).optional(),
  ownerId: z.string().max(100).nullable().optional(),
  [INPUT.escalateTo]: z.string().max(100).optional(),
  [INPUT.escalateReason]: typed,
  [INPUT.reassignTo]: z.string().max(100).optional(),
  [INPUT.handTo]: z.string().max(100).optional(),
  [INPUT.snoozeFor]: z.string().max(10).optional(),
  [INPUT.snoozeReason]: typed,
  [INPUT.returnInstructions]: typed,
  [INPUT.resolveNote]: typed,
});
type Data = z.output<typeof dataSchema>;

export type ParsedAction =
  | { kind: 'view'; itemId: string; seenVersion: number | undefined }
  /** `seen`: what the card showed, when it says (cards drawn before it carried state have none). */
  | { kind: 'command'; itemId: string; seenVersion: number | undefined; seen: SeenState | undefined; command: Command }
  /** Not a command Baton can run: a malformed payload or a missing choice. `itemId` when known. */
  | { kind: 'invalid'; itemId: string | undefined; message: string };

const cut = (s: string | undefined) => (s ?? '').slice(0, MAX_TYPED_TEXT);

/**
 * Verb → command, as a table. Required text left empty is passed through as '' on purpose: the
 * domain refuses it with `item.reason_required`, and the use case audits the refusal.
 */
const COMMANDS: Record<Exclude<CardCommand, 'item.view'>, (d: Data, now: Date) => Command | string> = {
  'item.claim': () => ({ type: 'claim' }),
  'item.release': () => ({ type: 'release' }),
  'item.reopen': () => ({ type: 'reopen' }),
  'item.wake': () => ({ type: 'wake' }),
  'item.reassign': (d) => {
    const to = d.handTo || d.reassignTo;
    return to ? { type: 'reassign', to } : 'Choose who should take it.';
  },
  'item.snooze': (d, now) => {
    const minutes = Number(d.snoozeFor);
    if (!SNOOZE_CHOICES.some((c) => c.minutes === minutes)) return 'Choose how long to snooze.';
    return { type: 'snooze', until: new Date(now.getTime() + minutes * 60_000), reason: cut(d.snoozeReason) };
  },
  'item.escalate': (d) => ({
    type: 'escalate',
    reason: cut(d.escalateReason),
    to: d.escalateTo && d.escalateTo !== POOL_CHOICE ? d.escalateTo : undefined,
  }),
  'item.return': (d) => ({ type: 'return', instructions: cut(d.returnInstructions) }),
  'item.resolve': (d) => ({ type: 'resolve', note: d.resolveNote ? cut(d.resolveNote) : undefined }),
};

export function parseAction(verb: string, raw: unknown, now: Date): ParsedAction {
  const itemId = typeof raw === 'object' && raw !== null && typeof (raw as { itemId?: unknown }).itemId === 'string' ? (raw as { itemId: string }).itemId : undefined;
  const parsed = dataSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid', itemId, message: 'This card is missing information; refresh it and try again.' };
  const d = parsed.data;
  if (verb === 'item.view') return { kind: 'view', itemId: d.itemId, seenVersion: d.version };
  const make = COMMANDS[verb as keyof typeof COMMANDS];
  if (!make) return { kind: 'invalid', itemId: d.itemId, message: 'Baton does not know that button; refresh the card.' };
  const command = make(d, now);
  if (typeof command === 'string') return { kind: 'invalid', itemId: d.itemId, message: command };
  const seen = d.state ? { state: d.state, ownerId: d.ownerId ?? null } : undefined;
  return { kind: 'command', itemId: d.itemId, seenVersion: d.version, seen, command };
}
