import type { TriageRules } from '../domain/triage/index.ts';

const cache = new WeakMap<TriageRules, ReadonlyMap<string, string>>();

/** Red-flag rule name → the plain name cards show ("cant-breathe" → "breathing difficulty"). */
export function redFlagLabels(rules: TriageRules): ReadonlyMap<string, string> {
  let labels = cache.get(rules);
  if (!labels) {
    labels = new Map(rules.redFlags.map((r) => [r.name, r.label ?? r.name.replace(/-/g, ' ')]));
    cache.set(rules, labels);
  }
  return labels;
}
