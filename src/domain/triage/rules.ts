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

/** One DOMAIN.md §2.3 phrase group. */
export interface RedFlagRule {
  /** Reported in `TriageResult.redFlags`, e.g. "chest-pain". */
  name: string;
  /** Where the rule comes from, e.g. "§2.3 A1". */
  ref?: string;
  priority: Priority;
  patterns: string[];
  /** If set, one of these must also be affirmed somewhere in the message (e.g. fever + stiff neck). */
  with?: string[];
}

export interface TriageRules {
  version: 1;
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
  redFlags: RedFlagRule[];
  /** Generic urgency words (DOMAIN.md §2.3 I.54–56): raise priority only, never a red flag. */
  urgency: { priority: Priority; patterns: string[] };
  /** Figures of speech; a red-flag or urgency match lying entirely inside one is ignored. */
  idioms: string[];
  /** Where a sentence splits into clauses (a negation does not reach across them). */
  clauseBreaks: string[];
  negation: {
    cues: string[];
    /** Phrases that contain a cue word but do not negate ("not sure", "no idea"). */
    pseudoCues: string[];
    /** Max words between a cue and the phrase it negates. */
    windowWords: number;
    /** "denies fever, chest pain, or SOB": short comma-separated items share the first clause's negation. */
    listItemMaxWords: number;
    /** Words that make a comma segment a clause of its own rather than a list item. */
    listItemStoppers: string[];
  };
  resolution: {
    /** After the phrase: "is gone", "went away", "has resolved"… */
    cues: string[];
    /** A following clause starting with one of these still talks about the phrase ("…, but it went away"). */
    anaphora: string[];
  };
}
