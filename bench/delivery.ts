import fs from 'node:fs';
import { ingestMessage } from '../src/app/ingest-message.ts';
import { OutboxWorker } from '../src/app/outbox-worker.ts';
import { loadConfig } from '../src/config/load.ts';
import { buildContext } from '../src/main.ts';
import { openDatabase } from '../src/store/database.ts';
import { FakeChat } from '../test/fakes/fake-chat.ts';
import { table, tmpDir } from './support.ts';

/**
 * A 300-message burst across 3 channels against a fake platform that answers 429 to anyone
 * calling a channel faster than its limit. The floor is what the limit allows: 100 posts per
 * channel at L per second, channels in parallel.
 */
export async function benchDelivery(): Promise<void> {
  const c = loadConfig();
  if (!c.ok) throw new Error(c.problems.join('\n'));
  const rows: Array<Record<string, string | number>> = [];
  for (const perSecond of [20, 50]) {
    const dir = tmpDir();
    const db = await openDatabase({ dataDir: dir });
    try {
      await db.migrate();
      const ctx = buildContext(c.config, db, ['slack']);
      const bodies = ['Please refill my inhaler', 'Question about my bill', 'Can I reschedule my appointment?'];
      for (let i = 0; i < 300; i++) await ingestMessage(ctx, { source: 'bench', externalId: `d${i}`, sentAt: new Date(), patient: { id: `p${i}` }, body: bodies[i % 3]! });
      const chat = new FakeChat('slack', { perChannelPerSecond: perSecond });
      const worker = new OutboxWorker(() => ctx, new Map([['slack', chat]]), { paceMs: { slack: Math.ceil(1000 / perSecond) }, batch: 300 });
      const t0 = performance.now();
      await worker.drain();
      const seconds = (performance.now() - t0) / 1000;
      const floor = 100 / perSecond;
      rows.push({ 'limit per channel /s': perSecond, cards: chat.posts.length, 'seconds': seconds, 'floor seconds': floor, 'time / floor': seconds / floor, '429s received': chat.calls - chat.posts.length });
    } finally {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  table('Delivery of a 300-card burst over 3 channels (fake platform enforcing a per-channel limit)', rows);
}
