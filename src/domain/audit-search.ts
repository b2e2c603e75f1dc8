import { DateTime } from 'luxon';
import type { AuditRecord } from './audit.ts';
import { instantAtLocal } from './business-time.ts';
import type { Roster } from './roster.ts';

/** Actions the console's search offers by name, with the words its form shows. */
export const AUDIT_ACTIONS: ReadonlyArray<{ action: string; label: string }> = [
  { action: 'item.created', label: 'Message received' },
  { action: 'item.follow_up', label: 'Follow-up received' },
  { action: 'item.reopened_by_message', label: 'Reopened by a message' },
  { action: 'item.claim', label: 'Claimed' },
  { action: 'item.release', label: 'Released' },
  { action: 'item.reassign', label: 'Reassigned' },
  { action: 'item.snooze', label: 'Snoozed' },
  { action: 'item.wake', label: 'Woken' },
  { action: 'item.escalate', label: 'Escalated' },
  { action: 'item.return', label: 'Returned to the team' },
  { action: 'item.resolve', label: 'Resolved' },
  { action: 'item.reroute', label: 'Moved to another queue' },
  { action: 'item.reopen', label: 'Reopened' },
  { action: 'item.view', label: 'Message text viewed' },
  { action: 'item.denied', label: 'Refused attempt' },
  { action: 'reminder.sent', label: 'Reminder sent' },
  { action: 'digest.queued', label: 'Digest queued' },
  { action: 'console.sign_in', label: 'Console sign-in' },
  { action: 'console.sign_in_refused', label: 'Console sign-in refused' },
  { action: 'console.sign_out', label: 'Console sign-out' },
  { action: 'console.csrf_refused', label: 'Console form refused (CSRF)' },
  { action: 'console.export', label: 'Audit exported' },
];

/** What the audit search filters on. Every field optional; dates are instants already. */
export interface AuditFilters {
  /** The item's number: `B-12` is 12. */
  itemSeq?: number | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

/** One search as the store runs it: the filters, what the viewer may see, and a page. */
export interface AuditQuery extends AuditFilters {
  /** Only events of items in these queues (a lead's); null: every event, those with no item included. */
  queues: string[] | null;
  /** Events older than this id (the next page); newest first. */
  beforeId?: bigint | undefined;
  limit: number;
}

/** A matching event with its id (for paging) and its item's number and queue, when it has an item. */
export interface AuditHit extends AuditRecord {
  id: bigint;
  itemSeq: number | null;
  itemQueue: string | null;
}

export interface AuditForm {
  item?: string | undefined;
  staff?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

type Problem = { field: string; message: string };

const ACTOR = /^(system|ingest:[\w.-]{1,64}|unknown:[\w.@:+-]{1,200})$/;

function localDay(field: string, v: string | undefined, zone: string, problems: Problem[], end: boolean): Date | undefined {
  if (!v) return undefined;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? DateTime.fromISO(v, { zone: 'UTC' }) : null;
  if (!d?.isValid || d.year < 2000 || d.year > 2200) {
    problems.push({ field, message: `expected a date like 2026-12-01 (got "${v.slice(0, 40)}")` });
    return undefined;
  }
  return instantAtLocal(v, end ? '24:00' : '00:00', zone);
}

/**
 * The search form's fields as filters, every problem listed: an item number (`B-12`, or `12`),
 * a staff member (roster key, or `system`, `ingest:<source>`, `unknown:<id>`), an action, and
 * a range of local dates (both ends included).
 */
export function parseAuditForm(f: AuditForm, roster: Roster, zone: string): { ok: true; filters: AuditFilters } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const filters: AuditFilters = {};
  const item = f.item?.trim();
  if (item) {
    const m = /^(?:b-?)?(\d{1,9})$/i.exec(item);
    if (m) filters.itemSeq = Number(m[1]);
    else problems.push({ field: 'item', message: `expected an item number like B-12 (got "${item.slice(0, 40)}")` });
  }
  const staff = f.staff?.trim();
  if (staff) {
    if (roster.staff.some((s) => s.key === staff) || ACTOR.test(staff)) filters.actor = staff;
    else problems.push({ field: 'staff', message: `no staff member "${staff.slice(0, 60)}" on the roster` });
  }
  const action = f.action?.trim();
  if (action) {
    if (/^[a-z_]{1,40}\.[a-z_.]{1,60}$/.test(action)) filters.action = action;
    else problems.push({ field: 'action', message: `no action "${action.slice(0, 60)}"; choose one from the list` });
  }
  filters.from = localDay('from', f.from?.trim(), zone, problems, false);
  filters.to = localDay('to', f.to?.trim(), zone, problems, true);
  if (filters.from && filters.to && filters.from >= filters.to) problems.push({ field: 'from', message: 'must be on or before the "to" date' });
  return problems.length ? { ok: false, problems } : { ok: true, filters };
}

/** The audit events `q` selects, newest first, in JS (the in-memory store's way; the SQL store's must match it). */
export function searchAuditRecords(
  events: ReadonlyArray<{ id: bigint; record: AuditRecord }>,
  itemOf: (id: string) => { seq: number; queue: string } | undefined,
  q: AuditQuery,
): AuditHit[] {
  const out: AuditHit[] = [];
  for (let n = events.length - 1; n >= 0 && out.length < q.limit; n--) {
    const { id, record: r } = events[n]!;
    const item = r.itemId ? itemOf(r.itemId) : undefined;
    if (q.beforeId !== undefined && id >= q.beforeId) continue;
    if (q.itemSeq !== undefined && item?.seq !== q.itemSeq) continue;
    if (q.actor !== undefined && r.actor !== q.actor) continue;
    if (q.action !== undefined && r.action !== q.action) continue;
    if (q.from && r.at < q.from) continue;
    if (q.to && r.at >= q.to) continue;
    if (q.queues !== null && (!item || !q.queues.includes(item.queue))) continue;
    out.push({ ...r, id, itemSeq: item?.seq ?? null, itemQueue: item?.queue ?? null });
  }
  return out;
}
