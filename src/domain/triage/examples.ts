import { triage } from './triage.ts';
import type { RuleExamples, TriageRules } from './rules.ts';

/**
 * Rules carry their own tests: a red-flag rule's `flag` examples must raise it and its `ignore`
 * examples must not; a modifier's `flag` examples must still raise some red flag and its `ignore`
 * examples must raise none. `baton config check` runs them, so a clinic's edit cannot silently
 * break a rule.
 */
export interface ExampleFailure {
  /** e.g. `redFlags "chest-pain"` or `modifiers "negation-before"`. */
  where: string;
  kind: 'flag' | 'ignore';
  example: string;
  /** What triage raised instead. */
  got: string[];
}

export function runRuleExamples(rules: TriageRules): ExampleFailure[] {
  const failures: ExampleFailure[] = [];
  const run = (where: string, ex: RuleExamples | undefined, ok: (flags: string[], kind: 'flag' | 'ignore') => boolean) => {
    for (const kind of ['flag', 'ignore'] as const) {
      for (const example of ex?.[kind] ?? []) {
        const got = triage({ body: example }, rules).redFlags;
        if (!ok(got, kind)) failures.push({ where, kind, example, got });
      }
    }
  };
  for (const r of rules.redFlags) {
    run(`redFlags "${r.name}"`, r.examples, (got, kind) => got.includes(r.name) === (kind === 'flag'));
  }
  for (const m of rules.modifiers) {
    run(`modifiers "${m.name}"`, m.examples, (got, kind) => (got.length > 0) === (kind === 'flag'));
  }
  return failures;
}
