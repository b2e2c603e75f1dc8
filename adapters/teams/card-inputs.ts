/**
 * The inputs a card asks for before sending a command, shared by the renderer (which draws
 * them) and the action parser (which reads them back from `Action.Execute` data). Teams merges
 * every input of the card and its shown sub-card into `action.data` by id, so ids are unique
 * across the whole card.
 */
export const INPUT = {
  escalateTo: 'escalateTo',
  escalateReason: 'escalateReason',
  reassignTo: 'reassignTo',
  handTo: 'handTo',
  snoozeFor: 'snoozeFor',
  snoozeReason: 'snoozeReason',
  returnInstructions: 'returnInstructions',
  resolveNote: 'resolveNote',
} as const;

/** The escalation choice meaning "no named physician": the item goes to the physician pool. */
export const POOL_CHOICE = 'pool';

/** Snooze lengths offered on the card, in wall-clock minutes. */
export const SNOOZE_CHOICES: ReadonlyArray<{ minutes: number; title: string }> = [
  { minutes: 60, title: '1 hour' },
  { minutes: 240, title: '4 hours' },
  { minutes: 1440, title: '1 day' },
  { minutes: 4320, title: '3 days' },
];

/** Free text typed on a card (reasons, instructions, notes). Long enough for a clinical note, short enough for a card. */
export const MAX_TYPED_TEXT = 1000;
