// The ingest benchmark's client, in a worker thread: sending and reading HTTP no longer takes its
// share of the server's own event loop and CPU (it took about 13% of it in the server's process).
import { parentPort, workerData } from 'node:worker_threads';
import { load } from './support.ts';

export interface SenderJob {
  url: string;
  total: number;
  concurrency: number;
  run: string;
}

export const message = (i: number, run: string) =>
  JSON.stringify({ source: 'bench', externalId: `${run}-${i}`, sentAt: new Date().toISOString(), patient: { id: `p${i % 97}`, name: 'Bench Patient', mrn: '12345678' }, subject: 'Refill', body: 'I ran out of my lisinopril, please send a refill to my pharmacy.' });

if (parentPort) {
  const job = workerData as SenderJob;
  const result = await load(job.total, job.concurrency, async (i) => {
    const res = await fetch(`${job.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: message(i, job.run) });
    if (res.status !== 202) throw new Error(`unexpected ${res.status}`);
  });
  parentPort.postMessage(result);
}
