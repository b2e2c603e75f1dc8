import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDefaultTriageRules } from '../../../src/config/triage-schema.ts';
import { evaluate, readNdjson, summary } from './evaluate.ts';

// The labelled dev corpus lives beside the clone (../shared), as in CI; BATON_DEV_CORPUS overrides.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const corpus = process.env.BATON_DEV_CORPUS ?? path.resolve(repoRoot, '../shared/corpus/dev-messages.ndjson');
const exists = fs.existsSync(corpus);

describe('triage against the labelled dev corpus', () => {
  it.skipIf(!exists)(`meets the quality bars on ${exists ? corpus : `${corpus} (not found: set BATON_DEV_CORPUS)`}`, () => {
    const result = evaluate(readNdjson(corpus), loadDefaultTriageRules());
    console.log(summary('dev corpus', result));
    expect(result.redFlagRecall).toBe(1);
    expect(result.redFlagPrecision).toBeGreaterThanOrEqual(0.9);
    expect(result.categoryAccuracy).toBeGreaterThanOrEqual(0.9);
  });
});
