import type { types as S } from '@slack/bolt';
import { z } from 'zod';
import { snoozeLine, type CardAction, type CardView } from '../../src/domain/card.ts';
import type { StaffMember } from '../../src/domain/roster.ts';
import type { ItemState } from '../../src/domain/work-item.ts';
import { LIMITS, mrkdwn, mrkdwnChunks, plain, safeUrl } from './limits.ts';

/**
 * Block Kit rendering of the platform-neutral card (src/domain/card.ts). Every surface keeps
 * Slack's limits (limits.ts) whatever the input, and every notification `text` is the card's
 * PHI-free fallback: Slack shows `text` in push notifications and on lock screens.
 */

export type Block = S.KnownBlock;
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const ITEM_STATES = ['OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED', 'RESOLVED'] as const satisfies readonly ItemState[];

/** What a button carries: the item, its version, and the state and owner the card showed (for stale-card checks). No patient data. */
export const buttonValueSchema = z.object({
  i: z.string().min(1).max(200),
  v: z.number().int().nonnegative(),
  s: z.enum(ITEM_STATES),
  o: z.string().max(200).nullable(),
});
export type ButtonValue = z.infer<typeof buttonValueSchema>;

export function buttonValue(card: Pick<CardView, 'itemId' | 'version' | 'state' | 'owner'>): string {
  const v: ButtonValue = { i: card.itemId, v: card.version, s: card.state, o: card.owner?.key ?? null };
  return JSON.stringify(v);
}

