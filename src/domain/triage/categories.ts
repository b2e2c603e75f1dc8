import type { CompiledTriageRules } from './compile.ts';
import type { Span } from './patterns.ts';
import type { KeywordCategory } from './rules.ts';
import { normalize } from './text.ts';

type Scored = { category: KeywordCategory; score: number }[];

/** Keyword hits by start position; `list` as in `CompiledTriageRules.keywords`. */
function keywordHits(text: string, c: CompiledTriageRules, skipSpanish: boolean): (Span & { list: number })[] {
  const hits: (Span & { list: number })[] = [];
  c.keywords.scan(text, false, (list, start, end) => hits.push({ list, start, end }), skipSpanish);
  return hits;
}

const REPLY = /^\s*(re|fwd?|aw|sv)\s*:/;

/**
 * `text` is the subject, a line break and the body; `bodyStart` where the body begins (0 without
 * subject). Keyword hits inside `ignore` do not count: text quoted from a staff reply, and the words
 * of a red flag — a red-flag message gets the category it would have without the red flag (corpus
 * label convention 4), so "book me in, I have chest pain" stays scheduling.
 */
export function scoreCategories(text: string, bodyStart: number, redFlagCount: number, c: CompiledTriageRules, ignore: readonly Span[] = [], skipSpanish = false): Scored {
  const { subjectWeight, replySubjectWeight, redFlagEvidence } = c.rules.scoring;
  const subjectFactor = REPLY.test(text.slice(0, bodyStart)) ? replySubjectWeight : subjectWeight;
  const hits = keywordHits(text, c, skipSpanish).filter((h) => !ignore.some((x) => h.start < x.end && x.start < h.end));
  return c.categories.map((cat, k) => {
    // strong → normal → weak: a weaker hit overlapping a stronger one is not counted again.
    const taken: Span[] = [];
    let score = cat.category === redFlagEvidence.category ? redFlagEvidence.weight * redFlagCount : 0;
    cat.weights.forEach((weight, tier) => {
      for (const s of hits) {
        if (s.list !== 3 * k + tier || taken.some((t) => s.start < t.end && t.start < s.end)) continue;
        taken.push(s);
        score += s.start < bodyStart ? weight * subjectFactor : weight; // subject = text before the body
      }
    });
    return { category: cat.category, score };
  });
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
