import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.ts';
import { tempDir } from '../support/databases.ts';
import { spawnServe } from '../support/processes.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('embedded database crash safety', () => {
  it('keeps every acknowledged message after kill -9 in the middle of an ingest burst', async () => {
    const data = tempDir();
    dirs.push(data);
    const { proc, url } = await spawnServe({ BATON_DATA_DIR: data });
    const acked: string[] = [];
    let stop = false;
    // Four concurrent senders; the server is killed while they are still sending.
    const sender = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const externalId = `crash-${n}-${i}`;
        try {
          const res = await fetch(`${url}/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ source: 'portal', externalId, sentAt: '2026-12-01T14:00:00Z', patient: { id: `p${i}` }, body: 'Please refill my inhaler' }),
          });
          if (res.status === 202) acked.push(externalId);
        } catch {
          return; // connection refused/reset once the process is gone
        }
      }
    };
    const senders = [0, 1, 2, 3].map(sender);
    // Kill once a good number have been acknowledged, while the senders are still going.
    const deadline = Date.now() + 20_000;
    while (acked.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    stop = true;
    await Promise.all(senders);
    expect(acked.length).toBeGreaterThan(10);

    // The stale lock of the killed process is taken over; every 2xx'd message is there exactly once, with one card row.
    const db = await openDatabase({ dataDir: data });
    try {
      const rows = await db.sql.query(`SELECT "externalId", "itemId" FROM "PortalMessage"`);
      const stored = new Set(rows.map((r) => String(r.externalId)));
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
      const posts = await db.sql.query(`SELECT "itemId", count(*)::int AS n FROM "Outbox" WHERE kind = 'card.post' GROUP BY "itemId"`);
      expect(posts.every((p) => p.n === 1)).toBe(true);
      expect(posts.length).toBe(new Set(rows.map((r) => String(r.itemId))).size);
    } finally {
      await db.close();
    }
  }, 150_000);
});
