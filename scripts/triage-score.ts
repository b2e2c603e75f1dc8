// Scores the triage rules against labelled NDJSON corpora (../shared/corpus format) and prints
// recall, precision, category accuracy and every miss. Usage:
//   node --import tsx scripts/triage-score.ts [--rules <file|dir>]... [--only <id,id>] <corpus.ndjson>...
import { loadDefaultTriageRules, loadTriageRules } from '../src/config/triage-schema.ts';
import { evaluate, readNdjson, summary } from '../test/domain/triage/evaluate.ts';

const args = process.argv.slice(2);
const rulesSources: string[] = [];
const files: string[] = [];
let only: Set<string> | undefined;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--rules') rulesSources.push(args[++i]!);
  else if (args[i] === '--only') only = new Set(args[++i]!.split(','));
  else files.push(args[i]!);
}
const rules = rulesSources.length ? loadTriageRules(rulesSources) : loadDefaultTriageRules();
for (const f of files) {
  const rows = readNdjson(f).filter((r) => !only || only.has(r.message.externalId ?? ''));
  console.log(summary(f.split('/').pop()!, evaluate(rows, rules)).replace(/; /g, '\n  '));
}
