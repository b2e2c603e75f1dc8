import { pathToFileURL } from 'node:url';
import { openDatabase } from '../src/store/database.ts';
import { cardText, startTeamsHarness } from '../test/adapters/teams/harness.ts';
import type { TestDb } from '../test/support/databases.ts';
import { benchPostgresUrl, scratchDatabase } from './support.ts';

/**
 * Invoke → response latency of the Teams adapter: `adaptiveCard/action` invokes POSTed to
 * `/api/messages` on Baton's express server, through the real teams-ai `Application` and
 * `TeamsAdapter` (auth off), with the in-turn card refresh (REPLACE_FOR_ALL) going to a local
 * fake Bot Connector. On embedded PGlite (one connection: transactions queue up) and on
 * PostgreSQL when one is reachable (BENCH_DATABASE_URL / TEST_DATABASE_URL / local default).
 * Teams wants the answer within ~5 s. Prints figures; asserts nothing.
 *
 *   node --import tsx bench/teams-invoke-latency.ts [rounds]
 *
 * - 20 concurrent, different cards: 20 people each claim their own card at the same moment
 *   (the same queue channel, so the per-thread limit of 7 sends/s defers most in-turn
 *   refreshes to the outbox; the answers are not held back by it).
 * - 20 concurrent, one card: 20 people click Claim on the same card; 1 wins, 19 get a private
 *   "already claimed" card.
 */

const pct = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const fmt = (n: number) => `${n.toFixed(1)} ms`;

function summary(label: string, samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { measure: label, n: s.length, p50: fmt(pct(s, 50)), p90: fmt(pct(s, 90)), p99: fmt(pct(s, 99)), max: fmt(s.at(-1) ?? NaN) };
}

async function postgresDb(url: string): Promise<TestDb> {
  const scratch = await scratchDatabase(url, 'baton_bench_teams');
  const db = await openDatabase({ url: scratch.url, dataDir: '' });
  await db.migrate();
  return { db, cleanup: async () => { await db.close(); await scratch.drop(); } };
}

export async function benchTeamsInvokes(rounds = 20): Promise<void> {
  await benchOn('PGlite', rounds);
  const url = await benchPostgresUrl();
  if (url) await benchOn('PostgreSQL', rounds, () => postgresDb(url));
  else console.log('\n(PostgreSQL not reachable: skipped)');
}

async function benchOn(label: string, rounds: number, openDb?: () => Promise<TestDb>): Promise<void> {
  const h = await startTeamsHarness({ extraRefills: 20, openDb });
  try {
    await h.install();
    const users = Array.from({ length: 20 }, (_, i) => `clicker-${String(i + 1).padStart(2, '0')}`);
    const timed = async (fn: () => Promise<{ status: number; card: any }>) => {
      const t0 = performance.now();
      const r = await fn();
      if (r.status !== 200 || r.card?.type !== 'AdaptiveCard') throw new Error(`invoke answered ${r.status}`);
      return { ms: performance.now() - t0, card: r.card };
    };
    // Warm up: the first requests pay for JIT, module loading and connection setup.
    for (let i = 0; i < 3; i++) {
      const { card } = await h.seededItem();
      await Promise.all(users.map((u) => h.click(u, card, 'item.claim')));
    }
    await new Promise((r) => setTimeout(r, 2_000)); // let the per-thread windows empty

    const single: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const { card } = await h.seededItem();
      single.push((await timed(() => h.click(users[i % 20]!, card, 'item.claim'))).ms);
      await new Promise((r) => setTimeout(r, 150)); // stay under 7 sends/s so every refresh goes out in the turn
    }

    const spread: number[] = [];
    const putsBefore = h.fake.ok('update').length;
    for (let r = 0; r < rounds; r++) {
      const cards = await Promise.all(users.map(() => h.seededItem()));
      const results = await Promise.all(users.map((u, i) => timed(() => h.click(u, cards[i]!.card, 'item.claim'))));
      for (const x of results) spread.push(x.ms);
    }
    const inTurnRefreshes = h.fake.ok('update').length - putsBefore;

    const contended: number[] = [];
    let privateAnswers = 0;
    for (let r = 0; r < rounds; r++) {
      const { itemId, card } = await h.seededItem();
      const results = await Promise.all(users.map((u) => timed(() => h.click(u, card, 'item.claim'))));
      for (const x of results) contended.push(x.ms);
      privateAnswers += results.filter((x) => cardText(x.card).includes('Already claimed by')).length;
      if (!(await h.ctx.store.findItem(itemId))!.ownerId) throw new Error('no owner after 20 claims');
    }

    console.log(`\nTeams invoke → response (Action.Execute into teams-ai on Baton's server; ${label}; fake connector; ${rounds} rounds)`);
    console.table([
      summary('1 claim alone', single),
      summary('20 concurrent, 20 different cards', spread),
      summary('20 concurrent, the same card', contended),
    ]);
    console.log(`20 different cards: ${inTurnRefreshes} of ${rounds * 20} shared-card refreshes went out inside the turn; the rest were left to the outbox by the 7-per-second thread limit.`);
    console.log(`The same card: ${privateAnswers} of ${rounds * 19} losing clicks got the private "already claimed" card.`);
  } finally {
    await h.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchTeamsInvokes(Number(process.argv[2] ?? 20));
}
