import fs from 'node:fs';
import { loadDefaultTriageRules } from './src/config/triage-schema.ts';
import { normalize } from './src/domain/triage/text.ts';
const rules = loadDefaultTriageRules();
const read = (f: string) => fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l).message);
const texts = [...read('/work/shared/corpus/dev-messages.ndjson'), ...read('test/domain/triage/holdout.ndjson')].map((m) => normalize(`${m.subject}\n${m.body}`));
const endOnly = (s: string) => `(?:${s})(?:\\b|(?<!\\w))`;
const join = (l: string[]) => l.map((p) => `(?:${p})`).join('|');
const isW = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
const scan = (re: RegExp, t: string) => { let n = 0; re.lastIndex = 0; for (let m = re.exec(t); m; m = re.exec(t)) { const p = m.index; if (p > 0 && isW(t.charCodeAt(p - 1)) && isW(t.charCodeAt(p))) { re.lastIndex = p + 1; continue; } n++; } return n; };
const bench = (label: string, res: RegExp[]) => {
  const run = () => { let n = 0; for (const t of texts) for (const re of res) n += scan(re, t); return n; };
  for (let i = 0; i < 100; i++) run();
  const out: number[] = [];
  for (let k = 0; k < 5; k++) { const t0 = performance.now(); const R = 100; for (let i = 0; i < R; i++) run(); out.push((performance.now() - t0) / R / texts.length * 1000); }
  console.log(label.padEnd(40), Math.min(...out).toFixed(1), 'µs/msg', run());
};
const tiers = (c: any) => ['strong', 'normal', 'weak'].flatMap((k) => (c[k]?.length ? [c[k] as string[]] : []));
const lists = rules.redFlags.map((r) => r.patterns);
for (const f of ['gi', 'g']) {
  bench(`red flags: 54 rules, endOnly, ${f}`, lists.map((l) => new RegExp(endOnly(join(l)), f)));
  bench(`red flags: union, endOnly, ${f}`, [new RegExp(endOnly(join(lists.map(join))), f)]);
  bench(`categories: 30 tiers, endOnly, ${f}`, rules.categories.flatMap((c) => tiers(c).map((l) => new RegExp(endOnly(join(l)), f))));
  bench(`categories: 10 merged, endOnly, ${f}`, rules.categories.map((c) => new RegExp(endOnly(join(tiers(c).map(join))), f)));
}
