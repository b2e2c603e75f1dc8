import type { Store } from '../../src/app/ports.ts';
import { PrismaStore } from '../../src/store/prisma-store.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { DB_KINDS, openTestDb, type TestDb } from './databases.ts';

/** The three Store implementations a contract runs on: the in-memory fake, PGlite and (when TEST_DATABASE_URL is set) PostgreSQL. */
export const STORE_KINDS = ['memory', ...DB_KINDS] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface OpenedStore {
  store: Store;
  /** The database behind it (not for the in-memory store), for a test's own SQL. */
  db?: TestDb;
  cleanup(): Promise<void>;
}

/** A fresh, migrated store of that kind; `cleanup` drops its database. */
export async function openStore(kind: StoreKind): Promise<OpenedStore> {
  if (kind === 'memory') return { store: new MemoryStore(), cleanup: async () => {} };
  const db = await openTestDb(kind);
  return { store: new PrismaStore(db.db), db, cleanup: () => db.cleanup() };
}
