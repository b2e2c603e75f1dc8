import type { AuditRecord } from '../domain/audit.ts';
import type { Category, Priority } from '../domain/types.ts';
import type { WorkItem } from '../domain/work-item.ts';
import type { OutboxMessage, OutboxRow, StoredMessage } from '../app/ports.ts';
import type { Prisma } from './generated/client.ts';
import type { AuditEvent, Outbox, PortalMessage, WorkItem as WorkItemRow } from './generated/client.ts';

export function toItem(r: WorkItemRow): WorkItem {
  return { ...r, category: r.category as Category, priority: r.priority as Priority };
}

export function toAudit(e: AuditEvent): AuditRecord {
  const { id: _id, ...rest } = e;
  return { ...rest, detail: (e.detail ?? undefined) as Record<string, unknown> | undefined };
}

export function outboxData(o: OutboxMessage, now: Date): Prisma.OutboxCreateManyInput {
  return { ...o, payload: o.payload as Prisma.InputJsonValue, createdAt: now };
}

export function toOutboxRow(r: Outbox): OutboxRow {
  return {
    id: r.id,
    dedupeKey: r.dedupeKey,
    kind: r.kind as OutboxRow['kind'],
    itemId: r.itemId,
    platform: r.platform,
    payload: r.payload as Record<string, unknown>,
    nextAttemptAt: r.nextAttemptAt,
    attempts: r.attempts,
  };
}

export function toMessage(m: PortalMessage): StoredMessage {
  const { bodyPurgedAt: _p, ...rest } = m;
  return rest;
}
