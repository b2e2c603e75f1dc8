import type { CompiledTriageRules } from './compile.ts';
import { findAll, testAny, type Span } from './patterns.ts';
import type { KeywordCategory } from './rules.ts';
import { normalize } from './text.ts';

type Scored = { category: KeywordCategory; score: number }[];

/**
 * Keyword score of one category: each hit counts its tier weight, times `subjectFactor` when it lies
 * in the subject (text before `bodyStart`); weaker hits inside stronger ones don't count twice.
 */
function score(text: string, bodyStart: number, subjectFactor: number, cat: CompiledTriageRules['categories'][number]): number {
  if (!testAny(cat.any, text)) return 0;
  const taken: Span[] = [];
  let total = 0;
  for (const { re, weight } of cat.tiers) {
    for (const s of findAll(re, text)) {
      if (taken.some((t) => s.start < t.end && t.start < s.end)) continue;
      taken.push(s);
      total += s.start < bodyStart ? weight * subjectFactor : weight;
    }
  }
  return total;
}

const REPLY = /^\s*(re|fwd?|aw|sv)\s*:/;

/** `text` is the subject, a line break and the body; `bodyStart` where the body begins (0 without subject). */
export function scoreCategories(text: string, bodyStart: number, redFlagCount: number, c: CompiledTriageRules): Scored {
  const { subjectWeight, replySubjectWeight, redFlagEvidence } = c.rules.scoring;
  const subjectFactor = REPLY.test(text.slice(0, bodyStart)) ? replySubjectWeight : subjectWeight;
  return c.categories.map((cat) => ({
    category: cat.category,
    score:
      score(text, bodyStart, subjectFactor, cat) +
      (cat.category === redFlagEvidence.category ? redFlagEvidence.weight * redFlagCount : 0),
  }));
}

/** The patient's label as one of our categories: its exact code, or what its words score highest for. */
export function hintCategory(hint: string | undefined, c: CompiledTriageRules): KeywordCategory | undefined {
  const h = normalize(hint ?? '').trim();
  if (!h) return undefined;
  const exact = c.categories.find((x) => x.category === h.replace(/[\s_]+/g, '-'));
  if (exact) return exact.category;
  const scored = scoreCategories(h, 0, 0, c).filter((s) => s.score > 0);
  const top = Math.max(0, ...scored.map((s) => s.score));
  const best = scored.filter((s) => s.score === top);
  return best.length === 1 ? best[0]!.category : undefined;
}

/**
 * Highest score wins. The patient-chosen label is weak evidence (right only 44% of the time,
 * SCPMG, DOMAIN.md §1.4 row 11), so it only breaks ties or decides when no keyword matched.
 * Remaining ties go to the category listed first in the rules.
 */
export function pickCategory(scored: Scored, hint: KeywordCategory | undefined, minScore: number): KeywordCategory | 'unclassified' {
  const top = Math.max(0, ...scored.map((s) => s.score));
  if (top < minScore || top === 0) return hint ?? 'unclassified';
  const tied = scored.filter((s) => s.score === top);
  return (hint && tied.some((s) => s.category === hint) ? hint : tied[0]!.category);
}
