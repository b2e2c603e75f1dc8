import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.ts';
import { assignmentSweep, assignNewItems, type AssignResult } from '../../src/app/auto-assign.ts';
import { ingestMessages } from '../../src/app/ingest-message.ts';
import type { Store } from '../../src/app/ports.ts';
import type { AssignmentSettings } from '../../src/domain/roster.ts';
import { openDatabase, type Database } from '../../src/store/database.ts';
import { PrismaStore } from '../../src/store/prisma-store.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { extraStaff, withAssignment } from '../support/assignment.ts';
import { contextFor, FixedClock, portalMessage } from '../support/context.ts';
import { freshPostgres, openTestDb, TEST_DATABASE_URL } from '../support/databases.ts';

/**
 * Two Baton instances auto-assigning the same backlog at once: 200 unclaimed refills, 5 people,
 * `maxOpen: 10`. On PostgreSQL the instances are two separately opened databases (two pools, as
 * two processes have) on one server; on PGlite two stores share the one embedded session; in
 * memory two contexts share the store. Whatever interleaving happens, nobody passes the cap
 * (exactly 50 assigned), every assignment is audited once, and no item is assigned twice.
 */

const ITEMS = 200;
const PEOPLE = 5;
const MAX_OPEN = 10;

interface Instances {
  stores: [Store, Store];
  close(): Promise<void>;
}

async function instances(kind: 'memory' | 'pglite' | 'postgres'): Promise<Instances> {
  if (kind === 'memory') {
    const s = new MemoryStore();
    return { stores: [s, s], close: async () => {} };
  }
  if (kind === 'pglite') {
    const db = await openTestDb('pglite');
    return { stores: [new PrismaStore(db.db), new PrismaStore(db.db)], close: () => db.cleanup() };
  }
  const fresh = await freshPostgres();
  const dbs: Database[] = [];
  for (let i = 0; i < 2; i++) dbs.push(await openDatabase({ url: fresh.url, dataDir: '' }));
  await dbs[0]!.migrate();
  return {
    stores: [new PrismaStore(dbs[0]!), new PrismaStore(dbs[1]!)],
    close: async () => {
      for (const d of dbs) await d.close();
      await fresh.drop();
    },
  };
}

const KINDS = ['memory', 'pglite', ...(TEST_DATABASE_URL ? (['postgres'] as const) : [])] as const;
const POLICIES: Array<AssignmentSettings['policy']> = ['least-loaded', 'round-robin'];

/**
 * `sweep`: both instances run the scheduler's pass over the whole backlog (they mostly race for
 * the same item). `ingest`: each instance assigns the items it ingested itself, every other one
 * (they race for the same people: the case the per-person lock is for).
 */
const MODES = ['sweep', 'ingest'] as const;

describe.each(KINDS)('two instances auto-assigning at once on %s', (kind) => {
  describe.each(POLICIES.flatMap((p) => MODES.map((m) => [p, m] as const)))('%s, %s', (policy, mode) => {
    let inst: Instances;
    let ctxs: [AppContext, AppContext];
    const clock = new FixedClock();
    const people = extraStaff(PEOPLE);
    beforeAll(async () => {
      inst = await instances(kind);
      // The backlog arrives while the queue is still manual (no assignment at ingest).
      const seeding = contextFor(inst.stores[0], clock);
      seeding.roster = withAssignment(seeding.roster, 'refills', { policy: 'manual' }, { members: people.map((p) => p.key), extra: people });
      for (let b = 0; b < ITEMS / 50; b++) {
        await ingestMessages(seeding, Array.from({ length: 50 }, (_, i) => portalMessage({ externalId: `inst-${kind}-${policy}-${mode}-${b * 50 + i}`, patient: { id: `pt-${b * 50 + i}` } })));
      }
      const auto = withAssignment(seeding.roster, 'refills', { policy, maxOpen: MAX_OPEN });
      ctxs = inst.stores.map((s) => ({ ...contextFor(s, clock), roster: auto })) as [AppContext, AppContext];
    }, 120_000);
    afterAll(async () => inst?.close());

    it(`never passes the cap: exactly ${PEOPLE * MAX_OPEN} of ${ITEMS} assigned, each audited once, none twice`, async () => {
      const store = inst.stores[0];
      const backlog = await store.openItemsOf(['refills'], 1_000);
      expect(backlog).toHaveLength(ITEMS);
      const t0 = performance.now();
      const own = (k: number) => backlog.filter((_, i) => i % 2 === k);
      const run = (c: AppContext, k: number) => (mode === 'sweep' ? assignmentSweep(c, clock.now()) : assignNewItems(c, own(k), clock.now()));
      const [a, b] = (await Promise.all(ctxs.map(run))) as [AssignResult, AssignResult];
      const ms = performance.now() - t0;
      console.log(`[auto-assign, two instances, ${kind}, ${policy}, ${mode}] ${ITEMS} items, ${PEOPLE} people, maxOpen ${MAX_OPEN}: ` +
        `instance A assigned ${a.assigned} (${a.moved} taken by B first), instance B assigned ${b.assigned} (${b.moved} taken by A first), ` +
        `total ${a.assigned + b.assigned}, in ${ms.toFixed(0)} ms`);

      expect(a.assigned + b.assigned).toBe(PEOPLE * MAX_OPEN);
      const load = (await store.ownedCounts()).filter((c) => /^s\d+$/.test(c.staff));
      expect(load.map((c) => [c.staff, c.state, c.count])).toEqual(people.map((p) => [p.key, 'CLAIMED', MAX_OPEN]));
      const claimed = await store.listItems({ queue: 'refills', states: ['CLAIMED'], limit: 1_000 });
      expect(claimed).toHaveLength(PEOPLE * MAX_OPEN);
      expect(await store.openItemsOf(['refills'], 1_000)).toHaveLength(ITEMS - PEOPLE * MAX_OPEN);
      let audited = 0;
      for (const item of backlog) {
        const claims = (await store.auditOf(item.id)).filter((e) => e.action === 'item.claim');
        expect(claims.length).toBeLessThanOrEqual(1); // no item assigned twice
        audited += claims.length;
        const now = (await store.findItem(item.id))!;
        if (claims[0]) {
          expect(claims[0]).toMatchObject({ actor: 'baton', toState: 'CLAIMED', detail: { to: now.ownerId, policy, maxOpen: MAX_OPEN } });
          expect(now.version).toBe(item.version + 1);
          expect(await store.outboxHas(`dm:sandbox:${item.id}:v${now.version}:${now.ownerId}`)).toBe(true);
        } else expect(now).toMatchObject({ state: 'OPEN', ownerId: null, version: item.version });
      }
      expect(audited).toBe(PEOPLE * MAX_OPEN); // every assignment audited exactly once
      // Nobody's recorded load before an assignment reached the cap.
      const before = claimed.length ? (await Promise.all(claimed.map((i) => store.auditOf(i.id)))).flat().filter((e) => e.action === 'item.claim').map((e) => e.detail!.openBefore as number) : [];
      expect(Math.max(...before)).toBeLessThan(MAX_OPEN);
      // A second pass, on either instance, finds everyone full and changes nothing.
      expect(await assignmentSweep(ctxs[1], clock.now())).toMatchObject({ assigned: 0, unassigned: ITEMS - PEOPLE * MAX_OPEN });
    }, 120_000);
  });
});
