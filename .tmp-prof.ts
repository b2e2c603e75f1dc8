import fs from 'node:fs';
import { loadDefaultTriageRules } from './src/config/triage-schema.ts';
import { compileTriageRules } from './src/domain/triage/index.ts';
import { findAll } from './src/domain/triage/patterns.ts';
import { normalize, segment } from './src/domain/triage/text.ts';
const rules = loadDefaultTriageRules();
const c = compileTriageRules(rules);
const read = (f: string) => fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l).message);
const texts = [...read('/work/shared/corpus/dev-messages.ndjson'), ...read('test/domain/triage/holdout.ndjson')].map((m) => normalize(`${m.subject}\n${m.body}`));
const N = 20000;
const time = (label: string, fn: (t: string) => void) => {
  for (let i = 0; i < 500; i++) fn(texts[i % texts.length]!);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) fn(texts[i % texts.length]!);
  console.log(label.padEnd(28), ((performance.now() - t0) / N * 1000).toFixed(2), 'µs/msg');
};
time('segment', (t) => segment(t, c.clauseBreak));
time('idioms', (t) => findAll(c.idioms, t));
time('redFlags (54 regex)', (t) => { for (const r of c.redFlags) findAll(r.re, t); });
time('categories (tiers)', (t) => { for (const k of c.categories) for (const x of k.tiers) findAll(x.re, t); });
time('urgency', (t) => findAll(c.urgency, t));
// per-rule cost
const costs = c.redFlags.map((r) => { const t0 = performance.now(); for (let i = 0; i < 5000; i++) findAll(r.re, texts[i % texts.length]!); return [r.name, (performance.now() - t0) / 5000 * 1000] as const; });
console.log(costs.sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, t]) => `${n}:${t.toFixed(2)}`).join(' '));
const cc = c.categories.flatMap((k) => k.tiers.map((x, i) => { const t0 = performance.now(); for (let j = 0; j < 5000; j++) findAll(x.re, texts[j % texts.length]!); return [`${k.category}/${i}`, (performance.now() - t0) / 5000 * 1000] as const; }));
console.log(cc.sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, t]) => `${n}:${t.toFixed(2)}`).join(' '));
