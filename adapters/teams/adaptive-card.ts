import { escalationLine, POOL_CHOICE, snoozeLine, type CardAction, type CardChoice, type CardView } from '../../src/domain/card.ts';
import type { Priority } from '../../src/domain/types.ts';
import { INPUT, MAX_TYPED_TEXT } from './card-inputs.ts';
import type { MentionEntity } from './mentions.ts';
import { orgTime } from './org-time.ts';
import { REFRESH_VERB } from './action-data.ts';

type Json = { [key: string]: unknown };
export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string } & Json;

/**
 * Cards stay under 28 KB: the Incoming Webhook / Workflows limit, the smallest Teams applies
 * (bot messages allow more; PLATFORMS.md §8). Budgets below keep every card well inside it.
 */
export const CARD_BYTE_LIMIT = 28 * 1024;
const TEXT_BUDGET = 2000;
const MESSAGES_BUDGET = 12_000;
const MAX_CHOICES = 50;

export interface RenderOptions {
  /** The organisation's IANA zone (`organization.timezone`): every time on the card is shown in it. */
  timeZone: string;
  /**
   * Teams user ids (`29:…`) whose clients fetch their own view of this card (Universal Actions
   * `refresh.userIds`, at most 60); everyone else, and clients without refresh, see this card.
   */
  refreshFor?: readonly string[] | undefined;
  /** A line above the card, e.g. "Escalated to you: …" in a physician's direct message. */
  intro?: string | undefined;
  /** A note for the person who clicked only (a denial, a conflict, a privacy reminder). */
  notice?: { tone: 'attention' | 'warning' | 'accent'; text: string } | undefined;
  /** The patient's messages, only in the private "View message" response. */
  messages?: ReadonlyArray<{ subject: string | null; body: string | null; sentAt: Date; highlights?: ReadonlyArray<{ field: string; start: number; end: number }> }> | undefined;
  /** The team's notes (reasons, instructions), with the messages in the private "View message" response. */
  notes?: ReadonlyArray<{ at: Date; by: string; what: string; text: string }> | undefined;
  /**
   * Who this post pages (a new red flag): a line of `<at>…</at>` mentions at the top of the card,
   * with their entities in `msteams.entities`, which is how an Adaptive Card notifies in Teams.
   */
  mention?: { line: string; entities: MentionEntity[] } | undefined;
  /** "Dana Reyes, RN (escalated): …" lines: the team's notes on the assignee's copy (a physician's DM, the pool). */
  teamNotes?: readonly string[] | undefined;
}

/** A copy outside the queue channel (a DM, the pool) of a resolved item is a record: no buttons left to press. */
export const asCopy = (card: CardView): CardView => (card.state === 'RESOLVED' ? { ...card, actions: [] } : card);

const PRIORITY_COLOR: Record<Priority, string> = { stat: 'Attention', asap: 'Attention', urgent: 'Warning', routine: 'Default' };

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/**
 * Typed or patient-written text goes in a RichTextBlock: TextRun text is shown literally, so a
 * patient's "[click here](…)" never becomes a link and `**` never changes the layout.
 */
const literal = (text: string, opts: Json = {}): Json => ({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...opts }] });

/**
 * Renders the platform-neutral card as an Adaptive Card 1.5 with Universal Actions: each
 * button is an `Action.Execute` whose verb is the command name (`item.claim`, …) and whose data
 * carries the item id and the version the card was drawn at, with an `Action.Submit` fallback
 * for clients without Universal Actions. Buttons that need input open an `Action.ShowCard` form.
 */
export function renderCard(card: CardView, o: RenderOptions): AdaptiveCardJson {
  const full = build(card, o, { text: TEXT_BUDGET, messages: MESSAGES_BUDGET, choices: MAX_CHOICES });
  if (cardBytes(full) <= CARD_BYTE_LIMIT) return full;
  // Only a pathological roster or message thread gets here; trade detail for a card that sends.
  return build(card, o, { text: 300, messages: 3000, choices: 15 });
}

export const cardBytes = (card: AdaptiveCardJson) => Buffer.byteLength(JSON.stringify(card), 'utf8');

interface Budget { text: number; messages: number; choices: number }

