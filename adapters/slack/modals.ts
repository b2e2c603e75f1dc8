import type { types as S } from '@slack/bolt';
import { z } from 'zod';
import { POOL_CHOICE, SNOOZE_CHOICES, type CardAction, type CardCommand, type CardView } from '../../src/domain/card.ts';
import type { Command } from '../../src/domain/commands.ts';
import type { ItemState } from '../../src/domain/work-item.ts';
import { LIMITS, mrkdwn, plain } from './limits.ts';

/**
 * Modals for the commands that need input: escalate (reason + physician), reassign (a picker of
 * eligible staff), snooze (duration + reason), return to the team (instructions). Modal titles,
 * options and metadata carry item refs, categories and staff names only — no patient data (Slack's
 * HIPAA terms allow PHI in message content only, ../shared/PLATFORMS.md §5).
 */

export type FormCommand = 'item.escalate' | 'item.reassign' | 'item.snooze' | 'item.return';
export const FORM_COMMANDS: readonly FormCommand[] = ['item.escalate', 'item.reassign', 'item.snooze', 'item.return'];

const ITEM_STATES = ['OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED', 'RESOLVED'] as const satisfies readonly ItemState[];

/** `private_metadata`: the item, what the card showed, and where the click came from (to answer there). */
export const modalMetaSchema = z.object({
  i: z.string().min(1).max(200),
  v: z.number().int().nonnegative(),
  s: z.enum(ITEM_STATES),
  o: z.string().max(200).nullable(),
  c: z.string().max(50).nullable(),
  t: z.string().max(50).nullable(),
});
export type ModalMeta = z.infer<typeof modalMetaSchema>;

export function parseMeta(raw: string | undefined): ModalMeta | null {
  if (!raw) return null;
  try {
    const r = modalMetaSchema.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** The picker a card offers for a command (src/domain/card.ts `actions[].choices`): every platform offers exactly these. */
export function cardPicker(card: CardView, command: CardCommand): Pick<CardAction, 'choices' | 'defaultChoice'> {
  const a = card.actions.find((x) => x.command === command && x.choices);
  return { choices: a?.choices ?? [], defaultChoice: a?.defaultChoice };
}

const text = (t: string, max: number): S.PlainTextElement => ({ type: 'plain_text', text: plain(t, max), emoji: true });
const option = (label: string, value: string): S.PlainTextOption => ({ text: text(label, LIMITS.optionText), value: value.slice(0, LIMITS.optionValue) });

function base(command: FormCommand, title: string, submit: string, meta: ModalMeta, card: CardView, blocks: S.KnownBlock[]): S.ModalView {
  const about: S.KnownBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(`${card.ref} · ${card.title} · ${card.queue.name}`, 300) }] };
  return {
    type: 'modal',
    callback_id: command,
    private_metadata: JSON.stringify(meta),
    title: text(title, LIMITS.viewTitle),
    submit: text(submit, LIMITS.viewButton),
    close: text('Cancel', LIMITS.viewButton),
    blocks: [about, ...blocks].slice(0, LIMITS.viewBlocks),
  };
}

function reasonInput(blockId: string, label: string, hint: string, placeholder: string): S.InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: text(label, LIMITS.inputLabel),
    hint: text(hint, LIMITS.inputLabel),
    element: { type: 'plain_text_input', action_id: 'value', multiline: true, min_length: 1, max_length: 1000, placeholder: text(placeholder, LIMITS.placeholder) },
  };
}

function select(blockId: string, label: string, options: S.PlainTextOption[], initial: S.PlainTextOption | undefined): S.InputBlock {
  const shown = options.slice(0, LIMITS.selectOptions);
  const init = initial && shown.some((o) => o.value === initial.value) ? initial : undefined;
  return {
    type: 'input',
    block_id: blockId,
    label: text(label, LIMITS.inputLabel),
    element: { type: 'static_select', action_id: 'value', options: shown, ...(init ? { initial_option: init } : {}) },
  };
}

function pickerOptions(card: CardView, command: CardCommand): { options: S.PlainTextOption[]; initial: S.PlainTextOption | undefined } {
  const { choices, defaultChoice } = cardPicker(card, command);
  const options = (choices ?? []).map((c) => option(c.label, c.value));
  return { options, initial: options.find((o) => o.value === defaultChoice) };
}

