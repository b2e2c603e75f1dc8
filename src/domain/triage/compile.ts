import type { Priority } from '../types.ts';
import { compileList } from './patterns.ts';
import type { KeywordCategory, TriageRules } from './rules.ts';

const TIERS = ['strong', 'normal', 'weak'] as const;

/** Rules with every pattern list joined into ready regexes; built once per rules object. */
export interface CompiledTriageRules {
  rules: TriageRules;
  categories: {
    category: KeywordCategory;
    priority: Priority;
    /** All tiers in one regex: when it finds nothing the category scores 0 without three scans. */
    any: RegExp | null;
    /** strong → normal → weak: a weaker hit overlapping a stronger one is not counted again. */
    tiers: { re: RegExp; weight: number }[];
  }[];
  /** Union of every red-flag pattern: one scan finds each position where some rule may match. */
  anyRedFlag: RegExp | null;
  /** `at` is sticky: it is only tried at the positions the union found. */
  redFlags: { name: string; priority: Priority; at: RegExp; with: RegExp | null }[];
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
    categories: rules.categories.map((c) => ({
      category: c.category,
      priority: c.priority,
      any: compileList(TIERS.flatMap((t) => c[t] ?? [])),
      tiers: TIERS.flatMap((t) => {
        const re = compileList(c[t]);
        return re ? [{ re, weight: rules.scoring.weights[t] }] : [];
      }),
    })),
    anyRedFlag: compileList(rules.redFlags.flatMap((r) => r.patterns)),
    redFlags: rules.redFlags.flatMap((r) => {
      const at = compileList(r.patterns, 'iy');
      return at ? [{ name: r.name, priority: r.priority, at, with: compileList(r.with) }] : [];
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