function build(card: CardView, o: RenderOptions, b: Budget): AdaptiveCardJson {
  const body: Json[] = [];
  if (o.notice) {
    body.push({ type: 'Container', style: o.notice.tone === 'accent' ? 'accent' : o.notice.tone, items: [literal(o.notice.text, { weight: 'Bolder' })] });
  }
  if (o.mention?.line) body.push({ type: 'TextBlock', text: `${o.mention.line}: please look at this now.`, weight: 'Bolder', wrap: true });
  body.push(header(card));
  if (card.redFlag) {
    body.push(literal(`${card.redFlagLine ?? 'Red flag'}: a clinician reviews this within minutes.`, { color: 'Attention', weight: 'Bolder' }));
  } else if (card.clinicalContent) {
    body.push(literal('Clinical content: a symptom is mentioned in this request; a clinician should look.', { color: 'Warning', weight: 'Bolder' }));
  }
  if (o.intro) body.push(literal(clip(o.intro, MAX_TYPED_TEXT + 100), { weight: 'Bolder' }));
  body.push({ type: 'FactSet', facts: facts(card, o) });
  // The reason only where this card may show it (the assignee's copy, or config shows text); else "reason recorded".
  if (card.escalation) body.push(literal(escalationLine({ ...card.escalation, reason: card.escalation.reason === null ? null : clip(card.escalation.reason, MAX_TYPED_TEXT) })));
  // "Snoozed until Thu 3 Dec, 09:00 CST (waiting on patient)": the card's own line, in the organisation's zone; the reason under the same rule.
  if (card.snooze) body.push(literal(snoozeLine({ ...card.snooze, reason: card.snooze.reason === null ? null : clip(card.snooze.reason, MAX_TYPED_TEXT) })));
  if (card.text) body.push({ type: 'Container', separator: true, items: [literal(clip(card.text, b.text))] });
  if (o.messages) body.push(privateMessages(o.messages, b.messages, o.timeZone));
  if (o.notes?.length) body.push(privateNotes(o.notes, o.timeZone));
  else if (o.teamNotes?.length) body.push(copyNotes(o.teamNotes));
  // Reading actions sit with the facts, in their own ActionSet: the card's own action row keeps
  // the workflow buttons, at most five (the Adaptive Cards host default, which Teams also uses).
  const reading: Json[] = card.actions.filter((a) => a.command === 'item.view').map((a) => execute(a.command, a.label, card));
  if (card.link && /^https:\/\/[^\s]+$/i.test(card.link)) reading.push({ type: 'Action.OpenUrl', title: 'Open in the EHR', url: card.link });
  if (reading.length) body.push({ type: 'ActionSet', actions: reading });
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: card.fallbackText,
    msteams: { width: 'Full', ...(o.mention?.entities.length ? { entities: o.mention.entities } : {}) },
    // Teams sends the refresh action as an `adaptiveCard/action` invoke (trigger "automatic") for
    // each listed user whose client shows the card, and shows them the card Baton answers with.
    ...(o.refreshFor?.length ? { refresh: { action: { type: 'Action.Execute', title: 'Refresh', verb: REFRESH_VERB, data: executeData(card) }, userIds: [...o.refreshFor] } } : {}),
    body,
    actions: card.actions.filter((a) => a.command !== 'item.view').flatMap((a) => action(card, a, b.choices)),
  };
}

function header(card: CardView): Json {
  return {
    type: 'Container',
    style: card.redFlag ? 'attention' : card.sla?.breached ? 'warning' : 'emphasis',
    bleed: true,
    items: [
      {
        type: 'ColumnSet',
        columns: [
          {
            type: 'Column',
            width: 'stretch',
            items: [
              { type: 'TextBlock', text: card.title, weight: 'Bolder', size: 'Medium', wrap: true },
              { type: 'TextBlock', text: `${card.ref} · ${card.queue.name}`, isSubtle: true, spacing: 'None', wrap: true },
            ],
          },
          { type: 'Column', width: 'auto', verticalContentAlignment: 'Center', items: [{ type: 'TextBlock', text: card.priorityLabel, weight: 'Bolder', color: PRIORITY_COLOR[card.priority] }] },
        ],
      },
    ],
  };
}

