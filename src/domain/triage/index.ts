/** Triage engine: pure, rule-driven. Rules are data (config/triage/*.yaml), validated in src/config. */
export { triage, type TriageInput, type TriageResult, type TriageExplanation, type Located } from './triage.ts';
export type { TriageRules, CategoryRule, RedFlagRule, ModifierRule, ConceptRule, KeywordCategory, KeywordTiers, RuleExamples, ValueCondition, Language } from './rules.ts';
export { VALUE_NAMES } from './rules.ts';
export { compileTriageRules, buildRulesSpelling, type CompiledTriageRules } from './compile.ts';
export { protectedWords } from './spelling.ts';
export { patternProblem } from './patterns.ts';
export { runRuleExamples, type ExampleFailure } from './examples.ts';
