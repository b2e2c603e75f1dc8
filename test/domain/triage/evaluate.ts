import fs from 'node:fs';
import { triage, type TriageRules } from '../../../src/domain/triage/index.ts';

/** One labelled line of a corpus file (../shared/corpus/dev-messages.ndjson format). */
export interface LabelledMessage {
  message: { externalId?: string; subject?: string; body: string; category?: string };
  expected: { category: string; redFlag: boolean };
}

export interface Evaluation {
  total: number;
  categoryAccuracy: number;
  redFlagRecall: number;
  redFlagPrecision: number;
  /** "id: expected → got" for every category or red-flag mismatch. */
  misclassified: string[];
  /**
   * Messages labelled clinical (clinical-question, or a red flag) that triage left in a clerical
   * category with neither a red flag nor the clinical-content badge: the safety-first bar is 0.
   */
  clinicalUnbadged: string[];
}

const CLINICAL = new Set(['clinical-question', 'rx-question', 'test-result']);

export function readNdjson(file: string): LabelledMessage[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LabelledMessage);
}

/**
 * Scores triage against labels. The corpus labels a red-flag message with its underlying topic
 * (e.g. rx-refill + redFlag), so category accuracy compares `baseCategory`.
 */
export function evaluate(rows: LabelledMessage[], rules: TriageRules): Evaluation {
  let correct = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const misclassified: string[] = [];
  const clinicalUnbadged: string[] = [];
  rows.forEach(({ message: m, expected }, i) => {
    const r = triage({ subject: m.subject, body: m.body, categoryHint: m.category }, rules);
    const flagged = r.redFlags.length > 0;
    if (r.baseCategory === expected.category) correct++;
    if ((expected.category === 'clinical-question' || expected.redFlag) && !flagged && !CLINICAL.has(r.category) && !r.clinicalContent) {
      clinicalUnbadged.push(m.externalId ?? `#${i + 1}`);
    }
    if (flagged && expected.redFlag) tp++;
    if (flagged && !expected.redFlag) fp++;
    if (!flagged && expected.redFlag) fn++;
    if (r.baseCategory !== expected.category || flagged !== expected.redFlag) {
      const want = `${expected.category}${expected.redFlag ? '+red-flag' : ''}`;
      const got = `${r.baseCategory}${flagged ? `+red-flag(${r.redFlags.join(',')})` : ''}`;
      misclassified.push(`${m.externalId ?? `#${i + 1}`}: ${want} → ${got}`);
    }
  });
  return {
    total: rows.length,
    categoryAccuracy: rows.length ? correct / rows.length : 0,
    redFlagRecall: tp + fn ? tp / (tp + fn) : 1,
    redFlagPrecision: tp + fp ? tp / (tp + fp) : 1,
    misclassified,
    clinicalUnbadged,
  };
}

export const summary = (label: string, e: Evaluation) =>
  `${label}: ${e.total} messages, category accuracy ${(e.categoryAccuracy * 100).toFixed(1)}%, ` +
  `red-flag recall ${(e.redFlagRecall * 100).toFixed(1)}%, precision ${(e.redFlagPrecision * 100).toFixed(1)}%, ` +
  `clinical content in a clerical queue without a badge: ${e.clinicalUnbadged.length ? e.clinicalUnbadged.join(', ') : 0}, ` +
  `misclassified: ${e.misclassified.length ? e.misclassified.join('; ') : 'none'}`;
