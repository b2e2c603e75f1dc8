import type { Priority } from '../types.ts';
import { KeywordIndex } from './keyword-index.ts';
import { languageMarkers, type LanguageMarkers } from './language.ts';
import { compileList } from './patterns.ts';
import type { Language, ModifierCategory, TriageRules, ValueCondition } from './rules.ts';
import { buildSpellingTable, type SpellingTable } from './spelling.ts';

const TIERS = ['strong', 'normal', 'weak'] as const;

export interface CompiledModifier {
  index: number;
  name: string;
  category: ModifierCategory;
  direction: 'forward' | 'backward' | 'both';
  scope: 'clause' | 'sentence' | 'message';
  window: number;
  lang?: Language;
  appliesTo?: ReadonlySet<string>;
}

export interface CompiledRedFlag {
  name: string;
  label: string;
  priority: Priority;
  /** Index of this rule's finding list in `findingIndex` (-1: the rule has only value conditions). */
  finding: number;
  with: RegExp | null;
  values: ValueCondition[];
  valuesAny: ValueCondition[];
  transient: boolean;
}

/** Rules with every pattern list joined into ready regexes; built once per rules object. */
export interface CompiledTriageRules {
  rules: TriageRules;
  /** Three lists per category, in `categories` order: list 3k+t is tier t (strong, normal, weak) of category k. */
  keywords: KeywordIndex;
  categories: { category: TriageRules['categories'][number]['category']; priority: Priority; weights: number[] }[];
  /** One list per red flag that has a finding, then one for the clinical-content concepts (the last list). */
  findingIndex: KeywordIndex;
  clinicalList: number;
  redFlags: CompiledRedFlag[];
  modifiers: CompiledModifier[];
  /**
   * Idioms (list 0), pseudo cues (list 1) and each modifier's cues (list 2 + index) in one index:
   * one scan finds every cue of a message, instead of a regex pass per modifier.
   */
  cueIndex: KeywordIndex;
  urgency: RegExp | null;
  clauseBreak: RegExp | null;
  /** Every negation cue, to tell whether a resolution cue is itself negated ("hasn't gone away"). */
  negationCue: RegExp | null;
  listItemStopper: RegExp | null;
  anaphora: RegExp | null;
  spelling: SpellingTable;
  spellingCache: Map<string, string | null>;
  languages: LanguageMarkers;
}

const cache = new WeakMap<TriageRules, CompiledTriageRules>();

/** The literal words of a pattern source ("chest (pain|pressure)\w*" → chest, pain, pressure): the spelling vocabulary. */
export function patternWords(source: string): string[] {
  return source
    .replace(/'\??/g, '')
    .replace(/\\[a-zA-Z]/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .split(/[^a-z]+/)
    .filter(Boolean);
}

/** Every word the spelling table corrects towards: the rules' pattern words plus `spelling.words`. */
export function spellingVocabulary(rules: TriageRules): Set<string> {
  const words = new Set<string>(rules.spelling.words);
  const add = (list: readonly string[] | undefined) => list?.forEach((p) => patternWords(p).forEach((w) => words.add(w)));
  rules.categories.forEach((c) => TIERS.forEach((t) => add(c[t])));
  rules.redFlags.forEach((r) => (add(r.patterns), add(r.with)));
  rules.concepts.forEach((c) => add(c.patterns));
  add(rules.urgency.patterns);
  return words;
}

export function buildRulesSpelling(rules: TriageRules): SpellingTable {
  return buildSpellingTable(spellingVocabulary(rules), rules.spelling.minLength, rules.spelling.misspellings, rules.spelling.keep);
}

/** Compiles (or returns the cached compilation of) a rules object. Treat rules as immutable once used. */
export function compileTriageRules(rules: TriageRules): CompiledTriageRules {
  const hit = cache.get(rules);
  if (hit) return hit;
  const concept = new Map(rules.concepts.map((c) => [c.name, c.patterns]));
  const spanish = new Set(rules.spanishOnly ?? []);
  const spanishOnly = (p: string) => spanish.has(p);
  const findingLists: string[][] = [];
  const redFlags = rules.redFlags.map((r): CompiledRedFlag => {
    const patterns = [...(r.patterns ?? []), ...(r.concepts ?? []).flatMap((n) => concept.get(n) ?? [])];
    const finding = patterns.length ? findingLists.push(patterns) - 1 : -1;
    return {
      name: r.name,
      label: r.label ?? r.name.replace(/-/g, ' '),
      priority: r.priority,
      finding,
      with: compileList(r.with),
      values: r.values ?? [],
      valuesAny: r.valuesAny ?? [],
      transient: r.transient ?? false,
    };
  });
  const clinicalList = findingLists.push(rules.clinicalContent.concepts.flatMap((n) => concept.get(n) ?? [])) - 1;
  const modifiers = rules.modifiers.map((m, index): CompiledModifier => ({
    index, name: m.name, category: m.category, direction: m.direction, scope: m.scope, window: m.window, lang: m.lang,
    appliesTo: m.appliesTo ? new Set(m.appliesTo) : undefined,
  }));
  const compiled: CompiledTriageRules = {
    rules,
    keywords: new KeywordIndex(rules.categories.flatMap((c) => TIERS.map((t) => c[t] ?? [])), spanishOnly),
    categories: rules.categories.map((c) => ({ category: c.category, priority: c.priority, weights: TIERS.map((t) => rules.scoring.weights[t]) })),
    findingIndex: new KeywordIndex(findingLists, spanishOnly),
    clinicalList,
    redFlags,
    modifiers: modifiers.filter((m) => m.category !== 'pseudo'),
    cueIndex: new KeywordIndex([rules.idioms, rules.modifiers.filter((m) => m.category === 'pseudo').flatMap((m) => m.patterns), ...rules.modifiers.map((m) => m.patterns)], spanishOnly),
    urgency: compileList(rules.urgency.patterns),
    clauseBreak: compileList(rules.clauseBreaks),
    negationCue: compileList(rules.modifiers.filter((m) => m.category === 'negated').flatMap((m) => m.patterns)),
    listItemStopper: compileList(rules.modifierSettings.listItemStoppers),
    anaphora: compileList(rules.modifierSettings.anaphora),
    spelling: buildRulesSpelling(rules),
    spellingCache: new Map(),
    languages: languageMarkers(rules),
  };
  cache.set(rules, compiled);
  return compiled;
}
