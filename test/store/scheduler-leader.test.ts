import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { sweep } from '../../src/app/sweep.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { PrismaStore } from '../../src/store/prisma-store.ts';
import { contextFor, FixedClock, portalMessage } from '../support/context.ts';
import { DB_KINDS, openTestDb, type TestDb } from '../support/databases.ts';

const silent = createLogger({ level: 'silent' });

describe.each(DB_KINDS)('scheduler on %s', (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(kind);
  });
  afterAll(async () => db?.cleanup());

  it('lets exactly one of two instances lead, and hands over when the leader stops', async () => {
    const clock = new FixedClock();
    const ca = contextFor(new PrismaStore(db.db), clock);
    const cb = contextFor(new PrismaStore(db.db), clock);
    const a = new Scheduler(() => ca, { logger: silent });
    const b = new Scheduler(() => cb, { logger: silent });
    await Promise.all([a.tick(), b.tick()]);
    expect([a.leader, b.leader].filter(Boolean)).toHaveLength(1);
    const leader = a.leader ? a : b;
    const other = a.leader ? b : a;
    await leader.stop();
    await other.tick();
    expect(other.leader).toBe(true);
    await other.stop();
  });

  it('starts and stops its cron task cleanly', async () => {
    const c = contextFor(new PrismaStore(db.db), new FixedClock());
    const s = new Scheduler(() => c, { logger: silent, settings: () => ({ cron: '*/5 * * * *' }) });
    s.start();
    await s.tick();
    expect(s.leader).toBe(true);
    await s.stop();
  });

  it('never sends a reminder twice when two sweepers run at once on the same items', async () => {
    const clock = new FixedClock();
    const ctx = contextFor(new PrismaStore(db.db), clock);
    for (let i = 0; i < 10; i++) await ingestMessage(ctx, portalMessage({ externalId: `lead-${kind}-${i}`, subject: 'question', body: 'Is this rash normal? It has been a week.' }));
    clock.advance(2 * 3_600_000);
    const other = contextFor(new PrismaStore(db.db), clock);
    const [x, y] = await Promise.all([sweep(ctx, clock.now()), sweep(other, clock.now())]);
    expect(x.reminded + y.reminded).toBe(10);
    const rows = await db.db.sql.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE action = 'reminder.sent'`);
    expect(rows[0]!.n).toBe(10);
  });
});
