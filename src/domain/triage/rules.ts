import type { Category, Priority } from '../types.ts';

/**
 * The plain-data shape of the triage rules, exactly what config/triage.default.yaml holds once
 * validated (src/config/triage-schema.ts). Every `string` pattern is a regex source; see the
 * pattern convention at the top of that YAML file and `boundedSource` in patterns.ts.
 */

/** Categories a keyword rule can assign: `red-flag` comes from red-flag rules, `unclassified` is the fallback. */
export type KeywordCategory = Exclude<Category, 'red-flag' | 'unclassified'>;

export interface KeywordTiers {
  strong?: string[];
  normal?: string[];
  weak?: string[];
}

/** One row of the DOMAIN.md §1.4 routing table (queue mapping lives in the Baton config). */
export interface CategoryRule extends KeywordTiers {
  category: KeywordCategory;
  priority: Priority;
}

/** Texts a rule or modifier must get right; `baton config check` and the unit tests run them. */
export interface RuleExamples {
  /** Each must raise this red flag (for a modifier: must still raise some red flag). */
  flag?: string[];
  /** Each must not raise this red flag (for a modifier: must raise none). */
  ignore?: string[];
}

/** Values read from the message's numbers (values.ts). */
export const VALUE_NAMES = ['ageDays', 'temperatureF', 'spo2', 'systolic', 'diastolic', 'glucose', 'heartRate', 'pregnancyWeeks', 'postpartumDays'] as const;
export type ValueName = (typeof VALUE_NAMES)[number];

/** A condition on one extracted value: it holds when an affirmed reading of that value satisfies both bounds. */
export interface ValueCondition {
  value: ValueName;
  below?: number;
  atLeast?: number;
}

/**
 * One red flag (DOMAIN.md §2.3 phrase group): a finding in lay words (`patterns`, or named
 * `concepts`), optionally needing a second finding (`with`) and conditions on values. The rule
 * fires when every part it has is affirmed and current somewhere in the message.
 */
export interface RedFlagRule {
  /** Reported in `TriageResult.redFlags`, e.g. "chest-pain". */
  name: string;
  /** Plain words for the card: "Red flag: chest pain". Never message text. */
  label?: string;
  /** Where the rule comes from, e.g. "§2.3 A1". */
  ref?: string;
  priority: Priority;
  patterns?: string[];
  /** Names of `concepts` whose patterns also count as this finding. */
  concepts?: string[];
  /** If set, one of these must also be affirmed somewhere in the message (e.g. fever + stiff neck). */
  with?: string[];
  /** Every condition must hold. */
  values?: ValueCondition[];
  /** At least one condition must hold. */
  valuesAny?: ValueCondition[];
  /** A finding that is still a red flag once it has passed (transient stroke signs): `resolved` is disregarded. */
  transient?: boolean;
  examples?: RuleExamples;
}

/** A named finding in lay words, shared by red-flag rules and the clinical-content check. */
export interface ConceptRule {
  name: string;
  patterns: string[];
}

export type ModifierCategory = 'negated' | 'resolved' | 'historical' | 'hypothetical' | 'explained' | 'current' | 'pseudo';

/** A ConText modifier (modifiers.ts): cue phrases that change what a nearby finding means. */
export interface ModifierRule {
  name: string;
  category: ModifierCategory;
  /** forward: governs findings after the cue; backward: before it; both. */
  direction: 'forward' | 'backward' | 'both';
  /** How far the cue reaches: its clause (a negation stops at "but" and commas), its sentence, or the whole message. */
  scope: 'clause' | 'sentence' | 'message';
  /** At most this many words between the cue and the finding. */
  window: number;
  patterns: string[];
  /** Only in messages detected as this language; absent: always. */
  lang?: Language;
  /** Only for these red-flag rules (medspaCy's `allowed_types`); absent: every finding. */
  appliesTo?: string[];
  examples?: RuleExamples;
}

export type Language = 'en' | 'es';

export interface TriageRules {
  version: 2;
  scoring: {
    weights: { strong: number; normal: number; weak: number };
    /** Multiplier for keyword hits in the subject line. */
    subjectWeight: number;
    /** Multiplier instead, when the subject is a reply ("Re: …", "Fwd: …"). */
    replySubjectWeight: number;
    /** Below this best score the message is `unclassified` (unless the patient's label decides). */
    minScore: number;
    /** Each affirmed red flag also counts as evidence for this category (its underlying topic). */
    redFlagEvidence: { category: KeywordCategory; weight: number };
  };
  /** Order matters: on a score tie the category listed first wins. */
  categories: CategoryRule[];
  unclassified: { priority: Priority };
  /** Named word lists used in patterns as `{name}` (already expanded in every pattern here). */
  lexicon: Record<string, string[]>;
  /** Named findings; a red-flag rule or the clinical-content check refers to them by name. */
  concepts: ConceptRule[];
  redFlags: RedFlagRule[];
  /**
   * Safety-first routing: an affirmed finding of these concepts in a message that is not a red flag
   * and whose category is one of `clericalCategories` marks it as clinical content at `priority`.
   */
  clinicalContent: { concepts: string[]; clericalCategories: (KeywordCategory | 'unclassified')[]; priority: Priority };
  /** Generic urgency words (DOMAIN.md §2.3 I.54–56): raise priority only, never a red flag. */
  urgency: { priority: Priority; patterns: string[] };
  /** Figures of speech; a red-flag or urgency match lying entirely inside one is ignored. */
  idioms: string[];
  /** Where a sentence splits into clauses (a clause-scoped modifier does not reach across them). */
  clauseBreaks: string[];
  modifiers: ModifierRule[];
  modifierSettings: {
    /** "denies fever, chest pain, or SOB": short comma-separated items share the first clause's negation. */
    listItemMaxWords: number;
    /** Words that make a comma segment a clause of its own rather than a list item. */
    listItemStoppers: string[];
    /** A following clause starting with one of these still talks about the finding ("…, but it went away"). */
    anaphora: string[];
  };
  spelling: {
    /** Words shorter than this are never corrected (only listed misspellings are). */
    minLength: number;
    /** Extra words to correct towards, besides the words of the rules' own patterns. */
    words: string[];
    /** Known misspellings and text-speak, any length: "cant" → "can't". */
    misspellings: Record<string, string>;
    /** Real words never to correct (the loader adds the dictionary's words that sit near a rule word). */
    keep: string[];
  };
  /**
   * Patterns from `lang: es` files (set by the loader): tried only in a message with a Spanish
   * word or letter, so English messages do not pay for the Spanish lexicon.
   */
  spanishOnly?: string[];
  language: {
    /** Function words that mark a message as Spanish; `minShare` of the marker words must be Spanish. */
    es: { markers: string[]; minShare: number; minCount: number; hints: string[] };
    en: { markers: string[] };
  };
}
