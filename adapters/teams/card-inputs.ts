/**
 * The inputs a card asks for before sending a command, shared by the renderer (which draws
 * them) and the action parser (which reads them back from `Action.Execute` data). Teams merges
 * every input of the card and its shown sub-card into `action.data` by id, so ids are unique
 * across the whole card. What the pickers offer comes with the card (`actions[].choices`).
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

/** Free text typed on a card (reasons, instructions, notes). Long enough for a clinical note, short enough for a card. */
export const MAX_TYPED_TEXT = 1000;
