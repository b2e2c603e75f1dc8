import { cardActions, ownerLabel, STATE_WORDS, type CardAction, type CardCommand, type CardView } from '../domain/card.ts';
import { localTimeLabel } from '../domain/business-time.ts';
import { decide, type Command, type CommandType } from '../domain/commands.ts';
import { fail, type Failure } from '../domain/result.ts';
import type { StaffMember } from '../domain/roster.ts';
import { reassignTargets } from '../domain/targets.ts';
import { itemRef, type ItemState, type WorkItem } from '../domain/work-item.ts';
import { actOnItem, auditDenial, decideContext, type ActRequest } from './act-on-item.ts';
import type { AppContext } from './context.ts';

/**
 * Card clicks from every platform (Slack, Teams, the browser sandbox). A click carries what the
 * card showed when it was clicked — its version, state and owner; these use cases sit in front
 * of `actOnItem` to answer the cases a button press adds:
 * - a stale card (the item's state or owner changed since the card was drawn) is refused with
 *   the current state, and the refusal is audited like any other denial. A card whose version
 *   moved on only by a reminder or a follow-up message still shows the truth: its click is fresh;
 * - a repeated Claim by the person who already owns the item (a double click, a retried
 *   request) is answered as done, with no second transition and no denial in the audit;
 * - a command that needs more input (a modal) is checked before the form is shown, so nobody
 *   types a reason only to be told they may not act.
 */

/** What the card showed when it was clicked. */
export interface SeenState {
  state: ItemState;
  ownerId: string | null;
  /** `CardView.version` of the card clicked; without it the click is judged by state and owner alone. */
  version?: number | undefined;
}

export interface CardActRequest extends ActRequest {
  seen?: SeenState | undefined;
}

export type CardActOutcome = { ok: true; item: WorkItem; unchanged?: true } | Failure;

/**
 * "B-12 is now claimed by Sam Ortiz", "B-12 is now snoozed until Thu 3 Dec, 09:00 CST" (in the
 * organisation's zone) — staff names, item refs and times only, never patient data or reasons.
 */
export function describeState(ctx: AppContext, item: WorkItem): string {
  const owner = ownerLabel(item, ctx.roster);
  const who =
    item.state === 'ESCALATED' ? (owner ? ` (${owner})` : ' (physician pool)')
    : item.state === 'SNOOZED' ? (item.snoozedUntil ? ` until ${localTimeLabel(item.snoozedUntil, ctx.sla.calendar.timezone)}` : '')
    : owner && item.state !== 'OPEN' ? ` by ${owner}`
    : '';
  return `${itemRef(item)} is now ${STATE_WORDS[item.state]}${who}`;
}

/** The card no longer shows the item's state or owner. */
export const isStale = (item: WorkItem, seen: SeenState) => item.state !== seen.state || (item.ownerId ?? null) !== (seen.ownerId ?? null);

export type ClickVerdict = 'fresh' | 'stale' | 'already-yours';

/**
 * What a click means, judged against the item as it is now (the decision table is in
 * test/app/act-on-card.test.ts):
 * - `already-yours`: Claim by the person who already holds the item (a double click, a retry);
 * - `stale`: the card showed another state or owner — the person decided on facts that no
 *   longer hold;
 * - `fresh`: hand it to `actOnItem`, which still checks permission and state.
 * A card still at the item's version is fresh. One whose version moved on is judged by what
 * changed: a bump that left state and owner alone (a reminder, a follow-up message) is fresh.
 * Claim on a card that looked claimable, where the item is now claimed or only its owner
 * changed, is fresh too: `decide` answers "Already claimed by …", the answer people expect
 * when two click at once.
 */
export function judgeClick(item: WorkItem, actorKey: string, command: CommandType | FormCommand, seen: SeenState | undefined): ClickVerdict {
  if (command === 'claim' && item.ownerId === actorKey && (item.state === 'CLAIMED' || item.state === 'ESCALATED')) return 'already-yours';
  if (!seen || seen.version === item.version || !isStale(item, seen)) return 'fresh';
  if (command === 'claim' && (item.state === 'CLAIMED' || item.state === seen.state)) return 'fresh';
  return 'stale';
}

const denied = auditDenial;

const staleFailure = (ctx: AppContext, item: WorkItem) =>
  fail('item.stale', `Nothing was changed: this card was out of date. ${describeState(ctx, item)}.`, item.ownerId ? { ownerId: item.ownerId } : {});

