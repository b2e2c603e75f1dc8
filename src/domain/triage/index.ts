/** Triage engine: pure, rule-driven. Rules are data (config/triage.default.yaml), validated in src/config. */
export { triage, type TriageInput, type TriageResult } from './triage.ts';
export type { TriageRules, CategoryRule, RedFlagRule, KeywordCategory, KeywordTiers } from './rules.ts';
export { compileTriageRules, type CompiledTriageRules } from './compile.ts';
export { patternProblem } from './patterns.ts';
