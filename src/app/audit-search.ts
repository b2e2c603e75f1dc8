import { auditCsvHeader, auditCsvRow } from '../domain/audit-csv.ts';
import type { AuditFilters, AuditHit } from '../domain/audit-search.ts';
import type { ConsoleScope } from '../domain/console-access.ts';
import type { AppContext } from './context.ts';

export const PAGE_SIZE = 50;
/** Rows read per round trip while exporting: the export streams, it never holds the whole trail. */
const EXPORT_BATCH = 2_000;

const queuesOf = (scope: ConsoleScope) => (scope.all ? null : scope.queues);

/** One page of the audit search (newest first) and the id to ask for the next, within the viewer's scope. */
export async function searchAudit(ctx: AppContext, scope: ConsoleScope, filters: AuditFilters, beforeId?: bigint): Promise<{ hits: AuditHit[]; next: bigint | null }> {
  const hits = await ctx.store.searchAudit({ ...filters, queues: queuesOf(scope), beforeId, limit: PAGE_SIZE + 1 });
  const more = hits.length > PAGE_SIZE;
  return { hits: hits.slice(0, PAGE_SIZE), next: more ? hits[PAGE_SIZE - 1]!.id : null };
}

/**
 * Every matching event as CSV lines (audit-csv.ts: staff and item references, never message
 * text or staff free text), written as they are read. The export itself is audited, with its
 * filters and row count, once it is complete.
 */
export async function exportAudit(ctx: AppContext, viewer: string, scope: ConsoleScope, filters: AuditFilters, write: (chunk: string) => Promise<void>): Promise<number> {
  await write(auditCsvHeader());
  let before: bigint | undefined;
  let rows = 0;
  for (;;) {
    const batch = await ctx.store.searchAudit({ ...filters, queues: queuesOf(scope), beforeId: before, limit: EXPORT_BATCH });
    if (batch.length) await write(batch.map((h) => auditCsvRow(h, ctx.roster)).join(''));
    rows += batch.length;
    if (batch.length < EXPORT_BATCH) break;
    before = batch.at(-1)!.id;
  }
  const detail = Object.fromEntries(Object.entries({ ...filters, rows }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
  await ctx.store.appendAudit([{ itemId: null, actor: viewer, platform: 'console', action: 'console.export', detail, at: ctx.clock.now() }]);
  return rows;
}