export function parseButtonValue(raw: string | undefined): ButtonValue | null {
  if (!raw || raw.length > LIMITS.value) return null;
  try {
    const r = buttonValueSchema.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

const blockId = (card: CardView, part: string) => plain(`b:${card.itemId}:v${card.version}:${part}`, LIMITS.blockId);

/**
 * What a screen reader says for a button: the action and the item ref ("Claim B-12"), within
 * Slack's 75 characters (`accessibility_label`, @slack/types block-elements.d.ts). Never patient data.
 */
export const accessibilityLabel = (card: Pick<CardView, 'ref'>, a: Pick<CardAction, 'label'>) => plain(`${a.label} ${card.ref}`, LIMITS.accessibilityLabel);

function button(card: CardView, a: CardAction): S.Button {
  const b: S.Button = {
    type: 'button',
    action_id: a.command.slice(0, LIMITS.actionId),
    text: { type: 'plain_text', text: plain(a.label, LIMITS.buttonText), emoji: true },
    value: buttonValue(card),
    accessibility_label: accessibilityLabel(card, a),
  };
  if (a.style) b.style = a.style;
  if (a.confirm) {
    b.confirm = {
      title: { type: 'plain_text', text: plain(`${a.label}?`, LIMITS.confirmTitle) },
      text: { type: 'plain_text', text: plain(a.confirm, LIMITS.confirmText) },
      confirm: { type: 'plain_text', text: plain(a.label, LIMITS.confirmButton) },
      deny: { type: 'plain_text', text: 'Cancel' },
      ...(a.style ? { style: a.style } : {}),
    };
  }
  return b;
}

/** One button per command (action ids must be unique in a block), at most 25. `id`: the block id (the App Home shows an item in more than one section). */
export function actionsBlock(card: CardView, id = blockId(card, 'actions')): S.ActionsBlock | null {
  const seen = new Set<string>();
  const buttons = card.actions.filter((a) => (seen.has(a.command) ? false : (seen.add(a.command), true))).slice(0, LIMITS.actionsElements).map((a) => button(card, a));
  return buttons.length ? { type: 'actions', block_id: plain(id, LIMITS.blockId), elements: buttons } : null;
}

/** "⚠️ Claim overdue by 2h · due <date>": the countdown, and the due time in each reader's own zone. Mrkdwn. */
export function slaText(sla: NonNullable<CardView['sla']>): string {
  const due = new Date(sla.dueAt);
  const when = Number.isNaN(due.getTime()) ? '' : ` · due ${slackDate(due)}`;
  return `${sla.breached ? '⚠️ ' : ''}${mrkdwn(sla.label, 200)}${when}`;
}

function field(label: string, value: string): S.MrkdwnElement {
  return { type: 'mrkdwn', text: `*${label}*\n${mrkdwn(value, LIMITS.fieldText - label.length - 3)}` };
}

/** A field whose value is already mrkdwn (escaped, with Baton's own date tokens). */
const mrkdwnField = (label: string, value: string): S.MrkdwnElement => ({ type: 'mrkdwn', text: `*${label}*\n${value}` });

export interface CardRenderOptions {
  /** A line above the card: "Escalated to you: …", a reminder. Message content (not notification text). */
  intro?: string | undefined;
  /** The team's notes on the item (physician DMs). */
  notes?: string[] | undefined;
  /** Prefix for the notification text, e.g. "Escalated to you". Must not carry patient data. */
  notice?: string | undefined;
  /** Who the post pages (`mentionMarkup`): the first block and the start of the notification text. */
  mention?: string | undefined;
  /** Without buttons: a resolved item's DM and pool copies (the channel card keeps Reopen / View). */
  buttons?: boolean | undefined;
}

const SLACK_USER = /^[UW][A-Z0-9]+$/;
const SLACK_GROUP = /^S[A-Z0-9]+$/;

/**
 * Who a notice pages, as Slack mention markup: the queue's user group (`<!subteam^S…>`, which
 * notifies its members), then each person given, once (`mentionedStaff` chooses them). A person
 * with a Slack id is `<@U…>` (Slack notifies them); one without is named in plain, escaped text.
 * Staff only: nothing here comes from a patient.
 */
export function mentionMarkup(group: string | undefined, staff: readonly StaffMember[]): string {
  const parts: string[] = group && SLACK_GROUP.test(group) ? [`<!subteam^${group}>`] : [];
  const seen = new Set<string>();
  for (const s of staff) {
    if (seen.has(s.key)) continue;
    seen.add(s.key);
    parts.push(s.slackUserId && SLACK_USER.test(s.slackUserId) ? `<@${s.slackUserId}>` : mrkdwn(s.name, 100));
  }
  return parts.join(' ');
}

/** The card as a Block Kit message: at most 50 blocks, every field within its limit. */
export function cardMessage(card: CardView, opts: CardRenderOptions = {}): SlackMessage {
  const head: Block[] = [];
  // Slack notifies the mentioned people and groups from the message: mobile notifications are the
  // top-level `text`, desktop ones read the blocks first (docs.slack.dev changelog 2026-07-13
  // "Desktop notifications now pull text from blocks first"), so the mention is in both.
  const page = opts.mention ? `${opts.mention} ${mrkdwn(card.fallbackText, LIMITS.sectionText - 200)}` : null;
  if (page) head.push({ type: 'section', block_id: blockId(card, 'page'), text: { type: 'mrkdwn', text: plain(page, LIMITS.sectionText) } });
  if (opts.intro) head.push({ type: 'section', block_id: blockId(card, 'intro'), text: { type: 'mrkdwn', text: mrkdwn(opts.intro, LIMITS.sectionText) } });
  head.push({ type: 'header', block_id: blockId(card, 'title'), text: { type: 'plain_text', text: plain(`${card.redFlag ? '🚩 ' : ''}${card.title} · ${card.ref}`, LIMITS.headerText), emoji: true } });
  const fields = [
    field('Priority', `${card.priorityLabel}${card.redFlag ? ' · red flag' : ''}`),
    field('Status', card.statusLine),
    field('Queue', card.queue.name),
    ...(card.patientToken ? [field('Patient', card.patientToken)] : []),
    field('Age', `${card.age}${card.messageCount > 1 ? ` · ${card.messageCount} messages` : ''}`),
    card.sla ? mrkdwnField('Response time', slaText(card.sla)) : field('Response time', '—'),
  ].slice(0, LIMITS.fields);
  head.push({ type: 'section', block_id: blockId(card, 'facts'), fields });
  if (card.redFlagLine || card.clinicalContent) {
    const flag = card.redFlagLine ? `🚩 *${mrkdwn(card.redFlagLine, 300)}*` : '🩺 *Clinical content*: a symptom is mentioned in this request; a clinician should look.';
    head.push({ type: 'context', block_id: blockId(card, 'flag'), elements: [{ type: 'mrkdwn', text: flag }] });
  }
  if (card.escalation) {
    const e = card.escalation;
    const who = mrkdwn(`Escalated${e.by ? ` by ${e.by}` : ''} to ${e.to}`, 400);
    // The reason is on this card only where it may be (the assignee's copy, or config shows text); else "reason recorded".
    const text = e.reason === null ? `*${who}* — reason recorded` : `*${who}:* ${mrkdwn(e.reason, LIMITS.sectionText - 430)}`;
    head.push({ type: 'section', block_id: blockId(card, 'escalation'), text: { type: 'mrkdwn', text } });
  }
  if (card.snooze) {
    // The card's own line, in the organisation's zone like every platform's; the reason only where this card may show it.
    head.push({ type: 'section', block_id: blockId(card, 'snooze'), text: { type: 'mrkdwn', text: `⏰ ${mrkdwn(snoozeLine(card.snooze), LIMITS.sectionText - 10)}` } });
  }
  if (opts.notes?.length) {
    const lines = opts.notes.map((n) => `• ${mrkdwn(n, 400)}`).join('\n');
    head.push({ type: 'section', block_id: blockId(card, 'notes'), text: { type: 'mrkdwn', text: plain(`*Team notes*\n${lines}`, LIMITS.sectionText) } });
  }

  const tail: Block[] = [];
  const url = safeUrl(card.link);
  tail.push({
    type: 'context',
    block_id: blockId(card, 'context'),
    elements: [{ type: 'mrkdwn', text: mrkdwn(`Baton ${card.ref}`, 200) }, ...(url ? [{ type: 'mrkdwn' as const, text: `<${url}|Open in the EHR>` }] : [])],
  });
  const actions = opts.buttons === false ? null : actionsBlock(card);
  if (actions) tail.push(actions);

  // Message text (only when the clinic's config puts it on cards) fills the room that is left.
  const body: Block[] = [];
  if (card.text) {
    const room = LIMITS.messageBlocks - head.length - tail.length;
    const parts = mrkdwnChunks(card.text, LIMITS.sectionText);
    const shown = parts.slice(0, room);
    if (parts.length > room && shown.length) shown[shown.length - 1] = plain(shown[shown.length - 1]!, LIMITS.sectionText - 40) + '\n_(cut: use View message)_';
    shown.forEach((t, n) => body.push({ type: 'section', block_id: blockId(card, `text${n}`), text: { type: 'mrkdwn', text: t } }));
  }
  // `text` is mrkdwn too (the notification and the fallback): escaped like every other field; the mention markup is Baton's own.
  const text = page ? plain(`${opts.mention} ${mrkdwn(card.fallbackText, LIMITS.sectionText - 200)}`, LIMITS.sectionText) : mrkdwn(opts.notice ? `${opts.notice}: ${card.fallbackText}` : card.fallbackText, LIMITS.sectionText);
  return { text, blocks: [...head, ...body, ...tail] };
}

/**
 * A line in the card's thread. A plain line (an audit-style "Claimed by …") keeps a generic
 * notification text. A notice that reaches people (a broadcast reminder, a mention) starts with
 * the mention and is itself the notification line: the app passes only PHI-free staff and item
 * lines as notices ("Reminder for Nursing: B-12 (stat): unclaimed, 20m past target").
 */
export function threadNoteMessage(note: string, notice: { mention?: string | undefined; broadcast?: boolean | undefined } = {}): SlackMessage {
  const line = mrkdwn(note, LIMITS.sectionText - 1_000);
  const reaches = Boolean(notice.mention) || notice.broadcast === true;
  const shown = notice.mention ? plain(`${notice.mention} ${line}`, LIMITS.sectionText) : line;
  return {
    text: reaches ? shown : 'Baton: update on this item',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: shown } }],
  };
}

