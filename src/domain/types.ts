/** Categories of DOMAIN.md §1.4 (our inbox-category CodeSystem). */
export const CATEGORIES = [
  'red-flag',
  'rx-refill',
  'rx-question',
  'scheduling',
  'test-result',
  'clinical-question',
  'referral',
  'forms-letters',
  'billing',
  'admin',
  'ack-fyi',
  'unclassified',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** FHIR request-priority, lowest first. */
export const PRIORITIES = ['routine', 'urgent', 'asap', 'stat'] as const;
export type Priority = (typeof PRIORITIES)[number];

export function maxPriority(a: Priority, b: Priority): Priority {
  return PRIORITIES.indexOf(a) >= PRIORITIES.indexOf(b) ? a : b;
}
