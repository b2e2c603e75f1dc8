export { loadDefaultTriageRules } from './triage-schema.ts';
import fs from 'node:fs';
import YAML from 'yaml';
import type { TriageRules } from '../domain/triage/index.ts';
import { triageRulesSchema } from './triage-schema.ts';
import { formatPath } from './load.ts';

/** A clinic's own triage rules file (same shape as config/triage.default.yaml). */
export function loadTriageRulesFile(file: string): TriageRules {
  const text = fs.readFileSync(file, 'utf8');
  const parsed = triageRulesSchema.safeParse(YAML.parse(text));
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`);
  }
  return parsed.data as TriageRules;
}
