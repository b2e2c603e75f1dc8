import { queueFor } from '../app/context.ts';
import { runRuleExamples, triage, type TriageResult, type TriageRules } from '../domain/triage/index.ts';
import type { BatonConfig } from '../config/load.ts';
import { list, UsageError } from './usage.ts';
import { readMessageFile } from './read-messages.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

/**
 * `baton triage [--explain] <file>`: a dry run, one JSON line per message. With --explain each line
 * also says why: the rule and plain name of each red flag, the words that matched (as written) and
 * every modifier considered (negated, historical, hypothetical…), matches set aside and why,
 * clinical content, languages and spelling corrections. It prints patient text: run it on test
 * data or where the screen is private, never into a shared log.
 */
export function triageFile(args: string[], c: BatonConfig): void {
  const explain = args.includes('--explain');
  const files = args.filter((a) => a !== '--explain');
  if (files.length !== 1) throw new UsageError('Usage: baton triage [--explain] <file.json|file.ndjson>', 2);
  const file = files[0]!;
  const read = readMessageFile(file, new Date());
  if (read.problems.length) throw new UsageError(`${file} has ${read.problems.length} problem(s):\n${list(read.problems)}`);
  for (const { message } of read.messages) {
    const t = triage({ subject: message.subject, body: message.body, categoryHint: message.category }, c.triageRules);
    const line = {
      id: message.externalId,
      category: t.category,
      queue: queueFor(c.routing, t.category, t.redFlags.length > 0),
      priority: t.priority,
      redFlags: t.redFlags,
      ...(t.clinicalContent ? { clinicalContent: true } : {}),
      ...(explain ? { explain: explanation(t) } : {}),
    };
    out(JSON.stringify(line));
  }
}

function explanation(t: TriageResult) {
  const e = t.explanation;
  const finding = (f: (typeof e.redFlags)[number]['findings'][number]) => ({
    matched: f.match.text,
    in: f.match.field,
    affirmed: f.affirmed,
    ...(f.modifiers.length ? { modifiers: f.modifiers.map((m) => `${m.category} (${m.modifier}: "${m.cue.text}")${m.applies ? '' : ', disregarded'}`) } : {}),
  });
  return {
    baseCategory: t.baseCategory,
    languages: e.languages,
    ...(e.corrections.length ? { corrections: e.corrections.map((c) => `${c.from} → ${c.to}`) } : {}),
    redFlags: e.redFlags.map((r) => ({ rule: r.rule, label: r.label, evidence: r.evidence.map((x) => x.text), findings: r.findings.map(finding) })),
    setAside: e.setAside.map((r) => ({ rule: r.rule, findings: r.findings.map(finding) })),
    ...(e.clinicalContent.length ? { clinicalContent: e.clinicalContent.map((x) => x.text) } : {}),
  };
}

/** The rules' own examples (`examples: { flag, ignore }`), each failure named; empty when all pass. */
export function exampleProblems(rules: TriageRules): string[] {
  return runRuleExamples(rules).map(
    (f) => `${f.where}: example expected to ${f.kind === 'flag' ? 'raise a red flag' : 'raise none'} but ${f.got.length ? `raised ${f.got.join(', ')}` : 'raised none'}: ${JSON.stringify(f.example)}`,
  );
}

/** Throws a usage error listing every failing example; else the summary line to print. */
export function triageCheck(c: BatonConfig): string {
  const problems = exampleProblems(c.triageRules);
  if (problems.length) {
    throw new UsageError(`${c.file}: the triage rules fail ${problems.length} of their own example(s):\n${list(problems)}`);
  }
  const rules = c.triageRules;
  const examples = [...rules.redFlags, ...rules.modifiers].reduce((n, r) => n + (r.examples?.flag?.length ?? 0) + (r.examples?.ignore?.length ?? 0), 0);
  return (`Triage rules: ${rules.redFlags.length} red-flag rules, ${rules.modifiers.length} modifiers, ${rules.concepts.length} concepts; ${examples} examples pass.`);
}
