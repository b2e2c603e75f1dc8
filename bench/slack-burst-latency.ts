import { pathToFileURL } from 'node:url';
import { startHarness } from '../test/adapters/slack/harness.ts';
import type { StoredMessage } from '../test/adapters/slack/fake-slack.ts';

/**
 * Click → card updated during a burst: the real Slack adapter, outbox worker and Slack's real
 * pacing (DEFAULT_PACE_MS: one chat.postMessage per second per channel) against the local fake
 * Slack, embedded PGlite. `clicks` cards are posted in the refills channel first; then a burst
 * of `burst` new cards is queued for that same channel and, while it drains, one Claim per
 * second lands on the posted cards. The figure is click sent → the card's chat.update reaching
 * Slack. The floor is the same click, one per second, with no burst queued, measured in the same run
 * (BENCH_VERBOSE=1 prints every sample).
 * Prints figures; asserts nothing.
 *
 *   node --import tsx bench/slack-burst-latency.ts [burst] [clicks]
 */

const pct = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : 'not shown');

export async function benchSlackBurst(burst = 300, clicks = 20, giveUpMs = 60_000): Promise<void> {
  const h = await startHarness({ live: true, extraRefills: clicks });
  try {
    const cards: StoredMessage[] = [];
    for (let i = 0; i < clicks * 2; i++) cards.push((await h.newItem()).card);
    const shown = (card: StoredMessage, after: number) => h.fake.calls.find((c) => c.method === 'chat.update' && c.params.ts === card.ts && c.at >= after && c.result?.ok);
    const claim = async (card: StoredMessage, n: number) => {
      const t0 = Date.now();
      const r = await h.click(`U0CLK${String((n % clicks) + 1).padStart(2, '0')}`, card, 'item.claim');
      if (r.status !== 200) throw new Error(`click answered ${r.status}`);
      for (;;) {
        const call = shown(card, t0);
        if (call) return call.at - t0;
        if (Date.now() - t0 > giveUpMs) return Infinity;
        await new Promise((res) => setTimeout(res, 5));
      }
    };

    const floor: number[] = [];
    for (let i = 0; i < clicks; i++) {
      floor.push(await claim(cards[i]!, i));
      await new Promise((res) => setTimeout(res, 1_000)); // the same one click per second as during the burst
    }
    if (process.env.BENCH_VERBOSE) console.log('floor samples', floor.map((x) => Math.round(x)).join(' '));

    const postsBefore = h.fake.calls.filter((c) => c.method === 'chat.postMessage').length;
    for (let i = 0; i < burst; i++) await h.ingest({ body: 'Please refill my inhaler, I am out.' });
    const during: Array<Promise<number>> = [];
    for (let i = 0; i < clicks; i++) {
      await new Promise((res) => setTimeout(res, 1_000));
      during.push(claim(cards[clicks + i]!, i));
    }
    const burstMs = await Promise.all(during);
    if (process.env.BENCH_VERBOSE) console.log('burst samples', burstMs.map((x) => Math.round(x)).join(' '));
    const postsDuring = h.fake.calls.filter((c) => c.method === 'chat.postMessage').length - postsBefore;

    const f = [...floor].sort((a, b) => a - b);
    const b = [...burstMs].sort((a, b) => a - b);
    console.log(`\nSlack click → card updated during a ${burst}-card burst into one channel (real pacing, fake Slack, PGlite; ${clicks} clicks, 1 per second; ${postsDuring} burst cards posted meanwhile)`);
    console.table([
      { measure: 'no burst (floor)', n: f.length, p50: ms(pct(f, 50)), p99: ms(pct(f, 99)), max: ms(f.at(-1)!) },
      { measure: `during the ${burst}-card burst`, n: b.length, p50: ms(pct(b, 50)), p99: ms(pct(b, 99)), max: ms(b.at(-1)!), 'not shown in 60 s': b.filter((x) => !Number.isFinite(x)).length },
      { measure: 'burst / floor', p50: `${(pct(b, 50) / pct(f, 50)).toFixed(1)}×`, p99: `${(pct(b, 99) / pct(f, 99)).toFixed(1)}×` },
    ]);
  } finally {
    await h.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchSlackBurst(Number(process.argv[2] ?? 300), Number(process.argv[3] ?? 20));
}