/** A button press on a card. */
export async function actOnCard(ctx: AppContext, req: CardActRequest): Promise<CardActOutcome> {
  const item = await ctx.store.findItem(req.itemId);
  const actor = ctx.roster.member(req.actorKey);
  if (item && actor) {
    const verdict = judgeClick(item, actor.key, req.command.type, req.seen);
    if (verdict === 'already-yours') return { ok: true, item, unchanged: true };
    if (verdict === 'stale') return denied(ctx, req, req.command.type, item, staleFailure(ctx, item));
  }
  return actOnItem(ctx, req, item);
}

export type FormCommand = 'escalate' | 'reassign' | 'snooze' | 'return';

/** Placeholder values that let `decide` judge state and permission before the form is filled in. */
function probe(command: FormCommand, item: WorkItem, actor: StaffMember, ctx: AppContext, now: Date): Command {
  switch (command) {
    case 'escalate': return { type: 'escalate', reason: 'probe' };
    case 'snooze': return { type: 'snooze', reason: 'probe', until: new Date(now.getTime() + 3_600_000) };
    case 'return': return { type: 'return', instructions: 'probe' };
    case 'reassign': return { type: 'reassign', to: reassignTargets(item, ctx.roster)[0]?.key ?? actor.key };
  }
}

/** Failures that are about the placeholder values, not about this person acting on this item now. */
const ABOUT_THE_PROBE: ReadonlySet<string> = new Set(['item.invalid_target', 'item.reason_required']);

/**
 * May this person start `command` on the item (before a form is shown)? Denials are audited.
 * The command itself is checked again, in full, when the form is submitted.
 */
export async function checkCardAction(
  ctx: AppContext,
  req: { itemId: string; actorKey: string; platform: string; command: FormCommand; seen?: SeenState | undefined },
): Promise<{ ok: true; item: WorkItem } | Failure> {
  const item = await ctx.store.findItem(req.itemId);
  if (!item) return denied(ctx, req, req.command, null, fail('item.not_found', 'That item no longer exists.'));
  const actor = ctx.roster.member(req.actorKey);
  if (!actor) return denied(ctx, req, req.command, item, fail('staff.unknown', 'You are not on the Baton roster; ask your practice manager to add you.'));
  if (judgeClick(item, actor.key, req.command, req.seen) === 'stale') return denied(ctx, req, req.command, item, staleFailure(ctx, item));
  const refusal = formRefusal(ctx, item, actor, req.command, ctx.clock.now());
  if (refusal) return denied(ctx, req, req.command, item, refusal);
  return { ok: true, item };
}

/** Why `decide` would refuse this person starting the form command now, judged with placeholder values; null when it would not. */
function formRefusal(ctx: AppContext, item: WorkItem, actor: StaffMember, command: FormCommand, now: Date): Failure | null {
  const d = decide(item, probe(command, item, actor, ctx, now), actor, decideContext(ctx, now));
  return d.ok || ABOUT_THE_PROBE.has(d.code) ? null : d;
}

const PLAIN: Partial<Record<CardCommand, Command>> = {
  'item.claim': { type: 'claim' },
  'item.release': { type: 'release' },
  'item.resolve': { type: 'resolve' },
  'item.reopen': { type: 'reopen' },
  'item.wake': { type: 'wake' },
};
const FORMS: Partial<Record<CardCommand, FormCommand>> = {
  'item.escalate': 'escalate',
  'item.reassign': 'reassign',
  'item.snooze': 'snooze',
  'item.return': 'return',
};

/**
 * The card as one person sees it: only the buttons the domain would let them start on the item
 * now (Teams' per-person views, Slack's App Home, the sandbox page). Asked of `decide` itself,
 * with the form check's placeholder inputs, so the buttons someone sees are the ones their click
 * would accept. Chosen from every action the item's state offers, not from `card.actions`: the
 * queue channel's shared card leaves out what its team cannot do (`forQueueChannel`), which a
 * physician or lead looking at it may. "View message" stays: it is checked, and audited, when
 * clicked. Nothing is audited here: nobody clicked.
 */
export function cardForPerson(ctx: AppContext, item: WorkItem, actor: StaffMember, card: CardView): CardView {
  const now = ctx.clock.now();
  const mayStart = (a: CardAction) => {
    if (a.command === 'item.view') return true;
    const form = FORMS[a.command];
    if (form) return formRefusal(ctx, item, actor, form, now) === null;
    const command = PLAIN[a.command];
    return command !== undefined && decide(item, command, actor, decideContext(ctx, now)).ok;
  };
  // Pickers as the card drew them: it was drawn knowing who is away and who covers (cardForItem).
  const drawn = new Map(card.actions.map((a) => [`${a.command}:${a.label}`, a]));
  return { ...card, actions: cardActions(item, ctx.roster).filter(mayStart).map((a) => drawn.get(`${a.command}:${a.label}`) ?? a) };
}
