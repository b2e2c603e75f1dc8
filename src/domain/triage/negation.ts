import type { CompiledTriageRules } from './compile.ts';
import type { Doc } from './doc.ts';
import { findAll, testAny, type Span } from './patterns.ts';
import { clauseAt, wordCount, type Clause } from './text.ts';

/**
 * Is a phrase match affirmed, i.e. not negated, not resolved and not part of an idiom?
 * DOMAIN.md §2.3 design implications: handle negation ("no chest pain", "chest pain is gone").
 * Rules are NegEx-style: a cue before the phrase within its clause and a few words, or a
 * resolution cue after it; see the `negation` and `resolution` sections of the rules file.
 */

/** Last negation cue in `pre`, outside pseudo-negations, no further than `window` words from its end. */
function cueBefore(pre: string, c: CompiledTriageRules, window: number): boolean {
  const pseudo = findAll(c.pseudoCue, pre);
  const cues = findAll(c.negationCue, pre).filter((q) => !pseudo.some((p) => p.start <= q.start && q.end <= p.end));
  const last = cues[cues.length - 1];
  return last !== undefined && wordCount(pre.slice(last.end)) <= window;
}

function clauseText(doc: Doc, cl: Clause): string {
  return doc.text.slice(cl.start, cl.end).trim();
}

/** "chest pain" or "or shortness of breath": a short segment with no subject or verb of its own. */
function isListItem(doc: Doc, cl: Clause, c: CompiledTriageRules): boolean {
  const t = clauseText(doc, cl).replace(/^(?:or|and|nor|&)\s+/, '');
  return wordCount(t) <= c.rules.negation.listItemMaxWords && !testAny(c.listItemStopper, t);
}

/** "denies fever, chest pain, or SOB": walk back over list items to the sentence's first clause. */
function listNegated(doc: Doc, ci: number, c: CompiledTriageRules): boolean {
  let i = ci;
  while (i > 0) {
    const cl = doc.clauses[i]!;
    if (cl.first || !cl.afterComma || !isListItem(doc, cl, c)) return false;
    const prev = doc.clauses[i - 1]!;
    if (prev.sentence !== cl.sentence) return false;
    if (prev.first) return cueBefore(doc.text.slice(prev.start, prev.end), c, Number.MAX_SAFE_INTEGER);
    i--;
  }
  return false;
}

function negated(doc: Doc, ci: number, start: number, c: CompiledTriageRules): boolean {
  const cl = doc.clauses[ci]!;
  return cueBefore(doc.text.slice(cl.start, start), c, c.rules.negation.windowWords) || listNegated(doc, ci, c);
}

/** A resolution cue in `[from, to)` that is not itself negated ("hasn't gone away"). */
function resolutionIn(doc: Doc, clauseStart: number, from: number, to: number, c: CompiledTriageRules): boolean {
  for (const cue of findAll(c.resolutionCue, doc.text.slice(from, to))) {
    const before = doc.text.slice(clauseStart, from + cue.start).split(/\s+/).filter(Boolean).slice(-2).join(' ');
    if (!testAny(c.negationCue, before)) return true;
  }
  return false;
}

function resolved(doc: Doc, ci: number, end: number, c: CompiledTriageRules): boolean {
  const cl = doc.clauses[ci]!;
  if (resolutionIn(doc, cl.start, end, cl.end, c)) return true;
  const next = doc.clauses[ci + 1];
  if (!next || next.sentence !== cl.sentence || !c.anaphora) return false;
  const t = doc.text.slice(next.start, next.end);
  const lead = t.length - t.trimStart().length;
  const startsWithAnaphora = findAll(c.anaphora, t.slice(lead)).some((m) => m.start === 0);
  return startsWithAnaphora && resolutionIn(doc, next.start, next.start + lead, next.end, c);
}

const insideIdiom = (doc: Doc, s: Span) => doc.idiomSpans.some((i) => i.start <= s.start && s.end <= i.end);

export function affirmed(doc: Doc, span: Span, c: CompiledTriageRules): boolean {
  if (insideIdiom(doc, span)) return false;
  const ci = clauseAt(doc.clauses, span.start);
  return !negated(doc, ci, span.start, c) && !resolved(doc, ci, span.end, c);
}

export function anyAffirmed(re: RegExp | null, doc: Doc, c: CompiledTriageRules): boolean {
  return findAll(re, doc.text).some((s) => affirmed(doc, s, c));
}
