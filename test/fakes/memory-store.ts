import type { AuditRecord } from '../../src/domain/audit.ts';
import type { AwayPeriod } from '../../src/domain/availability.ts';
import { aggregateDigest } from '../../src/domain/digest-aggregates.ts';
import type { ItemPatch, WorkItem } from '../../src/domain/work-item.ts';
import { byAssignmentOrder, OPEN_OWNED_STATES } from '../../src/domain/assignment.ts';
import { MemoryConsoleStore } from './memory-console-store.ts';
import { IngestConflict, type CappedAssignment, type CappedOutcome, type OwnedCount, type PlannedChange, type IngestOutcome, type IngestTx, type IngestWrite, type ItemQuery, type NewMessage, type OutboxMessage, type OutboxRow, type PlatformPostRef, type Store, type Transition, type TransitionOutcome } from '../../src/app/ports.ts';

interface Row extends OutboxRow {
  doneAt: Date | null;
  lockedUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
}

/** The Store port in memory, for fast use-case tests. The contract suite runs it beside the Prisma store. */
export class MemoryStore implements Store {
  items = new Map<string, WorkItem>();
  messages: NewMessage[] = [];
  audit: AuditRecord[] = [];
  outbox: Row[] = [];
  posts: PlatformPostRef[] = [];
  private seq = 0;
  private outboxSeq = 0n;
  /** The console's reads and sessions (memory-console-store.ts). */
  readonly console = new MemoryConsoleStore(this);
  dashboardAggregates: MemoryConsoleStore['dashboardAggregates'] = (q) => this.console.dashboardAggregates(q);
  searchAudit: MemoryConsoleStore['searchAudit'] = (q) => this.console.searchAudit(q);
  findItemBySeq: MemoryConsoleStore['findItemBySeq'] = (seq) => this.console.findItemBySeq(seq);
  saveConsoleLogin: MemoryConsoleStore['saveConsoleLogin'] = (l) => this.console.saveConsoleLogin(l);
  takeConsoleLogin: MemoryConsoleStore['takeConsoleLogin'] = (id, now) => this.console.takeConsoleLogin(id, now);
  createConsoleSession: MemoryConsoleStore['createConsoleSession'] = (s) => this.console.createConsoleSession(s);
  touchConsoleSession: MemoryConsoleStore['touchConsoleSession'] = (id, now, idleMs) => this.console.touchConsoleSession(id, now, idleMs);
  endConsoleSession: MemoryConsoleStore['endConsoleSession'] = (id, now, reason) => this.console.endConsoleSession(id, now, reason);

