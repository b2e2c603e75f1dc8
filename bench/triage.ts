import { loadConfig } from '../src/config/load.ts';
import { triage } from '../src/domain/triage/index.ts';
import { table } from './support.ts';

/** Triage speed on a mix of short and long messages (pure CPU, one core). */
export async function benchTriage(): Promise<void> {
  const c = loadConfig();
  if (!c.ok) throw new Error(c.problems.join('\n'));
  const samples = [
    { subject: 'Refill', body: 'I ran out of my lisinopril yesterday, can you send a refill to CVS?' },
    { subject: '', body: 'I have had chest pressure since this morning and I feel short of breath.' },
    { subject: 'bill', body: 'I got a bill for my last visit but I think insurance should have covered the copay. '.repeat(8) },
    { subject: 'question', body: 'No chest pain, just a cough that is killing me. Should I be seen?' },
  ];
  const n = 20_000;
  for (let i = 0; i < 2_000; i++) triage(samples[i % 4]!, c.config.triageRules);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) triage(samples[i % 4]!, c.config.triageRules);
  const s = (performance.now() - t0) / 1000;
  table('Triage (one core)', [{ messages: n, 'messages/s': n / s, 'µs/message': (s / n) * 1e6 }]);
}
