import { describe, expect, it } from 'vitest';
import { loadDefaultTriageRules } from '../../../src/config/triage-schema.ts';
import { triage } from '../../../src/domain/triage/index.ts';
import type { Category } from '../../../src/domain/types.ts';

const rules = loadDefaultTriageRules();

// Made-up messages per DOMAIN.md §1.4 row; none is a dev-corpus sentence.
const table: [expected: Category, subject: string, body: string][] = [
  ['rx-refill', '', 'Can I get my thyroid pill refilled before the long weekend?'],
  ['rx-refill', 'Meds', "I'm out of my blood pressure medicine as of this morning."],
  ['rx-refill', '', 'Please send the 30-day supply to the pharmacy on Elm Street.'],
  ['rx-question', '', 'Is it okay to drink a glass of wine with the antibiotic?'],
  ['rx-question', 'New pill', 'The new cholesterol pill gives me leg cramps. Is that a known side effect?'],
  ['rx-question', '', 'Should I take my water pill with food or on an empty stomach?'],
  ['scheduling', '', 'Do you have anything open next Wednesday morning for a check-up?'],
  ['scheduling', 'Moving my visit', "Something came up and I can't make it Friday, can we pick another day?"],
  ['scheduling', '', 'I would like to book a flu shot for my daughter.'],
  ['test-result', '', 'Are my urine test results in yet?'],
  ['test-result', 'X-ray', 'What did the x-ray of my wrist show?'],
  ['test-result', '', 'My cholesterol came back high, what does that mean?'],
  ['clinical-question', '', 'I have had a sore throat and swollen glands for four days. Should I come in?'],
  ['clinical-question', 'Mole', 'A mole on my back looks darker than before. Is that something to worry about?'],
  ['clinical-question', '', "I've been feeling anxious and not sleeping well. Any advice?"],
  ['referral', '', 'I would like to see a dermatologist about my acne, can you send a referral?'],
  ['referral', 'Insurance', 'My plan says I need a prior authorization before the knee MRI can be scheduled.'],
  ['referral', '', 'Has the orthopedic office received my referral yet?'],
  ['forms-letters', '', 'I need a doctor’s note for my son’s school absence last week.'],
  ['forms-letters', 'DMV', 'Can Dr. Lee fill out my handicap parking application?'],
  ['forms-letters', '', 'Could you fax a copy of my immunization records to my new employer?'],
  ['billing', '', 'I was billed twice for the same visit in March.'],
  ['billing', 'Statement', 'How much do I still owe after insurance paid their part?'],
  ['billing', '', 'Can I get a refund for the copay I paid at check-in?'],
  ['admin', '', 'Please change my phone number to 555-0142.'],
  ['admin', 'Portal', "I'm locked out of my account after too many tries."],
  ['admin', '', 'How do I give my daughter proxy access to my chart?'],
  ['ack-fyi', '', 'Thanks for calling me back, all good now.'],
  ['ack-fyi', 'Re: your prescription', 'Got it, thank you!'],
  ['ack-fyi', '', 'Just wanted to let you know I made it to the specialist, thanks again.'],
  ['unclassified', '', 'Hi there'],
  ['unclassified', '', 'ok'], // no subject, no thread: nothing to acknowledge
  ['ack-fyi', 'Re: your appointment', 'ok'], // a reply that only acknowledges (corpus label convention 7)
];

describe('category classification', () => {
  it.each(table)('files under %s: "%s" / "%s"', (expected, subject, body) => {
    expect(triage({ subject, body }, rules).category).toBe(expected);
  });

  it('counts the subject line as evidence', () => {
    expect(triage({ subject: 'Refill request', body: 'Lisinopril 10 mg please.' }, rules).category).toBe('rx-refill');
  });

  it('weighs a reply subject less than the patient’s own words', () => {
    expect(triage({ subject: 'Re: appointment reminder', body: 'Great, see you then. Thanks!' }, rules).category).toBe('ack-fyi');
  });

  it('uses the patient-chosen label when no keyword matches', () => {
    expect(triage({ body: 'Hello, please call me.', categoryHint: 'Billing question' }, rules).category).toBe('billing');
    expect(triage({ body: 'Hello, please call me.', categoryHint: 'scheduling' }, rules).category).toBe('scheduling');
  });

  it('uses the patient-chosen label only to break a tie', () => {
    const tie = { subject: '', body: 'Question about my visit and my bill' };
    expect(triage({ ...tie, categoryHint: 'billing' }, rules).category).toBe('billing');
    const clear = { subject: '', body: 'Please refill my inhaler, I am almost out.' };
    expect(triage({ ...clear, categoryHint: 'billing' }, rules).category).toBe('rx-refill');
  });

  it('falls back to unclassified when nothing matches and there is no usable label', () => {
    expect(triage({ body: 'Hello', categoryHint: 'Other' }, rules)).toMatchObject({ category: 'unclassified', priority: 'routine' });
  });
});
