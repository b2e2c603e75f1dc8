import fs from 'node:fs';
import { loadDefaultTriageRules } from './src/config/triage-schema.ts';
import { triage } from './src/domain/triage/index.ts';
const rules = loadDefaultTriageRules();
const read = (f: string) => fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l).message);
const msgs = [...read('/work/shared/corpus/dev-messages.ndjson'), ...read('test/domain/triage/holdout.ndjson')];
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const run = (label: string, list: { subject?: string; body: string }[], n: number, rounds = 5) => {
  for (let i = 0; i < 3000; i++) triage(list[i % list.length]!, rules);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = cpu(); const w0 = performance.now();
    for (let i = 0; i < n; i++) triage(list[i % list.length]!, rules);
    const c = cpu() - c0; const w = (performance.now() - w0) / 1000;
    rates.push(n / c);
    if (r === rounds - 1) console.log(`${label}: best ${Math.round(Math.max(...rates))} msg/s per CPU-second (median ${Math.round(rates.sort((a, b) => a - b)[rounds >> 1]!)}); last round wall ${Math.round(n / w)} msg/s; avg body ${Math.round(list.reduce((a, m) => a + m.body.length, 0) / list.length)} chars`);
  }
};
run('corpus+holdout', msgs, 40_000);
run('8x longer bodies', msgs.map((m) => ({ subject: m.subject, body: Array(8).fill(m.body).join(' And also, ') })), 5_000);
run('pathological 10-12k chars', [{ body: 'a '.repeat(5000) + 'chest ' + 'b, '.repeat(2000) }, { body: "my son's my son's ".repeat(500) + 'is not' }], 60, 3);
