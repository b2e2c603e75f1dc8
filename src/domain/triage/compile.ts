import type { Priority } from '../types.ts';
import { KeywordIndex } from './keyword-index.ts';
import { compileList } from './patterns.ts';
import type { KeywordCategory, TriageRules } from './rules.ts';

const TIERS = ['strong', 'normal', 'weak'] as const;

/** Rules with every pattern list joined into ready regexes; built once per rules object. */
export interface CompiledTriageRules {
  rules: TriageRules;
  /** Three lists per category, in `categories` order: list 3k+t is tier t (strong, normal, weak) of category k. */
  keywords: KeywordIndex;
  categories: { category: KeywordCategory; priority: Priority; weights: number[] }[];
  /** List i holds the patterns of `redFlags[i]`. */
  redFlagIndex: KeywordIndex;
  redFlags: { name: string; priority: Priority; with: RegExp | null }[];
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
  const compiled: CompiledTriageRules = {
    rules,
    keywords: new KeywordIndex(rules.categories.flatMap((c) => TIERS.map((t) => c[t] ?? []))),
    categories: rules.categories.map((c) => ({
      category: c.category,
      priority: c.priority,
      weights: TIERS.map((t) => rules.scoring.weights[t]),
    })),
    redFlagIndex: new KeywordIndex(rules.redFlags.map((r) => r.patterns)),
    redFlags: rules.redFlags.map((r) => ({ name: r.name, priority: r.priority, with: compileList(r.with) })),
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
