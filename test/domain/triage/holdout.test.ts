import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDefaultTriageRules } from '../../../src/config/triage-schema.ts';
import { evaluate, readNdjson, summary } from './evaluate.ts';

// Messages written independently of the dev corpus (other wording, negations, idioms, reply
// subjects): a guard against rules that only memorise the corpus sentences.
const holdout = fileURLToPath(new URL('./holdout.ndjson', import.meta.url));

describe('triage against the held-out messages', () => {
  it('meets the same bars as the dev corpus', () => {
    const result = evaluate(readNdjson(holdout), loadDefaultTriageRules());
    console.log(summary('held-out', result));
    expect(result.total).toBeGreaterThanOrEqual(30);
    expect(result.redFlagRecall).toBe(1);
    expect(result.redFlagPrecision).toBeGreaterThanOrEqual(0.9);
    expect(result.categoryAccuracy).toBeGreaterThanOrEqual(0.9);
  });
});
