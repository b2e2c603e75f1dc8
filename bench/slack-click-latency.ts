import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { startHarness } from '../test/adapters/slack/harness.ts';

/**
 * Click → ack latency of the Slack adapter: signed `block_actions` requests into the real Bolt
 * HTTP receiver (mounted on Baton's express server, embedded PGlite behind it), 20 people
 * clicking Claim on one card at the same moment, repeated over fresh cards.
 *
 * - "ack (Slack's view)": request sent → HTTP answer received, measured by a sender on its own
 *   thread (like Slack, it does not share Baton's event loop). Slack needs this within 3 s.
 * - "ack (server)": request arrival → answer written, inside Baton's express app.
 * - "private answer": click → the "Already claimed by …" reply reaching the 19 who lost
 *   (their response_url, on the fake Slack in Baton's process).
 * Prints figures; asserts nothing.
 *
 *   node --import tsx bench/slack-click-latency.ts [rounds]
 */

const SENDER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ url, requests }) => {
  const t = await Promise.all(requests.map(async (r) => {
    const t0 = performance.now();
    const res = await fetch(url, { method: 'POST', headers: r.headers, body: r.raw });
    await res.text();
    return { ms: performance.now() - t0, status: res.status };
  }));
  parentPort.postMessage(t);
});`;

const pct = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const fmt = (n: number) => `${n.toFixed(1)} ms`;
function summary(label: string, samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { measure: label, n: s.length, p50: fmt(pct(s, 50)), p90: fmt(pct(s, 90)), p99: fmt(pct(s, 99)), max: fmt(s.at(-1) ?? NaN) };
}

export async function benchSlackClicks(rounds = 30): Promise<void> {
  let server: number[] = [];
  const h = await startHarness({ extraRefills: 20, onAnswered: (ms) => server.push(ms) });
  const sender = new Worker(SENDER, { eval: true });
  const send = (requests: Array<{ raw: string; headers: Record<string, string> }>) =>
    new Promise<Array<{ ms: number; status: number }>>((resolve) => {
      sender.once('message', resolve);
      sender.postMessage({ url: h.eventsUrl, requests });
    });
  try {
    const users = Array.from({ length: 20 }, (_, n) => `U0CLK${String(n + 1).padStart(2, '0')}`);
    const round = async (clickers: string[]) => {
      const { itemId, card } = await h.newItem();
      const reqs = clickers.map((u) => h.clickRequest(u, card, 'item.claim'));
      const t0 = Date.now();
      server = [];
      const acks = await send(reqs.map(({ raw, headers }) => ({ raw, headers })));
      if (acks.some((a) => a.status !== 200)) throw new Error(`unexpected status ${acks.map((a) => a.status).join(',')}`);
      const deadline = Date.now() + 20_000;
      const expected = clickers.length - 1;
      const done = async () => reqs.filter((r) => h.fake.responsesFor(r.tag).length).length >= expected && (await h.ctx.store.findItem(itemId))!.ownerId !== null;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error('the claims were not all handled within 20 s');
        await new Promise((res) => setTimeout(res, 2));
      }
      const answers = reqs.flatMap((r) => h.fake.responsesFor(r.tag).map((resp) => resp.at - t0));
      return { acks: acks.map((a) => a.ms), server: [...server], answers, settled: Date.now() - t0 };
    };
    for (let i = 0; i < 3; i++) await round(users); // warm-up: JIT, connections, PGlite caches

    const one = { acks: [] as number[], server: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      const r = await round([users[i % 20]!]);
      one.acks.push(...r.acks);
      one.server.push(...r.server);
    }
    const many = { acks: [] as number[], server: [] as number[], answers: [] as number[], settled: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      const r = await round(users);
      many.acks.push(...r.acks);
      many.server.push(...r.server);
      many.answers.push(...r.answers);
      many.settled.push(r.settled);
    }
    console.log(`\nSlack click → ack: signed block_actions into Bolt's ExpressReceiver on Baton's server, PGlite, ${rounds} rounds`);
    console.table([
      summary('1 click: ack (Slack’s view)', one.acks),
      summary('1 click: ack (server)', one.server),
      summary('20 concurrent: ack (Slack’s view)', many.acks),
      summary('20 concurrent: ack (server)', many.server),
      summary('20 concurrent: private answer to the 19', many.answers),
      summary('20 concurrent: all 20 handled', many.settled),
    ]);
  } finally {
    await sender.terminate();
    await h.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchSlackClicks(Number(process.argv[2] ?? 30));
}
