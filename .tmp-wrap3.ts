import fs from 'node:fs';
import { loadDefaultTriageRules } from './src/config/triage-schema.ts';
import { normalize } from './src/domain/triage/text.ts';
const rules = loadDefaultTriageRules();
const read = (f: string) => fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l).message);
const texts = [...read('/work/shared/corpus/dev-messages.ndjson'), ...read('test/domain/triage/holdout.ndjson')].map((m) => normalize(`${m.subject}\n${m.body}`));
const bOr = (s: string) => `(?:\\b|(?!\\w))(?:${s})(?:\\b|(?<!\\w))`;
const join = (l: string[]) => l.map((p) => `(?:${p})`).join('|');
const bench = (label: string, res: RegExp[]) => {
  const run = () => { let n = 0; for (const t of texts) for (const re of res) { re.lastIndex = 0; while (re.exec(t)) n++; } return n; };
  for (let i = 0; i < 100; i++) run();
  const out: number[] = [];
  for (let k = 0; k < 5; k++) { const t0 = performance.now(); const R = 100; for (let i = 0; i < R; i++) run(); out.push((performance.now() - t0) / R / texts.length * 1000); }
  console.log(label.padEnd(40), Math.min(...out).toFixed(1), 'µs/msg (best of 5)');
};
const tiers = (c: any) => ['strong', 'normal', 'weak'].flatMap((k) => (c[k]?.length ? [c[k] as string[]] : []));
const lists = rules.redFlags.map((r) => r.patterns);
bench('red flags: 54 rules, gi', lists.map((l) => new RegExp(bOr(join(l)), 'gi')));
bench('red flags: union, gi', [new RegExp(bOr(join(lists.map(join))), 'gi')]);
bench('red flags: union, g', [new RegExp(bOr(join(lists.map(join))), 'g')]);
bench('categories: 30 tiers, gi', rules.categories.flatMap((c) => tiers(c).map((l) => new RegExp(bOr(join(l)), 'gi'))));
bench('categories: 10 merged, gi', rules.categories.map((c) => new RegExp(bOr(join(tiers(c).map(join))), 'gi')));
bench('categories: 1 union by tier, gi', [new RegExp(bOr(join(['strong', 'normal', 'weak'].flatMap((k) => rules.categories.flatMap((c: any) => c[k] ?? [])))), 'gi')]);
bench('categories: 1 union by tier, g', [new RegExp(bOr(join(['strong', 'normal', 'weak'].flatMap((k) => rules.categories.flatMap((c: any) => c[k] ?? [])))), 'g')]);