/** The physicians and the pool as the card offers them, its default preselected (the patient's PCP, else the pool). */
export function escalateModal(card: CardView, meta: ModalMeta): S.ModalView {
  const { options, initial } = pickerOptions(card, 'item.escalate');
  return base('item.escalate', 'Escalate to physician', 'Escalate', meta, card, [
    reasonInput('reason', 'Reason for the physician', 'The physician sees this with the card. Clinical shorthand; the patient’s words stay behind “View message”.', 'e.g. dose change outside the refill protocol'),
    select('physician', 'Physician', options, initial),
  ]);
}

/** Who the card offers to take it (null when nobody else can: the caller says so instead of opening an empty picker). */
export function reassignModal(card: CardView, meta: ModalMeta): S.ModalView | null {
  const escalated = card.state === 'ESCALATED';
  const { options } = pickerOptions(card, 'item.reassign');
  if (!options.length) return null;
  return base('item.reassign', escalated ? 'Hand to a physician' : 'Reassign', escalated ? 'Hand over' : 'Reassign', meta, card, [
    select('to', escalated ? 'Physician' : 'Give it to', options, undefined),
  ]);
}

export function snoozeModal(card: CardView, meta: ModalMeta): S.ModalView {
  const { options, initial } = pickerOptions(card, 'item.snooze');
  return base('item.snooze', 'Snooze', 'Snooze', meta, card, [
    select('duration', 'Snooze for', options, initial),
    reasonInput('reason', 'What is it waiting on?', 'Shown in the card’s thread.', 'e.g. pharmacy fax, patient call-back'),
  ]);
}

export function returnModal(card: CardView, meta: ModalMeta): S.ModalView {
  return base('item.return', 'Return to the team', 'Return', meta, card, [
    reasonInput('instructions', 'Instructions for the team', 'Shown in the card’s thread.', 'e.g. approve 30 days, book a visit within 2 weeks'),
  ]);
}

type StateValues = Record<string, Record<string, { type?: string; value?: string | null; selected_option?: { value?: string } | null }>>;

const field = (values: StateValues, block: string) => values[block]?.value;
const typed = (values: StateValues, block: string) => (field(values, block)?.value ?? '').trim();
const selected = (values: StateValues, block: string) => field(values, block)?.selected_option?.value ?? null;

/**
 * A submitted form as a domain command, or the per-field errors Slack shows in the modal. Runs
 * before the ack (the errors are the ack's body), so it checks against the shared lists only —
 * snooze lengths are `SNOOZE_CHOICES`, the same the card offers; people are checked by the use case.
 */
export function commandFromForm(
  command: FormCommand,
  values: StateValues,
  now: Date,
): { ok: true; command: Command } | { ok: false; errors: Record<string, string> } {
  switch (command) {
    case 'item.escalate': {
      const reason = typed(values, 'reason');
      if (!reason) return { ok: false, errors: { reason: 'Give the physician a reason.' } };
      const to = selected(values, 'physician');
      // The physician is checked against the roster by the use case (item.invalid_target).
      return { ok: true, command: { type: 'escalate', reason, to: to && to !== POOL_CHOICE ? to : undefined } };
    }
    case 'item.reassign': {
      const to = selected(values, 'to');
      if (!to) return { ok: false, errors: { to: 'Choose who takes it.' } };
      return { ok: true, command: { type: 'reassign', to } };
    }
    case 'item.snooze': {
      const reason = typed(values, 'reason');
      const minutes = Number(selected(values, 'duration'));
      const errors: Record<string, string> = {};
      if (!SNOOZE_CHOICES.some((c) => c.minutes === minutes)) errors.duration = 'Choose how long.';
      if (!reason) errors.reason = 'Say what the item is waiting on.';
      if (Object.keys(errors).length) return { ok: false, errors };
      return { ok: true, command: { type: 'snooze', reason, until: new Date(now.getTime() + minutes * 60_000) } };
    }
    case 'item.return': {
      const instructions = typed(values, 'instructions');
      if (!instructions) return { ok: false, errors: { instructions: 'Tell the team what to do next.' } };
      return { ok: true, command: { type: 'return', instructions } };
    }
  }
}
