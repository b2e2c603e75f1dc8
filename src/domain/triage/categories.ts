import type { CompiledTriageRules } from './compile.ts';
import { findAll, testAny, type Span } from './patterns.ts';
import type { KeywordCategory } from './rules.ts';
import { normalize } from './text.ts';

type Scored = { category: KeywordCategory; score: number }[];

/** Keyword score of one text: each hit counts its tier weight; weaker hits inside stronger ones don't count twice. */
function scoreText(text: string, cat: CompiledTriageRules['categories'][number]): number {
  if (!text || !testAny(cat.any, text)) return 0;
  const taken: Span[] = [];
  let score = 0;
  for (const { re, weight } of cat.tiers) {
    for (const s of findAll(re, text)) {
      if (taken.some((t) => s.start < t.end && t.start < s.end)) continue;
      taken.push(s);
      score += weight;
    }
  }
  return score;
}

const REPLY = /^\s*(re|fwd?|aw|sv)\s*:/;

export function scoreCategories(subject: string, body: string, redFlagCount: number, c: CompiledTriageRules): Scored {
  const { subjectWeight, replySubjectWeight, redFlagEvidence } = c.rules.scoring;
  const subjectFactor = REPLY.test(subject) ? replySubjectWeight : subjectWeight;
  return c.categories.map((cat) => ({
    category: cat.category,
    score:
      scoreText(body, cat) +
      subjectFactor * scoreText(subject, cat) +
      (cat.category === redFlagEvidence.category ? redFlagEvidence.weight * redFlagCount : 0),
  }));
}

/** The patient's label as one of our categories: its exact code, or what its words score highest for. */
export function hintCategory(hint: string | undefined, c: CompiledTriageRules): KeywordCategory | undefined {
  const h = normalize(hint ?? '').trim();
  if (!h) return undefined;
  const exact = c.categories.find((x) => x.category === h.replace(/[\s_]+/g, '-'));
  if (exact) return exact.category;
  const scored = scoreCategories('', h, 0, c).filter((s) => s.score > 0);
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