function facts(card: CardView, o: RenderOptions): Json[] {
  const f = [{ title: 'Status', value: card.statusLine }];
  if (card.patientToken) f.push({ title: 'Patient', value: card.patientToken });
  f.push({ title: 'Waiting', value: card.age });
  if (card.sla) {
    const due = `${card.sla.label} (${card.sla.breached ? 'was due' : 'due'} ${orgTime(card.sla.dueAt, o.timeZone)})`;
    f.push({ title: 'Target', value: card.sla.breached ? `${due} ⚠` : due });
  }
  if (card.messageCount > 1) f.push({ title: 'Messages', value: String(card.messageCount) });
  return f;
}

/** Patient text with the words triage read as findings in bold (TextRun, so shown literally). */
function highlighted(text: string, marks: readonly { field: string; start: number; end: number }[]): Json {
  const inlines: Json[] = [];
  let at = 0;
  for (const m of marks.filter((x) => x.field === 'body' && x.end <= text.length)) {
    if (m.start > at) inlines.push({ type: 'TextRun', text: text.slice(at, m.start) });
    inlines.push({ type: 'TextRun', text: text.slice(m.start, m.end), weight: 'Bolder', highlight: true });
    at = m.end;
  }
  if (at < text.length) inlines.push({ type: 'TextRun', text: text.slice(at) });
  return { type: 'RichTextBlock', inlines };
}

function privateMessages(messages: NonNullable<RenderOptions['messages']>, budget: number, zone: string): Json {
  const items: Json[] = [{ type: 'TextBlock', text: 'Only you can see this. Viewing it is recorded in the audit trail.', isSubtle: true, wrap: true }];
  let left = budget;
  // Newest first: the latest message is the one being worked.
  const newestFirst = [...messages].reverse();
  let shown = 0;
  for (const m of newestFirst) {
    if (left <= 0) break;
    const body = m.body ?? '(The text was removed under the retention policy.)';
    items.push({ type: 'TextBlock', text: orgTime(m.sentAt, zone), isSubtle: true, separator: shown > 0, wrap: true });
    if (m.subject) items.push(literal(clip(m.subject, 200), { weight: 'Bolder' }));
    items.push(m.body === null ? literal(body) : highlighted(clip(body, Math.max(left, 200)), m.highlights ?? []));
    left -= body.length + (m.subject?.length ?? 0);
    shown++;
  }
  if (shown < messages.length) {
    items.push({ type: 'TextBlock', text: `${messages.length - shown} earlier message(s) are in the EHR.`, isSubtle: true, wrap: true });
  }
  return { type: 'Container', style: 'emphasis', separator: true, items };
}

/** The last few team notes, oldest first, each bounded like the text that was typed. */
function privateNotes(notes: NonNullable<RenderOptions['notes']>, zone: string): Json {
  const items: Json[] = [{ type: 'TextBlock', text: 'Team notes', weight: 'Bolder', wrap: true }];
  for (const n of notes.slice(-5)) {
    items.push({ type: 'TextBlock', text: `${orgTime(n.at, zone)} · ${clip(n.by, 100)} ${n.what}`, isSubtle: true, wrap: true });
    items.push(literal(clip(n.text, MAX_TYPED_TEXT)));
  }
  return { type: 'Container', style: 'emphasis', separator: true, items };
}

/** The team's notes on the assignee's copy, as Slack's copy shows them: the newest few, each bounded like the text that was typed. */
function copyNotes(lines: readonly string[]): Json {
  const items: Json[] = [{ type: 'TextBlock', text: 'Team notes', weight: 'Bolder', wrap: true }];
  for (const l of lines.slice(-5)) items.push(literal(clip(l, MAX_TYPED_TEXT + 100)));
  return { type: 'Container', style: 'emphasis', separator: true, items };
}

/**
 * What the card showed when it was drawn — version, state and owner — sent back with every click
 * so the click is judged against it (a stale card, a repeated Claim by the owner: `actOnCard`).
 */
const executeData = (card: CardView) => ({ itemId: card.itemId, version: card.version, state: card.state, ownerId: card.owner?.key ?? null });

/** The card's emphasis as Adaptive Card action styles. */
const teamsStyle = (style: CardAction['style']) => (style === 'primary' ? 'positive' : style === 'danger' ? 'destructive' : undefined);

/** An `Action.Execute` with the `Action.Submit` fallback Teams recommends for older clients. */
function execute(verb: string, title: string, card: CardView, style?: CardAction['style']): Json {
  const s = teamsStyle(style);
  return {
    type: 'Action.Execute',
    title,
    verb,
    data: executeData(card),
    ...(s ? { style: s } : {}),
    fallback: { type: 'Action.Submit', title, data: { verb, ...executeData(card) } },
  };
}