/** A private answer (ephemeral): plain words, escaped. */
export function answer(text: string): SlackMessage {
  const t = mrkdwn(text, LIMITS.sectionText);
  return { text: t, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: t } }] };
}

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);
/**
 * A date each reader sees in their own timezone: Slack's `<!date^epoch^format|fallback>` token
 * ("Date formatting" in Slack's mrkdwn reference). The fallback, shown where the token is not
 * rendered (some notifications, old clients), is plain UTC: "2026-03-02 14:30 UTC".
 */
export const slackDate = (d: Date) => `<!date^${epoch(d)}^{date_short_pretty} {time}|${d.toISOString().slice(0, 16).replace('T', ' ')} UTC>`;

/** The patient's words for one person who asked (ephemeral, audited by the use case). Newest messages first when they do not all fit. */
/** Words triage read as a finding: shown in bold in the private message view. */
type ViewHighlight = { field: 'subject' | 'body'; start: number; end: number };

export function messageTextAnswer(
  ref: string,
  messages: Array<{ subject: string | null; body: string | null; sentAt: Date; highlights?: ViewHighlight[] }>,
  notes: ReadonlyArray<{ at: Date; by: string; what: string; text: string }> = [],
): SlackMessage {
  const blocks: Block[] = [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn(`Patient message for ${ref}, shown only to you. This view is recorded in the audit trail.`, LIMITS.sectionText) } }];
  // The team's notes (reasons, instructions): staff free text the channel card only says was recorded. The last few, one block.
  const noteBlock: Block[] = notes.length
    ? [{ type: 'section', text: { type: 'mrkdwn', text: plain(`*Team notes*\n${notes.slice(-5).map((n) => `• ${slackDate(n.at)} ${mrkdwn(n.by, 100)} (${mrkdwn(n.what, 60)}): ${mrkdwn(n.text, 600)}`).join('\n')}`, LIMITS.sectionText) } }]
    : [];
  const per: Block[][] = [];
  for (const m of [...messages].reverse()) {
    const group: Block[] = [{ type: 'context', elements: [{ type: 'mrkdwn', text: `${slackDate(m.sentAt)}${m.subject ? ` · ${mrkdwn(m.subject, 500)}` : ''}` }] }];
    if (m.body === null) group.push({ type: 'section', text: { type: 'mrkdwn', text: '_The text of this message was removed under the retention policy._' } });
    else for (const c of mrkdwnChunks(m.body, LIMITS.sectionText, (m.highlights ?? []).filter((x) => x.field === 'body'))) group.push({ type: 'section', text: { type: 'mrkdwn', text: c } });
    per.push(group);
  }
  let room = LIMITS.messageBlocks - blocks.length - 1 - noteBlock.length;
  const kept: Block[][] = [];
  for (const g of per) {
    if (g.length > room) break;
    kept.push(g);
    room -= g.length;
  }
  for (const g of kept.reverse()) blocks.push(...g);
  if (kept.length < per.length) blocks.splice(1, 0, { type: 'context', elements: [{ type: 'mrkdwn', text: `${per.length - kept.length} earlier message(s) are not shown here; open the thread in the EHR.` }] });
  if (!messages.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '_No message text is stored for this item._' } });
  blocks.push(...noteBlock);
  return { text: mrkdwn(`Patient message for ${ref} (only you can see this)`, 300), blocks: blocks.slice(0, LIMITS.messageBlocks) };
}
