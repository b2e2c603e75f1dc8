import { NO_COVERAGE, type Coverage } from './availability.ts';
import { localTimeLabel } from './business-time.ts';
import { onCallPending } from './on-call.ts';
import { itemRef, type ItemState, type WorkItem } from './work-item.ts';
import type { Roster } from './roster.ts';
import { defaultEscalationTarget, reassignTargets } from './targets.ts';
import type { Category, Priority } from './types.ts';

export const CATEGORY_LABELS: Record<Category, string> = {
  'red-flag': 'Urgent clinical (red flag)',
  'rx-refill': 'Prescription refill',
  'rx-question': 'Medication question',
  scheduling: 'Scheduling',
  'test-result': 'Test result question',
  'clinical-question': 'Clinical question',
  referral: 'Referral',
  'forms-letters': 'Forms and letters',
  billing: 'Billing',
  admin: 'Account and admin',
  'ack-fyi': 'Acknowledgement / FYI',
  unclassified: 'Needs triage',
};

export const PRIORITY_LABELS: Record<Priority, string> = { routine: 'Routine', urgent: 'Urgent', asap: 'ASAP', stat: 'STAT' };

export const STATE_LABELS: Record<ItemState, string> = {
  OPEN: 'Unclaimed',
  CLAIMED: 'Claimed',
  ESCALATED: 'With a physician',
  SNOOZED: 'Snoozed',
  RESOLVED: 'Resolved',
};

/** The state in a sentence: "B-12 is now with a physician". */
export const STATE_WORDS: Record<ItemState, string> = {
  OPEN: 'unclaimed',
  CLAIMED: 'claimed',
  ESCALATED: 'with a physician',
  SNOOZED: 'snoozed',
  RESOLVED: 'resolved',
};

/** Snooze lengths every platform offers, in wall-clock minutes; the first `default: true` is preselected. */
export const SNOOZE_CHOICES: ReadonlyArray<{ minutes: number; label: string; default?: true }> = [
  { minutes: 30, label: '30 minutes' },
  { minutes: 60, label: '1 hour', default: true },
  { minutes: 120, label: '2 hours' },
  { minutes: 240, label: '4 hours' },
  { minutes: 1440, label: '1 day' },
  { minutes: 4320, label: '3 days' },
  { minutes: 10080, label: '1 week' },
];

/** The escalation choice meaning "no named physician": the item goes to the physician pool. */
export const POOL_CHOICE = 'pool';

/** One option of a picker on a card: a staff key, `pool`, or snooze minutes. */
export interface CardChoice {
  value: string;
  label: string;
}

/** Action ids are the command names, shared by every platform (STYLE.md "names are the commands"). */
export type CardCommand =
  | 'item.claim' | 'item.release' | 'item.reassign' | 'item.snooze' | 'item.escalate'
  | 'item.return' | 'item.resolve' | 'item.reopen' | 'item.wake' | 'item.view';

export interface CardAction {
  command: CardCommand;
  label: string;
  /**
   * The card's emphasis, decided here for every platform (Slack `style: 'primary'`, Teams
   * `positive`, the sandbox's `primary` class): at most one `primary` action per card, the next
   * step it invites — Claim on unclaimed work, Resolve on owned work. A second filled button
   * beside Claim would invite resolving what nobody has claimed.
   */
  style?: 'primary' | 'danger';
  /** Destructive or hard-to-undo actions ask first. */
  confirm?: string;
  /** What the platform must ask for before sending the command. */
  input?: 'reason' | 'physician-and-reason' | 'staff' | 'physician' | 'snooze' | 'instructions';
  /**
   * The picker's options for `staff`, `physician`, `physician-and-reason` (physicians, then the
   * pool) and `snooze` (minutes); `defaultChoice` is preselected. Every platform offers exactly
   * these, so a Teams choice set and a Slack modal never disagree.
   */
  choices?: CardChoice[];
  defaultChoice?: string;
}

