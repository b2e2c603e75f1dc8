import { describe, expect, it } from 'vitest';
import { parseAction, VERBS } from '../../../adapters/teams/action-data.ts';
import { actionsFor } from '../../../src/domain/card.ts';
import { ITEM_STATES } from '../../../src/domain/work-item.ts';

const NOW = new Date('2026-12-01T15:00:00Z');
const base = { itemId: 'item-1', version: 4 };

describe('card action data → domain command', () => {
  it.each([
    ['item.claim', {}, { type: 'claim' }],
    ['item.release', {}, { type: 'release' }],
    ['item.reopen', {}, { type: 'reopen' }],
    ['item.reassign', { reassignTo: 'jordan-kim' }, { type: 'reassign', to: 'jordan-kim' }],
    ['item.reassign', { handTo: 'dr-alvarez' }, { type: 'reassign', to: 'dr-alvarez' }],
    ['item.snooze', { snoozeFor: '240', snoozeReason: ' pharmacy ' }, { type: 'snooze', until: new Date('2026-12-01T19:00:00Z'), reason: 'pharmacy' }],
    ['item.escalate', { escalateTo: 'pool', escalateReason: 'dose' }, { type: 'escalate', reason: 'dose', to: undefined }],
    ['item.escalate', { escalateTo: 'dr-cho', escalateReason: 'dose' }, { type: 'escalate', reason: 'dose', to: 'dr-cho' }],
    ['item.escalate', {}, { type: 'escalate', reason: '', to: undefined }],
    ['item.return', { returnInstructions: 'book a visit' }, { type: 'return', instructions: 'book a visit' }],
    ['item.resolve', { resolveNote: '' }, { type: 'resolve', note: undefined }],
    ['item.resolve', { resolveNote: 'sent' }, { type: 'resolve', note: 'sent' }],
  ])('%s with %j is %j', (verb, inputs, command) => {
    expect(parseAction(verb, { ...base, ...inputs }, NOW)).toEqual({ kind: 'command', itemId: 'item-1', seenVersion: 4, command });
  });

  it('reads back what the card showed (state and owner), for actOnCard to judge the click against', () => {
    expect(parseAction('item.claim', { ...base, state: 'CLAIMED', ownerId: 'taylor-brooks' }, NOW)).toMatchObject({ kind: 'command', seen: { state: 'CLAIMED', ownerId: 'taylor-brooks' } });
    expect(parseAction('item.claim', { ...base, state: 'OPEN', ownerId: null }, NOW)).toMatchObject({ kind: 'command', seen: { state: 'OPEN', ownerId: null } });
    expect(parseAction('item.claim', base, NOW)).toMatchObject({ kind: 'command', seen: undefined }); // a card drawn before it carried state
    expect(parseAction('item.claim', { ...base, state: 'GONE' }, NOW)).toMatchObject({ kind: 'invalid' });
  });

  it('reads "View message" as a view, not a command', () => {
    expect(parseAction('item.view', base, NOW)).toEqual({ kind: 'view', itemId: 'item-1', seenVersion: 4 });
  });

  it.each([
    ['item.reassign', { ...base }, 'Choose who should take it.'],
    ['item.snooze', { ...base, snoozeFor: '17', snoozeReason: 'x' }, 'Choose how long to snooze.'],
    ['item.bogus', { ...base }, 'Baton does not know that button; refresh the card.'],
    ['item.claim', { version: 1 }, 'This card is missing information; refresh it and try again.'],
    ['item.claim', { ...base, escalateReason: 'x'.repeat(5_000) }, 'This card is missing information; refresh it and try again.'],
  ])('refuses %s with %j: %s', (verb, data, message) => {
    expect(parseAction(verb, data, NOW)).toMatchObject({ kind: 'invalid', message });
  });

  it('knows every verb a card can carry', () => {
    for (const state of ITEM_STATES) for (const a of actionsFor(state, null)) expect(VERBS).toContain(a.command);
  });
});
