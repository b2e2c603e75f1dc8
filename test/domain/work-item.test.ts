import { describe, expect, it } from 'vitest';
import type { Category } from '../../src/domain/types.ts';
import { categoryAfterFollowUp } from '../../src/domain/work-item.ts';

type Row = [situation: string, current: Category, followUp: { category: Category; redFlags: string[] }, after: Category];

// [situation, the item's category, what triage read in the follow-up, the item's category after it]
const table: Row[] = [
  ['a red flag in a follow-up makes the thread a red flag', 'scheduling', { category: 'red-flag', redFlags: ['chest-pain'] }, 'red-flag'],
  ['a red-flag thread stays one whatever follows', 'red-flag', { category: 'ack-fyi', redFlags: [] }, 'red-flag'],
  ['another topic in a follow-up does not retitle the card', 'scheduling', { category: 'billing', redFlags: [] }, 'scheduling'],
  ['a thank-you does not retitle the card', 'rx-refill', { category: 'ack-fyi', redFlags: [] }, 'rx-refill'],
  ['a thread nobody could classify takes the follow-up’s topic', 'unclassified', { category: 'rx-refill', redFlags: [] }, 'rx-refill'],
  ['…but not an acknowledgement', 'unclassified', { category: 'ack-fyi', redFlags: [] }, 'unclassified'],
];

describe('an item’s category after a follow-up', () => {
  it.each(table)('%s', (_situation, current, followUp, after) => {
    expect(categoryAfterFollowUp(current, followUp)).toBe(after);
  });
});