export interface CardView {
  itemId: string;
  ref: string;
  version: number;
  title: string;
  category: Category;
  priority: Priority;
  redFlag: boolean;
  /** "Red flag: chest pain · low oxygen level": the rules' plain names, never message text; null without a red flag. */
  redFlagLine: string | null;
  /** A current symptom in a clerical request: show a "Clinical content" badge. */
  clinicalContent: boolean;
  state: ItemState;
  stateLabel: string;
  /** "Routine", "Urgent", "ASAP", "STAT". */
  priorityLabel: string;
  /** "Claimed: Dana Reyes", "With a physician (physician pool)", "Unclaimed": the card's status field on every platform. */
  statusLine: string;
  /** A pool escalation offered to the physician on call first, until someone claims it or the whole pool gets it; else null. */
  onCall: { key: string; name: string } | null;
  queue: { key: string; name: string };
  owner: { key: string; name: string } | null;
  /**
   * The owner as every renderer names them: "Dr. Marcus Baker", or "Dr. Marcus Baker (covering
   * for Dr. Elena Alvarez)" when they took it for someone away. `statusLine` and the escalation
   * line use it; null without an owner.
   */
  ownerLabel: string | null;
  patientToken: string;
  age: string;
  sla: { label: string; breached: boolean; dueAt: string } | null;
  messageCount: number;
  /**
   * Who escalated, to whom, and why. `reason` is staff free text, which often quotes the patient
   * (DESIGN.md §6): null where this card may not show it (a channel card with
   * `card.messageText: none`); the card then says "reason recorded".
   */
  escalation: { by: string | null; to: string; reason: string | null } | null;
  /**
   * A snoozed item: when it wakes (`until`, ISO; `untilLabel` in the organisation's zone, the
   * zone its business hours count in: "Thu 3 Dec, 09:00 CST") and what it waits on. `reason` is
   * staff free text, shown under the same rule as the escalation reason: null where this card
   * may not show it (the card then says "reason recorded"). Null when not snoozed.
   */
  snooze: { until: string; untilLabel: string; reason: string | null } | null;
  /** Message text only when config allows it on the channel card (DESIGN.md §6); else null. */
  text: string | null;
  link: string | null;
  actions: CardAction[];
  /** Notification / fallback text: never patient data. */
  fallbackText: string;
}

export interface CardOptions {
  roster: Roster;
  now: Date;
  /** The organisation's IANA zone (`organization.timezone`): times the card names are in it. */
  timezone: string;
  messageText: 'none' | 'excerpt' | 'full';
  excerptLength: number;
  /** Latest message text; used only when `messageText` allows. */
  latestText?: string | undefined;
  /** Red-flag rule name → plain name (the rules' `label`); a name without one is shown with spaces. */
  redFlagLabels?: ReadonlyMap<string, string>;
  /**
   * Staff free text (the escalation reason): `show` for the assignee's copy (a physician's DM,
   * the physician pool) or where config shows message text; `summary` — the default — says only
   * that it was recorded.
   */
  staffText?: StaffTextPolicy;
  /** What a snoozed item waits on (the snooze's reason, staff free text); shown only under `staffText: 'show'`. */
  snoozeReason?: string | undefined;
  /** Who is away and who covers now: the escalation picker's default follows a PCP's cover. */
  coverage?: Coverage | undefined;
}

export type StaffTextPolicy = 'show' | 'summary';

/** Staff free text is treated like message text: channel cards show it only when `card.messageText` shows message text. */
export const channelStaffText = (messageText: CardOptions['messageText']): StaffTextPolicy => (messageText === 'none' ? 'summary' : 'show');

/** "Escalated by Dana Reyes, RN to Dr. Elena Alvarez — reason recorded", or with the reason after a colon. */
export function escalationLine(e: NonNullable<CardView['escalation']>): string {
  return `Escalated${e.by ? ` by ${e.by}` : ''} to ${e.to}${e.reason === null ? ' — reason recorded' : `: ${e.reason}`}`;
}

/** "Snoozed until Thu 3 Dec, 09:00 CST (waiting on patient)", or "… — reason recorded" where the reason is withheld. */
export function snoozeLine(s: NonNullable<CardView['snooze']>): string {
  return `Snoozed until ${s.untilLabel}${s.reason === null ? ' — reason recorded' : ` (${s.reason})`}`;
}

/** "Red flag: chest pain · low oxygen level" from rule names; each plain name once. */
export function redFlagLine(names: readonly string[], labels?: ReadonlyMap<string, string>): string | null {
  if (names.length === 0) return null;
  const plain = [...new Set(names.map((n) => labels?.get(n) ?? n.replace(/-/g, ' ')))];
  return `Red flag: ${plain.join(' · ')}`;
}

