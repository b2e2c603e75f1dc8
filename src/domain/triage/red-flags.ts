import { maxPriority, type Priority } from '../types.ts';
import type { CompiledRedFlag, CompiledTriageRules } from './compile.ts';
import type { Doc } from './doc.ts';
import { judge, type ModifierHit } from './modifiers.ts';
import { findAll, type Span } from './patterns.ts';
import type { ValueCondition } from './rules.ts';

/** One finding the engine looked at: where, and the modifiers that were considered for it. */
export interface Finding {
  span: Span;
  affirmed: boolean;
  modifiers: ModifierHit[];
}

export interface RedFlagHit {
  name: string;
  label: string;
  priority: Priority;
  /** The affirmed finding (or reading) that made the rule fire. */
  evidence: Span[];
  /** Every match of the rule's finding, affirmed or set aside, with its modifiers. */
  findings: Finding[];
}

export interface RedFlagScan {
  hits: RedFlagHit[];
  /** Rules whose finding matched but was set aside (negated, historical…): for explanations. */
  setAside: { name: string; label: string; findings: Finding[] }[];
  /** Affirmed clinical-content findings (the safety-first check). */
  clinical: Span[];
}

function holds(doc: Doc, cond: ValueCondition, c: CompiledTriageRules): Span | undefined {
  for (const r of doc.readings) {
    if (r.value !== cond.value) continue;
    if (cond.below !== undefined && !(r.amount < cond.below)) continue;
    if (cond.atLeast !== undefined && !(r.amount >= cond.atLeast)) continue;
    if (judge(doc, r.span, c).affirmed) return r.span;
  }
  return undefined;
}

function firstAffirmed(re: RegExp | null, doc: Doc, c: CompiledTriageRules): Span | undefined {
  return findAll(re, doc.text).find((s) => judge(doc, s, c).affirmed);
}

/** The evidence for `rule` beyond its finding (the `with` finding and the value conditions), or null when a part fails. */
function extraEvidence(doc: Doc, rule: CompiledRedFlag, c: CompiledTriageRules): Span[] | null {
  const evidence: Span[] = [];
  // Readings first: most messages have none, and then the (whole-text) `with` search is not needed.
  for (const cond of rule.values) {
    const s = holds(doc, cond, c);
    if (!s) return null;
    evidence.push(s);
  }
  if (rule.valuesAny.length) {
    const s = rule.valuesAny.map((cond) => holds(doc, cond, c)).find(Boolean);
    if (!s) return null;
    evidence.push(s);
  }
  if (rule.with) {
    const w = firstAffirmed(rule.with, doc, c);
    if (!w) return null;
    evidence.unshift(w);
  }
  return evidence;
}

/**
 * Red flags are searched in subject AND body together: subject lines alone catch only 15% of
 * high-risk messages (North 2013, DOMAIN.md §2.3 cautions). A hit means "RN reviews within
 * minutes", never a diagnosis. Every occurrence of a finding counts (overlapping ones too): a
 * negated mention must not hide an affirmed one.
 */
export function scanRedFlags(doc: Doc, c: CompiledTriageRules): RedFlagScan {
  const findings: Finding[][] = c.redFlags.map(() => []);
  const byList = new Map<number, number[]>();
  c.redFlags.forEach((r, i) => r.finding >= 0 && byList.set(r.finding, [...(byList.get(r.finding) ?? []), i]));
  const clinical: Span[] = [];
  // Once a rule has an affirmed finding in the body, later matches cannot change whether it fires:
  // they are not judged (judging is most of the cost). A match inside one already judged is not either.
  const settled = new Uint8Array(c.redFlags.length);
  let clinicalSettled = false;
  c.findingIndex.scan(doc.text, true, (list, start, end) => {
    const span = { start, end };
    if (list === c.clinicalList) {
      if (clinicalSettled || clinical.some((s) => s.start <= start && end <= s.end)) return;
      if (judge(doc, span, c).affirmed) (clinical.push(span), (clinicalSettled = true));
      return;
    }
    for (const i of byList.get(list) ?? []) {
      if (settled[i]) continue;
      const j = judge(doc, span, c, c.redFlags[i]!.transient, c.redFlags[i]!.name);
      findings[i]!.push({ span, ...j });
      // A subject-only finding can still be overruled by the body (bodyDecides): keep judging then.
      if (j.affirmed && start >= doc.bodyStart) settled[i] = 1;
    }
  }, !doc.spanishWords);
  const hits: RedFlagHit[] = [];
  const setAside: RedFlagScan['setAside'] = [];
  c.redFlags.forEach((rule, i) => {
    const fs = findings[i]!;
    bodyDecides(doc, fs);
    const main = rule.finding >= 0 ? fs.find((f) => f.affirmed) : undefined;
    if (rule.finding >= 0 && !main) {
      if (fs.length) setAside.push({ name: rule.name, label: rule.label, findings: fs });
      return;
    }
    const extra = extraEvidence(doc, rule, c);
    if (!extra) return;
    hits.push({ name: rule.name, label: rule.label, priority: rule.priority, evidence: main ? [main.span, ...extra] : extra, findings: fs });
  });
  return { hits, setAside, clinical };
}

/**
 * The body decides, the subject is only a hint (corpus label convention 2): a finding named only in
 * the subject ("Stroke signs", "Brother's heart attack") whose every mention in the body was set
 * aside (hypothetical, historical…) is set aside too, for the same reason.
 */
function bodyDecides(doc: Doc, fs: Finding[]): void {
  if (doc.bodyStart === 0) return;
  const inBody = fs.filter((f) => f.span.start >= doc.bodyStart);
  if (inBody.length === 0 || inBody.some((f) => f.affirmed)) return;
  const why = inBody.flatMap((f) => f.modifiers).find((m) => m.applies);
  if (!why) return;
  for (const f of fs) {
    if (f.span.start >= doc.bodyStart || !f.affirmed) continue;
    f.affirmed = false;
    f.modifiers.push({ ...why, modifier: `${why.modifier} (in the body)` });
  }
}

export function highestPriority(hits: readonly RedFlagHit[], floor: Priority): Priority {
  return hits.reduce<Priority>((p, h) => maxPriority(p, h.priority), floor);
}

/** DOMAIN.md §2.3 I.54–56: "urgent", "ASAP", "emergency"… raise review priority only. "Not urgent" does not. */
export function soundsUrgent(doc: Doc, c: CompiledTriageRules): boolean {
  return firstAffirmed(c.urgency, doc, c) !== undefined;
}
