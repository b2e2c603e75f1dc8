import { describe, expect, it } from 'vitest';
import { loadDefaultTriageRules } from '../../../src/config/triage-schema.ts';
import { triage } from '../../../src/domain/triage/index.ts';
import type { Priority } from '../../../src/domain/types.ts';

const rules = loadDefaultTriageRules();

// DOMAIN.md §2.1 mapping: stat = 911-type, asap = see today, urgent = generic urgency words
// (§2.3 group I), routine otherwise.
const table: [expected: Priority, subject: string, body: string][] = [
  ['stat', '', 'My husband is unresponsive and breathing strangely.'],
  ['stat', '', 'I want to end my life.'],
  ['asap', '', 'I have been vomiting all night and cannot keep water down.'],
  ['urgent', 'URGENT', 'Please send my refill today.'],
  ['urgent', '', 'I need my FMLA form back as soon as possible.'],
  ['urgent', '', 'This rash is getting worse fast, can someone look at a photo?'],
  ['urgent', '', 'Is this an emergency? My ear has been draining.'],
  ['routine', '', 'Not urgent, but could you renew my allergy prescription?'],
  ['routine', '', 'Non-urgent question about my bill.'],
  ['routine', '', 'Please update my emergency contact to my sister.'],
  ['routine', '', 'I went to urgent care on Saturday, can you look at their notes?'],
  ['routine', '', 'Can I book my annual physical?'],
];

describe('priority', () => {
  it.each(table)('is %s for "%s" / "%s"', (expected, subject, body) => {
    expect(triage({ subject, body }, rules).priority).toBe(expected);
  });

  it('does not turn generic urgency words into a red flag', () => {
    const r = triage({ subject: 'URGENT!!', body: 'Call me ASAP about my bill, it is an emergency.' }, rules);
    expect(r).toMatchObject({ category: 'billing', priority: 'urgent', redFlags: [] });
  });
});
