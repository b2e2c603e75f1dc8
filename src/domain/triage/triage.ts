import { maxPriority, type Category, type Priority } from '../types.ts';
import { pickCategory, hintCategory, scoreCategories } from './categories.ts';
import { compileTriageRules } from './compile.ts';
import { Doc } from './doc.ts';
import { detectRedFlags, highestPriority, soundsUrgent } from './red-flags.ts';
import type { KeywordCategory, TriageRules } from './rules.ts';
import { normalize } from './text.ts';

export interface TriageInput {
  subject?: string;
  body: string;
  /** The category the patient picked in the portal, if any (free text or one of our codes). */
  categoryHint?: string;
}

export interface TriageResult {
  /** `red-flag` when any red-flag rule fired, otherwise the keyword category. */
  category: Category;
  /** The topic of the message regardless of red flags (what `category` would be without them). */
  baseCategory: KeywordCategory | 'unclassified';
  priority: Priority;
  /** Names of the red-flag rules that fired, in rules-file order, e.g. ["chest-pain"]. */
  redFlags: string[];
}

/** Pure and deterministic: the same input and rules always give the same result. */
export function triage(input: TriageInput, rules: TriageRules): TriageResult {
  const c = compileTriageRules(rules);
  const subject = normalize(input.subject ?? '').trim();
  const body = normalize(input.body);
  const bodyStart = subject ? subject.length + 1 : 0;
  const doc = new Doc(subject ? `${subject}\n${body}` : body, c);

  const hits = detectRedFlags(doc, c);
  const scored = scoreCategories(doc.text, bodyStart, hits.length, c);
  const baseCategory = pickCategory(scored, hintCategory(input.categoryHint, c), rules.scoring.minScore);
  const redFlags = hits.map((h) => h.name);

  if (hits.length > 0) return { category: 'red-flag', baseCategory, priority: highestPriority(hits, 'routine'), redFlags };
  const base =
    baseCategory === 'unclassified'
      ? rules.unclassified.priority
      : (c.categories.find((x) => x.category === baseCategory)?.priority ?? 'routine');
  const priority = soundsUrgent(doc, c) ? maxPriority(base, rules.urgency.priority) : base;
  return { category: baseCategory, baseCategory, priority, redFlags };
}
