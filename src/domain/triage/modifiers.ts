import type { CompiledTriageRules, CompiledModifier } from './compile.ts';
import type { Doc } from './doc.ts';
import { testAny, type Span } from './patterns.ts';
import type { ModifierCategory } from './rules.ts';
import { clauseAt, wordCount, type Clause } from './text.ts';

/**
 * Is a finding affirmed and current? ConText (Harkema et al. 2009; medspaCy's context rules): each
 * modifier is a cue phrase with a category and a direction. A `forward` cue governs the findings
 * after it, a `backward` cue those before it, within its scope (the clause, or the sentence) and a
 * number of words. `pseudo` cues contain a cue word but govern nothing ("not sure if", "no idea").
 * `current` cues ("this morning", "came back") put a finding in the present again, so a historical
 * cue in the same sentence no longer applies: "my mom had a stroke this morning".
 * `explained` names a harmless cause of one finding (`appliesTo`: bismuth and black stool).
 * Negated, resolved, historical, hypothetical and explained findings do not raise a red flag; a red-flag rule
 * marked `transient` still fires when its finding resolved (a TIA is a red flag after it passed).
 */

export interface ModifierHit {
  modifier: string;
  category: ModifierCategory | 'idiom' | 'quoted';
  /** Where the cue is, in the document's text. */
  cue: Span;
  /** False when the rule was told to disregard this kind of modifier (a transient finding). */
  applies: boolean;
}

export interface Judgement {
  affirmed: boolean;
  modifiers: ModifierHit[];
}

const BLOCKING: ReadonlySet<string> = new Set(['negated', 'resolved', 'historical', 'hypothetical', 'explained', 'idiom', 'quoted']);

function scopeOf(doc: Doc, ci: number, scope: 'clause' | 'sentence' | 'message'): { start: number; end: number } {
  if (scope === 'message') return { start: 0, end: doc.text.length };
  const cl = doc.clauses[ci]!;
  if (scope === 'clause') return cl;
  let a = ci;
  let b = ci;
  while (a > 0 && doc.clauses[a - 1]!.sentence === cl.sentence) a--;
  while (b + 1 < doc.clauses.length && doc.clauses[b + 1]!.sentence === cl.sentence) b++;
  return { start: doc.clauses[a]!.start, end: doc.clauses[b]!.end };
}

const insidePseudo = (doc: Doc, cue: Span) => doc.pseudoSpans.some((p) => p.start <= cue.start && cue.end <= p.end);

/**
 * A forward cue of `m` before `span` within scope and window. A cue may run into the finding, or
 * around it ("has your child ever had | had a seizure", "is | shortness of breath | a side effect"),
 * but must start before it: a finding whose own words begin with a cue word ("no puedo respirar")
 * is not governed by it.
 */
function cueBefore(doc: Doc, m: CompiledModifier, span: Span, from: number, window: number, c: CompiledTriageRules): Span | undefined {
  let found: Span | undefined;
  for (const cue of doc.modifierSpans(m.index)) {
    if (cue.start < from) continue;
    if (cue.start >= span.start) break;
    if (wordCount(doc.text.slice(cue.end, span.start)) > window || insidePseudo(doc, cue)) continue;
    if (m.category === 'explained' && cueNegated(doc, cue, from, c)) continue;
    found = cue;
  }
  return found;
}

/** A cue that is itself negated ("hasn't gone away", "I have not taken any Pepto") governs nothing. */
function cueNegated(doc: Doc, cue: Span, from: number, c: CompiledTriageRules): boolean {
  const before = doc.text.slice(Math.max(from, cue.start - 40), cue.start).split(/\s+/).filter(Boolean).slice(-4).join(' ');
  return testAny(c.negationCue, before);
}

/** A backward cue of `m` after `span` within [span.end, to) and the window; not itself negated ("hasn't gone away"). */
function cueAfter(doc: Doc, m: CompiledModifier, from: number, to: number, window: number, c: CompiledTriageRules, clauseStart: number): Span | undefined {
  for (const cue of doc.modifierSpans(m.index)) {
    if (cue.start < from) continue;
    if (cue.end > to) break;
    if (wordCount(doc.text.slice(from, cue.start)) > window || insidePseudo(doc, cue)) continue;
    const before = doc.text.slice(clauseStart, cue.start).split(/\s+/).filter(Boolean).slice(-2).join(' ');
    if (m.category !== 'negated' && testAny(c.negationCue, before)) continue;
    if (m.category === 'explained' && cueNegated(doc, cue, clauseStart, c)) continue;
    return cue;
  }
  return undefined;
}

