import type { ConsoleLogin, ConsoleSession, ConsoleStore, SessionLookup } from '../../src/app/console-ports.ts';
import type { AuditRecord } from '../../src/domain/audit.ts';
import { searchAuditRecords, type AuditQuery } from '../../src/domain/audit-search.ts';
import { aggregateDashboard, type DashboardQuery } from '../../src/domain/dashboard-aggregates.ts';
import type { WorkItem } from '../../src/domain/work-item.ts';

/** The console's part of the Store port in memory, over the memory store's items and audit (in JS, as the SQL store must match). */
export class MemoryConsoleStore implements ConsoleStore {
  logins = new Map<string, ConsoleLogin>();
  sessions = new Map<string, ConsoleSession>();
  constructor(private readonly data: { items: Map<string, WorkItem>; audit: AuditRecord[] }) {}

  async dashboardAggregates(q: DashboardQuery) {
    return aggregateDashboard([...this.data.items.values()], q);
  }
  async searchAudit(q: AuditQuery) {
    const items = this.data.items;
    // An event's id is its position in the append-only list, as the database's sequence.
    return searchAuditRecords(this.data.audit.map((record, i) => ({ id: BigInt(i + 1), record })), (id) => items.get(id), q).map((h) => structuredClone(h));
  }
  async findItemBySeq(seq: number) {
    const i = [...this.data.items.values()].find((x) => x.seq === seq);
    return i ? structuredClone(i) : null;
  }
  async saveConsoleLogin(l: ConsoleLogin) {
    for (const [k, v] of this.logins) if (v.expiresAt < l.createdAt) this.logins.delete(k);
    this.logins.set(l.id, { ...l });
  }
  async takeConsoleLogin(id: string, now: Date) {
    const l = this.logins.get(id);
    this.logins.delete(id);
    return l && l.expiresAt > now ? l : null;
  }
  async createConsoleSession(s: ConsoleSession) {
    this.sessions.set(s.id, { ...s });
  }
  async touchConsoleSession(id: string, now: Date, idleMs: number): Promise<SessionLookup> {
    const s = this.sessions.get(id);
    if (!s) return { status: 'unknown' };
    if (s.endedAt) return { status: 'ended', session: { ...s }, justNow: false };
    if (now.getTime() - s.lastSeenAt.getTime() < idleMs && s.expiresAt > now) {
      s.lastSeenAt = now;
      return { status: 'active', session: { ...s } };
    }
    Object.assign(s, { endedAt: now, endReason: s.expiresAt <= now ? 'expired' : 'idle' });
    return { status: 'ended', session: { ...s }, justNow: true };
  }
  async endConsoleSession(id: string, now: Date, reason: string) {
    const s = this.sessions.get(id);
    if (!s || s.endedAt) return null;
    Object.assign(s, { endedAt: now, endReason: reason });
    return { ...s };
  }
}