export function formatDuration(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function slaOf(item: WorkItem, now: Date): CardView['sla'] {
  if (item.state === 'RESOLVED' || item.state === 'SNOOZED') return null;
  const due = item.state === 'OPEN' ? item.claimDueAt : item.resolveDueAt;
  if (!due) return null;
  const what = item.state === 'OPEN' ? 'Claim' : 'Response';
  const left = due.getTime() - now.getTime();
  return left >= 0
    ? { label: `${what} due in ${formatDuration(left)}`, breached: false, dueAt: due.toISOString() }
    : { label: `${what} overdue by ${formatDuration(-left)}`, breached: true, dueAt: due.toISOString() };
}

const RESOLVE_CONFIRM = 'Mark this item resolved? Reply to the patient in the EHR first.';

const A = {
  claim: { command: 'item.claim', label: 'Claim', style: 'primary' },
  release: { command: 'item.release', label: 'Release' },
  reassign: { command: 'item.reassign', label: 'Reassign', input: 'staff' },
  snooze: { command: 'item.snooze', label: 'Snooze', input: 'snooze' },
  escalate: { command: 'item.escalate', label: 'Escalate to physician', input: 'physician-and-reason' },
  hand: { command: 'item.reassign', label: 'Hand to another physician', input: 'physician' },
  back: { command: 'item.return', label: 'Return to team', input: 'instructions' },
  /** Resolve on owned work: the next step. */
  resolve: { command: 'item.resolve', label: 'Resolve', style: 'primary', confirm: RESOLVE_CONFIRM },
  /** Resolve beside Claim (unclaimed work): allowed (a one-line answer), but not the step the card invites. */
  resolveUnclaimed: { command: 'item.resolve', label: 'Resolve', confirm: RESOLVE_CONFIRM },
  reopen: { command: 'item.reopen', label: 'Reopen' },
  /**
   * Ends a snooze early. Not emphasised: the item waits on purpose (a patient, a pharmacy), and a
   * filled button would invite waking it before what it waits on has come.
   */
  wake: { command: 'item.wake', label: 'Wake now' },
  view: { command: 'item.view', label: 'View message' },
} satisfies Record<string, CardAction>;

/** Buttons offered in each state; each click is still checked against the roster. */
export function actionsFor(state: ItemState, ownerId: string | null): CardAction[] {
  switch (state) {
    case 'OPEN': return [A.claim, A.escalate, A.reassign, A.snooze, A.resolveUnclaimed, A.view];
    case 'CLAIMED': return [A.release, A.escalate, A.reassign, A.snooze, A.resolve, A.view];
    case 'ESCALATED': return ownerId ? [A.resolve, A.back, A.hand, A.view] : [A.claim, A.resolveUnclaimed, A.back, A.hand, A.view];
    case 'SNOOZED': return [A.wake, A.view];
    case 'RESOLVED': return [A.reopen, A.view];
  }
}

/**
 * The card as its queue's channel shows it to everyone at once: a Slack channel message is one
 * message for all its readers, and Teams' shared card is what everyone without a per-person view
 * sees. That audience is the queue's team. Escalated work belongs to physicians, who act on it
 * from their DM or the pool post (those copies keep every action), so the team's card of an
 * escalated item offers only View message: the nurse who escalated must not be shown Claim,
 * Return or Hand over, which would only be refused. The lead's and managers' override on an
 * escalation stays where cards are drawn per person (`cardForPerson`): Teams' refreshed view,
 * Slack's App Home, the sandbox. In every other state each action is someone's in the channel
 * (the queue's members, or the owner of claimed work), so the card keeps them all.
 */
export function forQueueChannel(card: CardView): CardView {
  return card.state === 'ESCALATED' ? { ...card, actions: card.actions.filter((a) => a.command === 'item.view') } : card;
}

/**
/**
 * The owner's name, with whom they cover for: "Dr. Marcus Baker (covering for Dr. Elena Alvarez)".
 * Staff names only. Null without an owner.
 */
export function ownerLabel(item: Pick<WorkItem, 'ownerId' | 'coveringFor'>, roster: Roster): string | null {
  if (!item.ownerId) return null;
  const name = (key: string) => roster.member(key)?.name ?? key;
  return item.coveringFor && item.coveringFor !== item.ownerId ? `${name(item.ownerId)} (covering for ${name(item.coveringFor)})` : name(item.ownerId);
}

/**
 * "Claimed: Dana Reyes" — the owner after the state, or where escalated work waits: the physician
 * pool, or "With a physician (on call: Dr. Elena Alvarez)" while it is offered to her first.
 */
export function statusLine(state: ItemState, owner: { name: string } | null, onCall: { name: string } | null = null): string {
  if (owner && state !== 'OPEN') return `${STATE_LABELS[state]}: ${owner.name}`;
  if (state !== 'ESCALATED') return STATE_LABELS[state];
  return onCall ? `${STATE_LABELS[state]} (on call: ${onCall.name})` : `${STATE_LABELS[state]} (physician pool)`;
}

/** Fills in each action's picker from the roster: who it may go to, how long a snooze may be. */
function withChoices(actions: CardAction[], item: WorkItem, roster: Roster, coverage: Coverage): CardAction[] {
  return actions.map((a) => {
    switch (a.input) {
      case 'snooze':
        return { ...a, choices: SNOOZE_CHOICES.map((c) => ({ value: String(c.minutes), label: c.label })), defaultChoice: String(SNOOZE_CHOICES.find((c) => c.default)!.minutes) };
      case 'staff':
      case 'physician':
        return { ...a, choices: reassignTargets(item, roster).map((s) => ({ value: s.key, label: s.name })) };
      case 'physician-and-reason': {
        const physicians = roster.physicians().map((p) => ({ value: p.key, label: p.name }));
        return { ...a, choices: [...physicians, { value: POOL_CHOICE, label: 'Physician pool (first available)' }], defaultChoice: defaultEscalationTarget(item, roster, coverage)?.key ?? POOL_CHOICE };
      }
      default:
        return a;
    }
  });
}

/** Every action the item's state offers, pickers filled in: what a per-person card is chosen from. */
export function cardActions(item: WorkItem, roster: Roster, coverage: Coverage = NO_COVERAGE): CardAction[] {
  return withChoices(actionsFor(item.state, item.ownerId), item, roster, coverage);
}

/** One platform-neutral card that every adapter renders (Block Kit, Adaptive Card, HTML). */
export function buildCard(item: WorkItem, o: CardOptions): CardView {
  const owner = item.ownerId ? { key: item.ownerId, name: o.roster.member(item.ownerId)?.name ?? item.ownerId } : null;
  const label = ownerLabel(item, o.roster);
  const queue = { key: item.queue, name: o.roster.queue(item.queue)?.name ?? item.queue };
  const onCall = onCallPending(item) ? { key: item.onCallId!, name: o.roster.member(item.onCallId!)?.name ?? item.onCallId! } : null;
  const ref = itemRef(item);
  const redFlag = item.redFlags.length > 0;
  let text: string | null = null;
  if (o.latestText && o.messageText !== 'none') {
    text = o.messageText === 'full' || o.latestText.length <= o.excerptLength ? o.latestText : `${o.latestText.slice(0, o.excerptLength)}…`;
  }
  return {
    itemId: item.id,
    ref,
    version: item.version,
    title: CATEGORY_LABELS[item.category],
    category: item.category,
    priority: item.priority,
    redFlag,
    redFlagLine: redFlagLine(item.redFlags, o.redFlagLabels),
    clinicalContent: !redFlag && item.clinicalContent,
    state: item.state,
    stateLabel: STATE_LABELS[item.state],
    priorityLabel: PRIORITY_LABELS[item.priority],
    statusLine: statusLine(item.state, label === null ? null : { name: label }, onCall),
    onCall,
    queue,
    owner,
    ownerLabel: label,
    patientToken: item.patientToken,
    age: formatDuration(o.now.getTime() - item.firstMessageAt.getTime()),
    sla: slaOf(item, o.now),
    messageCount: item.messageCount,
    escalation: item.state === 'ESCALATED' && item.escalationReason
      ? {
          by: item.escalatedBy ? (o.roster.member(item.escalatedBy)?.name ?? item.escalatedBy) : null,
          to: label ?? 'the physician pool',
          reason: o.staffText === 'show' ? item.escalationReason : null,
        }
      : null,
    snooze: item.state === 'SNOOZED' && item.snoozedUntil
      ? {
          until: item.snoozedUntil.toISOString(),
          untilLabel: localTimeLabel(item.snoozedUntil, o.timezone),
          reason: o.staffText === 'show' && o.snoozeReason ? o.snoozeReason : null,
        }
      : null,
    text,
    link: item.link,
    actions: cardActions(item, o.roster, o.coverage),
    fallbackText: `${redFlag ? 'RED FLAG: ' : !redFlag && item.clinicalContent ? 'Clinical content: ' : ''}${CATEGORY_LABELS[item.category]} (${item.priority}) in ${queue.name}, ${ref}: ${STATE_LABELS[item.state].toLowerCase()}`,
  };
}
