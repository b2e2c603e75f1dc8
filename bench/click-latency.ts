import fs from 'node:fs';
import { parseEnv } from '../src/config/env.ts';
import { loadConfig } from '../src/config/load.ts';
import { startBaton } from '../src/main.ts';
import { createLogger } from '../src/observability/logger.ts';
import { transitionOrCurrentSql } from '../src/store/ingest-sql.ts';
import type { HotSql } from '../src/store/hot-sql.ts';
import { benchPostgresUrl, load, scratchDatabase, table, tmpDir } from './support.ts';

const CLICKS = 50;

/**
 * The floor of a click: the two statements Baton's claim sends (read the item; the conditional
 * update with its audit and outbox rows), straight through the driver on Baton's own connections,
 * 50 at once. What Baton adds above it is HTTP, the use case, and the card it answers with.
 */
async function floorClick(hot: HotSql, itemId: string, as: string, i: number): Promise<void> {
  const [row] = await hot.rows<{ version: number }>({ text: 'SELECT * FROM "WorkItem" WHERE id = $1', values: [itemId] });
  const now = new Date();
  await hot.rows(transitionOrCurrentSql(itemId, row!.version, { state: 'CLAIMED', ownerId: as, claimedAt: now },
    [{ itemId, actor: as, platform: 'sandbox', action: 'item.claim', fromState: 'OPEN', toState: 'CLAIMED', detail: {}, at: now }],
    [{ dedupeKey: `floor:${itemId}:${i}`, kind: 'card.update', itemId, platform: 'sandbox', payload: { floor: true }, nextAttemptAt: now }], now));
}

/**
 * Click → answer latency through the browser sandbox's action API (the same use case Slack and
 * Teams call), with 50 clicks in flight at once: 50 claims on 50 different cards, then 50
 * people claiming one card at once (one wins, 49 hear who did).
 */
export async function benchClicks(): Promise<void> {
  const config = loadConfig();
  if (!config.ok) throw new Error(config.problems.join('\n'));
  const pgUrl = await benchPostgresUrl();
  const rows: Array<Record<string, string | number>> = [];
  for (const kind of ['pglite', ...(pgUrl ? ['postgres'] : [])] as const) {
    const dir = tmpDir();
    const scratch = kind === 'postgres' ? await scratchDatabase(pgUrl!, 'baton_bench_clicks') : null;
    const env = parseEnv({ PORT: '0', BATON_DATA_DIR: dir, ...(scratch ? { DATABASE_URL: scratch.url } : {}) });
    if (!env.ok) throw new Error(env.problems.join('\n'));
    const baton = await startBaton({ env: env.env, config: config.config, logger: createLogger({ level: 'silent' }) });
    try {
      const ids: string[] = [];
      // Four sets of cards: a warm-up round, the measured spread, the floor's, and one contended card.
      for (let i = 0; i < 3 * CLICKS + 1; i++) {
        const res = await fetch(`${baton.url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ source: 'bench', externalId: `c${i}`, sentAt: new Date().toISOString(), patient: { id: `p${i}` }, body: 'Please refill my inhaler' }),
        });
        ids.push(((await res.json()) as { itemId: string }).itemId);
      }
      const people = ['taylor-brooks', 'chris-park', 'jordan-kim'];
      const click = (itemId: string, as: string) =>
        fetch(`${baton.url}/sandbox/api/items/${itemId}/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ as, command: 'item.claim' }) }).then((r) => r.text());
      const contendedId = ids[3 * CLICKS]!;
      await load(CLICKS, CLICKS, (i) => click(ids[i]!, people[i % 3]!).then(() => undefined)); // warm-up
      await new Promise((r) => setTimeout(r, 1_000)); // let the warm-up's card updates drain
      const spread = await load(CLICKS, CLICKS, (i) => click(ids[CLICKS + i]!, people[i % 3]!).then(() => undefined));
      const floor = await load(CLICKS, CLICKS, (i) => floorClick(baton.db.hot, ids[2 * CLICKS + i]!, people[i % 3]!, i));
      const contended = await load(CLICKS, CLICKS, (i) => click(contendedId, people[i % 3]!).then(() => undefined));
      rows.push({ database: kind, scenario: '50 cards, 50 clicks at once', 'p50 ms': spread.p50, 'p99 ms': spread.p99, 'clicks/s': spread.perSecond, 'floor p99 ms': floor.p99, 'p99 ratio': spread.p99 / floor.p99 });
      rows.push({ database: kind, scenario: '1 card, 50 clicks at once', 'p50 ms': contended.p50, 'p99 ms': contended.p99, 'clicks/s': contended.perSecond, 'floor p99 ms': floor.p99, 'p99 ratio': contended.p99 / floor.p99 });
    } finally {
      await baton.stop();
      await scratch?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  table('Click → answer latency, warmed (sandbox action API; Slack must be acked within 3 s); floor: the same two statements through the driver, 50 at once', rows);
}
