import fs from 'node:fs';
import { loadConfig } from '../src/config/load.ts';
import { triage } from '../src/domain/triage/index.ts';
import { normalize } from '../src/domain/triage/text.ts';
import { table } from './support.ts';

/**
 * Triage speed with the full shipped rules on the held-out messages that ship with the tests
 * (197 real-world-shaped messages: English, Spanish, misspellings, long clerical ones), one core.
 * Floor, in the same run: lower-casing each message and looking up each of its words in a set —
 * the least any word-based triage must do. Each figure is the best of four rounds.
 */
export async function benchTriage(n = 20_000): Promise<void> {
  const c = loadConfig();
  if (!c.ok) throw new Error(c.problems.join('\n'));
  const rules = c.config.triageRules;
  const samples = ['holdout.ndjson', 'holdout-2.ndjson'].flatMap((f) =>
    fs
      .readFileSync(new URL(`../test/domain/triage/${f}`, import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).message as { subject?: string; body: string }),
  );
  // The four messages the earlier bench used (16,100/s with the old, smaller rules), for comparison.
  const earlier = [
    { subject: 'Refill', body: 'I ran out of my lisinopril yesterday, can you send a refill to CVS?' },
    { subject: '', body: 'I have had chest pressure since this morning and I feel short of breath.' },
    { subject: 'bill', body: 'I got a bill for my last visit but I think insurance should have covered the copay. '.repeat(8) },
    { subject: 'question', body: 'No chest pain, just a cough that is killing me. Should I be seen?' },
  ];
  const words = new Set(['chest', 'pain', 'refill', 'bill', 'fever']);
  const floor = (m: { subject?: string; body: string }) => {
    let n = 0;
    for (const w of normalize(`${m.subject ?? ''}\n${m.body}`).split(/[^a-z']+/)) if (words.has(w)) n++;
    return n;
  };
  /** Seconds for `n` messages: the best of four rounds (a round of n/4), after a warm-up. */
  const time = (f: (m: { subject?: string; body: string }) => unknown, n: number, set = samples) => {
    for (let i = 0; i < 2_000; i++) f(set[i % set.length]!);
    let best = Infinity;
    for (let round = 0; round < 4; round++) {
      const t0 = performance.now();
      for (let i = 0; i < n / 4; i++) f(set[i % set.length]!);
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    return best * 4;
  };
  const baton = time((m) => triage(m, rules), n);
  const base = time(floor, n);
  const before = time((m) => triage(m, rules), n, earlier);
  const beforeFloor = time(floor, n, earlier);
  table('Triage, full shipped rules (one core)', [
    { what: 'baton triage', messages: n, 'messages/s': Math.round(n / baton), 'µs/message': Math.round((baton / n) * 1e6) },
    { what: 'floor: normalise + word look-ups', messages: n, 'messages/s': Math.round(n / base), 'µs/message': Math.round((base / n) * 1e6) },
    { what: 'ratio (floor time / baton time)', messages: n, 'messages/s': Number((base / baton).toFixed(3)), 'µs/message': '' },
    { what: "baton triage, the earlier bench's 4 messages", messages: n, 'messages/s': Math.round(n / before), 'µs/message': Math.round((before / n) * 1e6) },
    { what: 'floor on those 4', messages: n, 'messages/s': Math.round(n / beforeFloor), 'µs/message': Math.round((beforeFloor / n) * 1e6) },
    { what: 'ratio on those 4', messages: n, 'messages/s': Number((beforeFloor / before).toFixed(3)), 'µs/message': '' },
  ]);
}
