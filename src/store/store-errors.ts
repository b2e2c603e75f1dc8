import { IngestConflict } from '../app/ports.ts';

/**
 * What PostgreSQL (or a driver adapter) says went wrong: the SQLSTATE or the adapter's kind,
 * wherever it is — on the driver's own error (the hot paths, see hot-sql.ts) or where Prisma put it.
 */
export function driverCodes(e: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  type E = { code?: unknown; originalCode?: unknown; kind?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  for (let x = e as E | undefined; x && typeof x === 'object' && !seen.has(x); x = (x.meta?.driverAdapterError ?? x.cause) as E | undefined) {
    seen.add(x);
    for (const c of [x.code, x.originalCode, x.kind]) if (typeof c === 'string') codes.push(c);
  }
  return codes;
}

/** A unique-key race lost to another writer: Prisma's P2002, the driver's 23505, or the adapter's kind for it. */
export function isUniqueViolation(e: unknown): boolean {
  return driverCodes(e).some((c) => c === 'P2002' || c === '23505' || c === 'UniqueConstraintViolation');
}

/**
 * Conflicts that a fresh run of the same transaction settles: a lost unique-key race, a
 * deadlock or serialization failure, or the ingestion code's own IngestConflict.
 */
export function isTransientConflict(e: unknown): boolean {
  if (e instanceof IngestConflict) return true;
  return driverCodes(e).some((c) => ['P2002', 'P2034', '23505', '40001', '40P01', 'UniqueConstraintViolation', 'TransactionWriteConflict'].includes(c));
}