/** A button that opens a form; it carries the card's emphasis like a plain button (`positive` for the card's primary action). */
const form = (title: string, body: Json[], submit: Json, style?: CardAction['style']): Json => ({
  type: 'Action.ShowCard',
  title,
  ...(teamsStyle(style) ? { style: teamsStyle(style) } : {}),
  card: { type: 'AdaptiveCard', body, actions: [submit] },
});

const text = (id: string, label: string, required: boolean, placeholder: string): Json => ({
  type: 'Input.Text',
  id,
  label,
  placeholder,
  isMultiline: true,
  maxLength: MAX_TYPED_TEXT,
  ...(required ? { isRequired: true, errorMessage: `${label} is required.` } : {}),
});

const choice = (id: string, label: string, choices: Json[], value?: string): Json => ({
  type: 'Input.ChoiceSet',
  id,
  label,
  style: 'compact',
  isRequired: true,
  errorMessage: `Choose ${label.toLowerCase()}.`,
  choices,
  ...(value ? { value } : {}),
});

/** A picker's options as the card offers them (`actions[].choices`), within the card's budget; the pool is never cut off. */
function options(choices: readonly CardChoice[] | undefined, max: number): Json[] {
  const all = choices ?? [];
  const kept = all.length <= max ? all : [...all.filter((c) => c.value !== POOL_CHOICE).slice(0, max - 1), ...all.filter((c) => c.value === POOL_CHOICE)];
  return kept.map((c) => ({ title: c.label, value: c.value }));
}

function action(card: CardView, a: CardAction, maxChoices: number): Json[] {
  const picked = options(a.choices, maxChoices);
  switch (a.input) {
    case undefined:
      if (!a.confirm) return [execute(a.command, a.label, card, a.style)];
      return [form(a.label, [
        { type: 'TextBlock', text: a.confirm, wrap: true },
        text(INPUT.resolveNote, 'Note (optional)', false, 'What was done'),
      ], execute(a.command, a.label, card, a.style), a.style)];
    case 'physician-and-reason':
      return [form(a.label, [
        choice(INPUT.escalateTo, 'Physician', picked, a.defaultChoice),
        text(INPUT.escalateReason, 'Reason for the physician', true, 'What the physician needs to decide'),
      ], execute(a.command, 'Escalate', card))];
    case 'physician':
      if (!picked.length) return [];
      return [form(a.label, [choice(INPUT.handTo, 'Physician', picked)], execute(a.command, 'Hand over', card))];
    case 'staff':
      if (!picked.length) return [];
      return [form(a.label, [choice(INPUT.reassignTo, 'Team member', picked)], execute(a.command, 'Reassign', card))];
    case 'snooze':
      return [form(a.label, [
        choice(INPUT.snoozeFor, 'How long', picked, a.defaultChoice),
        text(INPUT.snoozeReason, 'Waiting on', true, 'e.g. pharmacy callback, patient photo'),
      ], execute(a.command, 'Snooze', card))];
    case 'instructions':
      return [form(a.label, [text(INPUT.returnInstructions, 'Instructions for the team', true, 'What the team should do next')], execute(a.command, 'Return to team', card))];
    case 'reason':
      return [form(a.label, [text(INPUT.escalateReason, 'Reason', true, '')], execute(a.command, a.label, card))];
  }
}

/**
 * A notice that pages people (a reminder, a STAT repeat): one line starting with its mentions,
 * whose entities Teams reads from `msteams.entities` (see mentions.ts for why not the activity's).
 * The line is staff names, the item's ref and how late it is: never patient data.
 */
export function mentionNoticeCard(text: string, mention: { line: string; entities: MentionEntity[] }): AdaptiveCardJson {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: text,
    msteams: { entities: mention.entities },
    body: [{ type: 'TextBlock', text: `${mention.line}: ${text}`, wrap: true }],
  };
}

/** A small card for answers with no item to show (the item no longer exists, an error reference). */
export function noticeCard(text: string, tone: 'attention' | 'warning' = 'warning'): AdaptiveCardJson {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: text,
    body: [{ type: 'Container', style: tone, items: [{ type: 'TextBlock', text, wrap: true, weight: 'Bolder' }] }],
  };
}
