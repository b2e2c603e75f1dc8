import { loadDefaultTriageRules } from './src/config/triage-schema.ts';
import { triage } from './src/domain/triage/index.ts';
import fs from 'node:fs';
const rules = loadDefaultTriageRules();
const lines = fs.readFileSync('/work/shared/corpus/dev-messages.ndjson', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
let ok = 0, tp = 0, fp = 0, fn = 0;
for (const { message: m, expected: e } of lines) {
  const r = triage({ subject: m.subject, body: m.body, categoryHint: m.category }, rules);
  const catOk = r.baseCategory === e.category; if (catOk) ok++;
  const rf = r.redFlags.length > 0;
  if (rf && e.redFlag) tp++; if (rf && !e.redFlag) fp++; if (!rf && e.redFlag) fn++;
  if (!catOk || rf !== e.redFlag) console.log(m.externalId, 'exp', e.category, e.redFlag, 'got', r.baseCategory, r.redFlags.join(','), r.priority, '|', m.subject, '|', m.body);
}
console.log(`acc ${ok}/${lines.length} tp ${tp} fp ${fp} fn ${fn}`);