function clauseText(doc: Doc, cl: Clause): string {
  return doc.text.slice(cl.start, cl.end).trim();
}

/** "chest pain" or "or shortness of breath": a short segment with no subject or verb of its own. */
function isListItem(doc: Doc, cl: Clause, c: CompiledTriageRules): boolean {
  const t = clauseText(doc, cl).replace(/^(?:or|and|nor|&|ni|o|y)\s+/, '');
  return wordCount(t) <= c.rules.modifierSettings.listItemMaxWords && !testAny(c.listItemStopper, t);
}

/** "denies fever, chest pain, or SOB": walk back over list items to the sentence's first clause. */
function listCue(doc: Doc, m: CompiledModifier, ci: number, c: CompiledTriageRules): Span | undefined {
  for (let i = ci; i > 0; i--) {
    const cl = doc.clauses[i]!;
    if (cl.first || !cl.afterComma || !isListItem(doc, cl, c)) return undefined;
    const prev = doc.clauses[i - 1]!;
    if (prev.sentence !== cl.sentence) return undefined;
    if (prev.first) return cueBefore(doc, m, { start: prev.end, end: prev.end }, prev.start, Number.MAX_SAFE_INTEGER, c);
  }
  return undefined;
}

/** The next clause of the sentence, when it starts by pointing back ("…, but it went away"). */
function anaphoricNext(doc: Doc, ci: number, c: CompiledTriageRules): Clause | undefined {
  const cl = doc.clauses[ci]!;
  const next = doc.clauses[ci + 1];
  if (!next || next.sentence !== cl.sentence || !c.anaphora) return undefined;
  const t = doc.text.slice(next.start, next.end);
  const lead = t.length - t.trimStart().length;
  c.anaphora.lastIndex = 0;
  const hit = c.anaphora.exec(t.slice(lead));
  return hit && hit.index === 0 ? next : undefined;
}

function find(doc: Doc, m: CompiledModifier, span: Span, ci: number, c: CompiledTriageRules): Span | undefined {
  if (doc.modifierSpans(m.index).length === 0) return undefined; // most modifiers have no cue in a message
  const scope = scopeOf(doc, ci, m.scope);
  if (m.direction !== 'backward') {
    const cue = cueBefore(doc, m, span, scope.start, m.window, c) ?? (m.category === 'negated' ? listCue(doc, m, ci, c) : undefined);
    if (cue) return cue;
  }
  if (m.direction !== 'forward') {
    const cue = cueAfter(doc, m, span.end, scope.end, m.window, c, scope.start);
    if (cue) return cue;
    const next = m.scope === 'clause' ? anaphoricNext(doc, ci, c) : undefined;
    if (next) return cueAfter(doc, m, next.start, next.end, m.window, c, next.start);
  }
  return undefined;
}

/**
 * Every modifier that governs `span`, and whether, taken together, they leave it affirmed. `rule`:
 * the red-flag rule the finding belongs to, for modifiers limited to some rules (`appliesTo`).
 */
export function judge(doc: Doc, span: Span, c: CompiledTriageRules, transient = false, rule?: string): Judgement {
  const modifiers: ModifierHit[] = [];
  const idiom = doc.idiomSpans.find((i) => i.start <= span.start && span.end <= i.end);
  if (idiom) modifiers.push({ modifier: 'idiom', category: 'idiom', cue: idiom, applies: true });
  const quoted = doc.quotedSpans.find((q) => q.start <= span.start && span.end <= q.end);
  if (quoted) modifiers.push({ modifier: 'quoted-reply', category: 'quoted', cue: { start: quoted.start, end: Math.min(quoted.end, quoted.start + 40) }, applies: true });
  const ci = clauseAt(doc.clauses, span.start);
  let current = false;
  for (const m of c.modifiers) {
    if (m.category === 'pseudo' || (m.lang && !doc.languages.includes(m.lang))) continue;
    if (m.appliesTo && (rule === undefined || !m.appliesTo.has(rule))) continue;
    const cue = find(doc, m, span, ci, c);
    if (!cue) continue;
    if (m.category === 'current') current = true;
    const applies = !(transient && m.category === 'resolved');
    modifiers.push({ modifier: m.name, category: m.category, cue, applies });
  }
  if (current) for (const h of modifiers) if (h.category === 'historical' || h.category === 'resolved') h.applies = false;
  return { affirmed: !modifiers.some((h) => h.applies && BLOCKING.has(h.category)), modifiers };
}
