import { loadDefaultTriageRules } from './src/config/triage-schema.ts';
import { triage } from './src/domain/triage/index.ts';
import fs from 'node:fs';
const rules = loadDefaultTriageRules();
const file = process.argv[2] ?? '/work/shared/corpus/dev-messages.ndjson';
for (const { message: m, expected: e } of fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))) {
  const r = triage({ subject: m.subject, body: m.body, categoryHint: m.category }, rules);
  const mark = r.baseCategory === e.category && (r.redFlags.length > 0) === e.redFlag ? '  ' : 'XX';
  console.log(mark, (m.externalId ?? '').padEnd(10), r.category.padEnd(17), r.baseCategory.padEnd(17), r.priority.padEnd(7), r.redFlags.join(',').padEnd(30), '|', m.body.slice(0, 70));
}
