export { loadDefaultTriageRules, loadTriageRules } from './triage-schema.ts';
