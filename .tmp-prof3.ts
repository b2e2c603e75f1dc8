import fs from 'node:fs';
import { loadDefaultTriageRules } from './src/config/triage-schema.ts';
import { compileTriageRules, triage } from './src/domain/triage/index.ts';
import { scoreCategories, hintCategory, pickCategory } from './src/domain/triage/categories.ts';
import { detectRedFlags, soundsUrgent } from './src/domain/triage/red-flags.ts';
import { Doc } from './src/domain/triage/doc.ts';
import { normalize } from './src/domain/triage/text.ts';
const rules = loadDefaultTriageRules();
const c = compileTriageRules(rules);
const read = (f: string) => fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l).message);
const msgs = [...read('/work/shared/corpus/dev-messages.ndjson'), ...read('test/domain/triage/holdout.ndjson')];
const texts = msgs.map((m) => normalize(`${m.subject}\n${m.body}`));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
const time = (label: string, fn: (i: number) => unknown) => {
  for (let i = 0; i < 5000; i++) fn(i % msgs.length);
  const out: number[] = [];
  for (let k = 0; k < 5; k++) { const c0 = cpu(); for (let i = 0; i < 20000; i++) fn(i % msgs.length); out.push((cpu() - c0) / 20000 * 1000); }
  console.log(label.padEnd(30), Math.min(...out).toFixed(2), 'µs/msg');
};
time('whole triage', (i) => triage(msgs[i]!, rules));
time('normalize x2', (i) => { normalize(msgs[i]!.subject ?? ''); normalize(msgs[i]!.body); });
time('detectRedFlags', (i) => detectRedFlags(new Doc(texts[i]!, c), c));
time('scoreCategories', (i) => scoreCategories(texts[i]!, (msgs[i]!.subject ?? '').length + 1, 0, c));
time('soundsUrgent', (i) => soundsUrgent(new Doc(texts[i]!, c), c));
time('hint (none)', (i) => hintCategory(undefined, c));
