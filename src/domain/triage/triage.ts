import { maxPriority, type Category, type Priority } from '../types.ts';
import { pickCategory, hintCategory, scoreCategories } from './categories.ts';
import { compileTriageRules } from './compile.ts';
import { Doc } from './doc.ts';
import type { ModifierHit } from './modifiers.ts';
import type { Span } from './patterns.ts';
import { highestPriority, scanRedFlags, soundsUrgent, type Finding } from './red-flags.ts';
import type { KeywordCategory, Language, TriageRules } from './rules.ts';

export interface TriageInput {
  subject?: string;
  body: string;
  /** The category the patient picked in the portal, if any (free text or one of our codes). */
  categoryHint?: string;
}

/** Words of the message, located in the raw subject or body. */
export interface Located {
  field: 'subject' | 'body';
  start: number;
  end: number;
  /** The words as the patient wrote them. Patient data: for the private view and `--explain` only. */
  text: string;
}

export interface ExplainedModifier {
  modifier: string;
  category: ModifierHit['category'];
  cue: Located;
  /** False when the rule disregards this kind (a transient finding that resolved). */
  applies: boolean;
}

export interface ExplainedFinding {
  match: Located;
  affirmed: boolean;
  modifiers: ExplainedModifier[];
}

export interface TriageExplanation {
  languages: Language[];
  /** Words read as another word ("cheast" → "chest"). */
  corrections: { from: string; to: string }[];
  /** Per red flag that fired: its plain name, the evidence (finding, second finding, readings) and every finding considered. */
  redFlags: { rule: string; label: string; evidence: Located[]; findings: ExplainedFinding[] }[];
  /** Rules whose words matched but were set aside, and why. */
  setAside: { rule: string; label: string; findings: ExplainedFinding[] }[];
  clinicalContent: Located[];
}

export interface TriageResult {
  /** `red-flag` when any red-flag rule fired, otherwise the keyword category. */
  category: Category;
  /** The topic of the message regardless of red flags (what `category` would be without them). */
  baseCategory: KeywordCategory | 'unclassified';
  priority: Priority;
  /** Names of the red-flag rules that fired, in rules order, e.g. ["chest-pain"]. */
  redFlags: string[];
  /** Their plain names for cards, same order: "chest pain". Never message text. */
  redFlagLabels: string[];
  /**
   * Safety-first routing: a current symptom in a message whose category is clerical (front desk,
   * billing, refills…) and that is not a red flag. The card shows a "clinical content" badge and
   * the priority is at least `clinicalContent.priority`.
   */
  clinicalContent: boolean;
  languages: Language[];
  explanation: TriageExplanation;
}

function explainFindings(doc: Doc, fs: readonly Finding[]): ExplainedFinding[] {
  return fs.map((f) => ({
    match: doc.locate(f.span),
    affirmed: f.affirmed,
    modifiers: f.modifiers.map((m) => ({ modifier: m.modifier, category: m.category, cue: doc.locate(m.cue), applies: m.applies })),
  }));
}

/** Pure and deterministic: the same input and rules always give the same result. */
export function triage(input: TriageInput, rules: TriageRules): TriageResult {
  const c = compileTriageRules(rules);
  const doc = new Doc(input.subject ?? '', input.body, c);
  const scan = scanRedFlags(doc, c);
  const hits = scan.hits;
  // A red-flag message gets the category it would have without the red flag (corpus label
  // convention 4): the red flag's own words do not score; each red flag counts as clinical evidence.
  const scored = scoreCategories(doc.text, doc.bodyStart, hits.length, c, [...doc.quotedSpans, ...hits.flatMap((h) => h.evidence)], !doc.spanishWords);
  const baseCategory = pickCategory(scored, hintCategory(input.categoryHint, c), rules.scoring.minScore);
  const redFlags = hits.map((h) => h.name);
  const loc = (s: Span) => doc.locate(s);
  const explain = (): TriageExplanation => ({
    languages: doc.languages,
    corrections: doc.corrections.map(({ from, to }) => ({ from, to })),
    redFlags: hits.map((h) => ({ rule: h.name, label: h.label, evidence: h.evidence.map(loc), findings: explainFindings(doc, h.findings) })),
    setAside: scan.setAside.map((s) => ({ rule: s.name, label: s.label, findings: explainFindings(doc, s.findings) })),
    clinicalContent: scan.clinical.map(loc),
  });
  const common = { baseCategory, redFlags, redFlagLabels: hits.map((h) => h.label), languages: doc.languages };
  if (hits.length > 0) {
    return withExplanation({ ...common, category: 'red-flag', priority: highestPriority(hits, 'routine'), clinicalContent: false }, explain);
  }
  const base =
    baseCategory === 'unclassified'
      ? rules.unclassified.priority
      : (c.categories.find((x) => x.category === baseCategory)?.priority ?? 'routine');
  const clinicalContent = scan.clinical.length > 0 && rules.clinicalContent.clericalCategories.includes(baseCategory);
  let priority = soundsUrgent(doc, c) ? maxPriority(base, rules.urgency.priority) : base;
  if (clinicalContent) priority = maxPriority(priority, rules.clinicalContent.priority);
  return withExplanation({ ...common, category: baseCategory, priority, clinicalContent }, explain);
}

/** The explanation is built when first read (ingestion never reads it; `--explain` and View message do). */
function withExplanation(r: Omit<TriageResult, 'explanation'>, explain: () => TriageExplanation): TriageResult {
  let cached: TriageExplanation | undefined;
  return Object.defineProperty(r, 'explanation', { get: () => (cached ??= explain()), enumerable: true }) as TriageResult;
}
