import { describe, expect, it } from 'vitest';
import { DEFAULT_TRIAGE_RULES_DIR, mergeRulesDocuments, readRulesDocuments } from '../../../src/config/triage-merge.ts';
import { expandLexicon } from '../../../src/config/triage-lexicon.ts';
import { parseTriageRules, triageRulesSchema, upgradeRules } from '../../../src/config/triage-schema.ts';

// The shipped rules as one merged document, the shape a clinic's single-file copy has.
const defaults = () => expandLexicon(upgradeRules(mergeRulesDocuments(readRulesDocuments([DEFAULT_TRIAGE_RULES_DIR])))).data as any;
const problems = (data: unknown) => {
  const r = triageRulesSchema.safeParse(data);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('triage rules schema', () => {
  it('accepts the shipped default rules', () => {
    expect(problems(defaults())).toEqual([]);
  });

  it('reports each bad pattern with its own path', () => {
    const data = defaults();
    data.redFlags[0].patterns[1] = 'chest (pain';
    data.categories[2].weak = ['ok', '*refill'];
    expect(problems(data)).toEqual([
      { path: 'categories.2.weak.1', message: expect.stringContaining('not a valid regular expression') },
      { path: 'redFlags.0.patterns.1', message: expect.stringContaining('not a valid regular expression') },
    ]);
  });

  it('reports bad fields, unknown keys and duplicates together with bad patterns', () => {
    const data = defaults();
    data.redFlags[1].priority = 'soon';
    data.redFlags[2].name = data.redFlags[0].name;
    data.categories[0].category = 'red-flag';
    data.idioms.push('(x)?');
    data.modifierSettings.window = 3;
    expect(problems(data).map((p) => p.path).sort()).toEqual(
      ['categories.0.category', 'idioms.' + (data.idioms.length - 1), 'modifierSettings', 'redFlags.1.priority', 'redFlags.2.name'].sort(),
    );
  });

  it('refuses back-references and named groups, which break when patterns are joined', () => {
    const data = defaults();
    data.urgency.patterns = ['(a)\\1', '(?<word>urgent)'];
    expect(problems(data).map((p) => p.path)).toEqual(['urgency.patterns.0', 'urgency.patterns.1']);
  });

  it('throws one error listing every problem with its path', () => {
    const data = defaults();
    data.clauseBreaks = ['[', '('];
    expect(() => parseTriageRules(data, 'my-triage.yaml')).toThrowError(
      /my-triage\.yaml is invalid \(2 problems\):\n {2}clauseBreaks\[0\]: .*\n {2}clauseBreaks\[1\]: /,
    );
  });
});