  async findMessageItem(source: string, externalId: string) {
    const m = this.messages.find((x) => x.source === source && x.externalId === externalId);
    return m ? structuredClone(this.items.get(m.itemId)!) : null;
  }
  async findItem(id: string) {
    const i = this.items.get(id);
    return i ? structuredClone(i) : null;
  }
  async findItemByThread(threadKey: string) {
    const i = [...this.items.values()].find((x) => x.threadKey === threadKey);
    return i ? structuredClone(i) : null;
  }
  async findThreadOfResource(source: string, resourceId: string) {
    return this.messages.find((m) => m.source === source && m.resourceId === resourceId)?.threadKey ?? null;
  }
  async listItems(q: ItemQuery) {
    return [...this.items.values()]
      .filter((i) => (!q.states || q.states.includes(i.state)) && (!q.queue || i.queue === q.queue) && (!q.ownerId || i.ownerId === q.ownerId))
      .filter((i) => !q.dueBefore || (i.nextReminderAt !== null && i.nextReminderAt <= q.dueBefore))
      .sort((a, b) => (q.dueBefore ? a.nextReminderAt!.getTime() - b.nextReminderAt!.getTime() : a.createdAt.getTime() - b.createdAt.getTime()))
      .slice(0, q.limit ?? 200)
      .map((i) => structuredClone(i));
  }
  async countByQueueAndState() {
    const counts = new Map<string, { queue: string; state: WorkItem['state']; count: number }>();
    for (const i of this.items.values()) {
      const k = `${i.queue}|${i.state}`;
      const c = counts.get(k) ?? { queue: i.queue, state: i.state, count: 0 };
      c.count++;
      counts.set(k, c);
    }
    return [...counts.values()];
  }
  async messagesOf(itemId: string) {
    return this.messages.filter((m) => m.itemId === itemId).sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
  }
  async auditOf(itemId: string) {
    return this.audit.filter((a) => a.itemId === itemId);
  }
  async saveIngest(w: IngestWrite): Promise<IngestOutcome> {
    if (this.messages.some((m) => m.source === w.message.source && m.externalId === w.message.externalId)) return { status: 'duplicate' };
    if (w.kind === 'new') {
      if ([...this.items.values()].some((i) => i.threadKey === w.item.threadKey)) return { status: 'conflict' };
      this.items.set(w.item.id, { ...structuredClone(w.item), seq: ++this.seq });
    } else {
      const cur = this.items.get(w.itemId);
      if (!cur || cur.version !== w.expectedVersion) return { status: 'conflict' };
      this.items.set(w.itemId, { ...cur, ...structuredClone(w.patch), version: cur.version + 1, updatedAt: w.message.receivedAt });
    }
    this.messages.push(structuredClone(w.message));
    this.writeSideEffects(w.audit, w.outbox, w.message.receivedAt);
    return { status: 'stored', item: structuredClone(this.items.get(w.message.itemId)!) };
  }
  private ingestQueue: Promise<unknown> = Promise.resolve();
  /** One ingestion transaction at a time; a failure restores every table as it was before. */
  async ingestAtomically<T>(fn: (tx: IngestTx) => Promise<T>): Promise<T> {
    const run = async () => {
      for (let attempt = 1; ; attempt++) {
        const before = structuredClone({ items: this.items, messages: this.messages, audit: this.audit, outbox: this.outbox, seq: this.seq, outboxSeq: this.outboxSeq });
        try {
          return await fn({
            findMessageItem: (s, e) => this.findMessageItem(s, e),
            findItemByThread: (k) => this.findItemByThread(k),
            findMessageAndThread: async (s, e, k) => ({ message: await this.findMessageItem(s, e), thread: await this.findItemByThread(k) }),
            findThreadOfResource: (s, r) => this.findThreadOfResource(s, r),
            lock: async () => {},
            saveIngest: (w) => this.saveIngest(w),
          });
        } catch (e) {
          Object.assign(this, before);
          if (!(e instanceof IngestConflict) || attempt >= 5) throw e;
        }
      }
    };
    const result = this.ingestQueue.then(run, run);
    this.ingestQueue = result.catch(() => {});
    return result;
  }
  async applyTransition(itemId: string, expectedVersion: number, patch: ItemPatch, audit: AuditRecord[], outbox: OutboxMessage[]) {
    const cur = this.items.get(itemId);
    if (!cur || cur.version !== expectedVersion) return null;
    const now = audit[0]?.at ?? new Date();
    const next = { ...cur, ...structuredClone(patch), version: cur.version + 1, updatedAt: now };
    this.items.set(itemId, next);
    this.writeSideEffects(audit, outbox, now);
    return structuredClone(next);
  }
  async applyTransitionOrCurrent(itemId: string, expectedVersion: number, patch: ItemPatch, audit: AuditRecord[], outbox: OutboxMessage[]): Promise<TransitionOutcome> {
    const item = await this.applyTransition(itemId, expectedVersion, patch, audit, outbox);
    return item ? { applied: true, item } : { applied: false, current: await this.findItem(itemId) };
  }
  async applyTransitions(batch: Transition[], now: Date) {
    const out: Array<WorkItem | null> = [];
    for (const t of batch) {
      const cur = this.items.get(t.itemId);
      if (!cur || cur.version !== t.expectedVersion) {
        out.push(null);
        continue;
      }
      const next = { ...cur, ...structuredClone(t.patch), version: cur.version + 1, updatedAt: now };
      this.items.set(t.itemId, next);
      this.writeSideEffects(t.audit, t.outbox, now);
      out.push(structuredClone(next));
    }
    return out;
  }
  cursors = new Map<string, string>();
  /** As the SQL store: count and claim with nothing in between (one synchronous step here). */
  async assignUnderCap(a: CappedAssignment): Promise<CappedOutcome> {
    const open = [...this.items.values()].filter((i) => i.ownerId === a.assignee && OPEN_OWNED_STATES.includes(i.state)).length;
    if (open >= a.maxOpen) return { status: 'full', open };
    const cur = this.items.get(a.itemId);
    if (!cur || cur.version !== a.expectedVersion) return { status: 'moved' };
    const p = a.plan(open);
    const item = this.applyTransitionNow(a.itemId, p);
    this.cursors.set(a.queue, a.assignee);
    return { status: 'assigned', item, openBefore: open };
  }
  async claimNextOpen(queues: string[], plan: (item: WorkItem) => PlannedChange | null) {
    const next = [...this.items.values()].filter((i) => i.state === 'OPEN' && queues.includes(i.queue)).sort(byAssignmentOrder)[0];
    if (!next) return null;
    const p = plan(structuredClone(next));
    return p ? this.applyTransitionNow(next.id, p) : null;
  }
  async openItemsOf(queues: string[], limit: number) {
    return [...this.items.values()].filter((i) => i.state === 'OPEN' && queues.includes(i.queue)).sort(byAssignmentOrder).slice(0, limit).map((i) => structuredClone(i));
  }
  async lastAssignees() {
    return new Map(this.cursors);
  }
  async ownedCounts(): Promise<OwnedCount[]> {
    const counts = new Map<string, OwnedCount>();
    for (const i of this.items.values()) {
      if (!i.ownerId || !['CLAIMED', 'SNOOZED', 'ESCALATED'].includes(i.state)) continue;
      const k = `${i.ownerId}|${i.state}`;
      const c = counts.get(k) ?? { staff: i.ownerId, state: i.state, count: 0 };
      c.count++;
      counts.set(k, c);
    }
    return [...counts.values()].sort((a, b) => (a.staff < b.staff ? -1 : a.staff > b.staff ? 1 : a.state < b.state ? -1 : a.state > b.state ? 1 : 0));
  }
  /** Applies a planned change to an item known to exist at its current version, synchronously. */
  private applyTransitionNow(itemId: string, p: PlannedChange): WorkItem {
    const cur = this.items.get(itemId)!;
    const now = p.audit[0]?.at ?? new Date();
    const next = { ...cur, ...structuredClone(p.patch), version: cur.version + 1, updatedAt: now };
    this.items.set(itemId, next);
    this.writeSideEffects(p.audit, p.outbox, now);
    return structuredClone(next);
  }
  async appendAudit(records: AuditRecord[]) {
    this.audit.push(...structuredClone(records));
  }
  async enqueue(outbox: OutboxMessage[]) {
    const before = this.outbox.length;
    this.writeSideEffects([], outbox, outbox[0]?.nextAttemptAt ?? new Date());
    return this.outbox.length - before;
  }
  async outboxHas(dedupeKey: string) {
    return this.outbox.some((r) => r.dedupeKey === dedupeKey);
  }
  digestReads = 0;
  async digestItems(since: Date) {
    this.digestReads++;
    return [...this.items.values()]
      .filter((i) => i.state !== 'RESOLVED' || i.createdAt >= since || (i.resolvedAt !== null && i.resolvedAt >= since))
      .map((i) => structuredClone(i));
  }
  async digestAggregates(now: Date, since: Date, oldestCount: number) {
    return aggregateDigest(await this.digestItems(since), now, oldestCount);
  }
  async takeOutbox(now: Date, limit: number, leaseMs: number, maxOthers = limit) {
    // As the SQL store: updates and notes of cards already posted first, then at most maxOthers others, each oldest first.
    const posted = (r: Row) => (r.kind === 'card.update' || r.kind === 'thread.note') && this.posts.some((p) => p.itemId === r.itemId && p.platform === r.platform && p.kind === 'card');
    const due = this.outbox.filter((r) => !r.doneAt && r.nextAttemptAt <= now && (!r.lockedUntil || r.lockedUntil < now));
    const first = due.filter(posted).slice(0, limit);
    const taken = [...first, ...due.filter((r) => !posted(r)).slice(0, Math.max(0, Math.min(maxOthers, limit - first.length)))];
    for (const r of taken) {
      r.lockedUntil = new Date(now.getTime() + leaseMs);
      r.attempts++;
    }
    return taken.map((r) => ({ id: r.id, dedupeKey: r.dedupeKey, kind: r.kind, itemId: r.itemId, platform: r.platform, payload: r.payload, nextAttemptAt: r.nextAttemptAt, attempts: r.attempts }));
  }
  async completeOutbox(id: bigint, now: Date) {
    const r = this.outbox.find((x) => x.id === id)!;
    Object.assign(r, { doneAt: now, lockedUntil: null, lastError: null });
  }
  async retryOutbox(id: bigint, error: string, nextAttemptAt: Date) {
    const r = this.outbox.find((x) => x.id === id)!;
    Object.assign(r, { nextAttemptAt, lockedUntil: null, lastError: error });
  }
  async outboxStats(now: Date) {
    const pending = this.outbox.filter((r) => !r.doneAt);
    const oldest = pending.reduce<Date | null>((m, r) => (!m || r.createdAt < m ? r.createdAt : m), null);
    return { pending: pending.length, oldestAgeSeconds: oldest ? (now.getTime() - oldest.getTime()) / 1000 : 0 };
  }
  async savePlatformPost(ref: PlatformPostRef) {
    this.posts = this.posts.filter((p) => !(p.itemId === ref.itemId && p.platform === ref.platform && p.kind === ref.kind));
    this.posts.push({ ...ref });
  }
  async findPlatformPost(itemId: string, platform: string, kind: string) {
    return this.posts.find((p) => p.itemId === itemId && p.platform === platform && p.kind === kind) ?? null;
  }
  async platformPostsOf(itemId: string, platform: string, kindPrefix: string) {
    return this.posts.filter((p) => p.itemId === itemId && p.platform === platform && p.kind.startsWith(kindPrefix)).map((p) => ({ ...p }));
  }
  refs = new Map<string, Record<string, unknown>>();
  async saveConversationRef(key: string, _platform: string, reference: Record<string, unknown>) {
    this.refs.set(key, structuredClone(reference));
  }
  async findConversationRef(key: string) {
    const r = this.refs.get(key);
    return r ? structuredClone(r) : null;
  }
  async purgeMessageText(before: Date) {
    let n = 0;
    for (const m of this.messages) {
      if (m.receivedAt < before && (m.body as string | null) !== null) {
        (m as { body: string | null }).body = null;
        m.subject = null;
        n++;
      }
    }
    return n;
  }
  leases = new Map<string, { holder: string; expiresAt: Date }>();
  async tryLease(name: string, holder: string, now: Date, ttlMs: number) {
    const cur = this.leases.get(name);
    if (cur && cur.holder !== holder && cur.expiresAt >= now) return false;
    this.leases.set(name, { holder, expiresAt: new Date(now.getTime() + ttlMs) });
    return true;
  }
  async releaseLease(name: string, holder: string) {
    if (this.leases.get(name)?.holder === holder) this.leases.delete(name);
  }
  aways: AwayPeriod[] = [];
  async awayPeriods(q: { after: Date; staffKey?: string }) {
    const t = q.after.getTime();
    return this.aways
      .filter((p) => p.until.getTime() > t && (p.endedAt === null || p.endedAt.getTime() > t) && (q.staffKey === undefined || p.staffKey === q.staffKey))
      .sort((a, b) => a.from.getTime() - b.from.getTime() || (a.id < b.id ? -1 : 1))
      .map((p) => structuredClone(p));
  }
  async dueAwayStarts(at: Date) {
    const t = at.getTime();
    return (await this.awayPeriods({ after: at })).filter((p) => p.startedAt === null && p.from.getTime() <= t);
  }
  async saveAway(period: AwayPeriod, audit: AuditRecord[]) {
    if (this.aways.some((p) => p.id === period.id)) throw new Error(`away period ${period.id} exists`);
    this.aways.push(structuredClone(period));
    this.audit.push(...structuredClone(audit));
  }
  async endAway(id: string, at: Date, by: string, audit: AuditRecord[]) {
    const p = this.aways.find((x) => x.id === id);
    if (!p || p.endedAt !== null) return null;
    Object.assign(p, { endedAt: at, endedBy: by });
    this.audit.push(...structuredClone(audit));
    return structuredClone(p);
  }
  async markAwayStarted(id: string, at: Date) {
    const p = this.aways.find((x) => x.id === id);
    if (!p || p.startedAt !== null) return false;
    p.startedAt = at;
    return true;
  }
  private writeSideEffects(audit: AuditRecord[], outbox: OutboxMessage[], now: Date) {
    this.audit.push(...structuredClone(audit));
    for (const o of outbox) {
      if (this.outbox.some((r) => r.dedupeKey === o.dedupeKey)) continue;
      this.outbox.push({ ...structuredClone(o), id: ++this.outboxSeq, attempts: 0, doneAt: null, lockedUntil: null, lastError: null, createdAt: now });
    }
  }
}
