import { maxPriority, type Priority } from '../types.ts';
import type { CompiledTriageRules } from './compile.ts';
import type { Doc } from './doc.ts';
import { affirmed, anyAffirmed } from './negation.ts';

export interface RedFlagHit {
  name: string;
  priority: Priority;
}

/**
 * Red flags are searched in subject AND body together: subject lines alone catch only 15% of
 * high-risk messages (North 2013, DOMAIN.md §2.3 cautions). A hit means "RN reviews within
 * minutes", never a diagnosis.
 */
export function detectRedFlags(doc: Doc, c: CompiledTriageRules): RedFlagHit[] {
  // Every occurrence counts (overlapping ones too): a negated mention must not hide an affirmed one.
  const affirmedRule = new Array<boolean>(c.redFlags.length).fill(false);
  c.redFlagIndex.scan(doc.text, true, (rule, start, end) => {
    if (!affirmedRule[rule] && affirmed(doc, { start, end }, c)) affirmedRule[rule] = true;
  });
  return c.redFlags
    .filter((rule, i) => affirmedRule[i] && (!rule.with || anyAffirmed(rule.with, doc, c)))
    .map((rule) => ({ name: rule.name, priority: rule.priority }));
}

export function highestPriority(hits: readonly RedFlagHit[], floor: Priority): Priority {
  return hits.reduce<Priority>((p, h) => maxPriority(p, h.priority), floor);
}

/** DOMAIN.md §2.3 I.54–56: "urgent", "ASAP", "emergency"… raise review priority only. "Not urgent" does not. */
export function soundsUrgent(doc: Doc, c: CompiledTriageRules): boolean {
  return anyAffirmed(c.urgency, doc, c);
}
