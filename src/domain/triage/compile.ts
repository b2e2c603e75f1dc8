import type { Priority } from '../types.ts';
import { compileList } from './patterns.ts';
import type { KeywordCategory, TriageRules } from './rules.ts';

/** Rules with every pattern list joined into one ready regex; built once per rules object. */
export interface CompiledTriageRules {
  rules: TriageRules;
  categories: { category: KeywordCategory; priority: Priority; tiers: { re: RegExp; weight: number }[] }[];
  redFlags: { name: string; priority: Priority; re: RegExp; with: RegExp | null }[];
  urgency: RegExp | null;
  idioms: RegExp | null;
  clauseBreak: RegExp | null;
  negationCue: RegExp | null;
  pseudoCue: RegExp | null;
  listItemStopper: RegExp | null;
  resolutionCue: RegExp | null;
  anaphora: RegExp | null;
}

const cache = new WeakMap<TriageRules, CompiledTriageRules>();

/** Compiles (or returns the cached compilation of) a rules object. Treat rules as immutable once used. */
export function compileTriageRules(rules: TriageRules): CompiledTriageRules {
  const hit = cache.get(rules);
  if (hit) return hit;
  const { weights } = rules.scoring;
  const compiled: CompiledTriageRules = {
    rules,
    categories: rules.categories.map((c) => ({
      category: c.category,
      priority: c.priority,
      // strong → normal → weak: a weaker hit overlapping a stronger one is not counted again.
      tiers: (['strong', 'normal', 'weak'] as const).flatMap((tier) => {
        const re = compileList(c[tier]);
        return re ? [{ re, weight: weights[tier] }] : [];
      }),
    })),
    redFlags: rules.redFlags.flatMap((r) => {
      const re = compileList(r.patterns);
      return re ? [{ name: r.name, priority: r.priority, re, with: compileList(r.with) }] : [];
    }),
    urgency: compileList(rules.urgency.patterns),
    idioms: compileList(rules.idioms),
    clauseBreak: compileList(rules.clauseBreaks),
    negationCue: compileList(rules.negation.cues),
    pseudoCue: compileList(rules.negation.pseudoCues),
    listItemStopper: compileList(rules.negation.listItemStoppers),
    resolutionCue: compileList(rules.resolution.cues),
    anaphora: compileList(rules.resolution.anaphora),
  };
  cache.set(rules, compiled);
  return compiled;
}
