import { describe, expect, it } from 'vitest';
import { loadDefaultTriageRules } from '../../../src/config/triage-schema.ts';
import { runRuleExamples, triage } from '../../../src/domain/triage/index.ts';

// Every red-flag rule and modifier of the shipped rules carries its own examples
// (`examples: { flag, ignore }`); `baton config check` runs the same ones for a clinic's file.
const rules = loadDefaultTriageRules();
const flags = (body: string) => triage({ body }, rules).redFlags;

const redFlagCases = rules.redFlags.flatMap((r) => [
  ...(r.examples?.flag ?? []).map((text) => [r.name, 'raises', text] as const),
  ...(r.examples?.ignore ?? []).map((text) => [r.name, 'does not raise', text] as const),
]);
const modifierCases = rules.modifiers.flatMap((m) => [
  ...(m.examples?.flag ?? []).map((text) => [m.name, 'still flags', text] as const),
  ...(m.examples?.ignore ?? []).map((text) => [m.name, 'sets aside', text] as const),
]);

describe('the shipped rules’ own examples', () => {
  it.each(redFlagCases)('%s %s "%s"', (rule, verb, text) => {
    expect(flags(text).includes(rule)).toBe(verb === 'raises');
  });

  it.each(modifierCases)('modifier %s %s "%s"', (_m, verb, text) => {
    expect(flags(text).length > 0).toBe(verb === 'still flags');
  });

  it('are all run by runRuleExamples, which names a failing one', () => {
    expect(runRuleExamples(rules)).toEqual([]);
    const broken = { ...rules, redFlags: rules.redFlags.map((r) => (r.name === 'low-oxygen' ? { ...r, examples: { flag: ['my oxygen is 97%'] } } : r)) };
    expect(runRuleExamples(broken)).toEqual([{ where: 'redFlags "low-oxygen"', kind: 'flag', example: 'my oxygen is 97%', got: [] }]);
  });
});
