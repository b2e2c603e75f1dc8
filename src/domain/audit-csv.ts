import type { AuditHit } from './audit-search.ts';
import type { Roster } from './roster.ts';

/**
 * The columns of an audit export: when, which item (reference and id), its queue, who (staff key
 * and roster name), where and what, and the state change. Deliberately not the event's `reason`
 * or `detail`: those hold staff free text (escalation and snooze reasons, resolve notes), which
 * often quotes the patient, and an export leaves Baton's access control behind.
 */
export const AUDIT_CSV_COLUMNS = ['time_utc', 'item', 'item_id', 'queue', 'actor', 'actor_name', 'platform', 'action', 'from_state', 'to_state'] as const;

/**
 * One field, RFC 4180: quoted when it holds a comma, quote or line break. A field a spreadsheet
 * would run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe (OWASP
 * "CSV injection"), although Baton's own values never start so.
 */
export function csvField(v: string | null | undefined): string {
  let s = v ?? '';
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (fields: ReadonlyArray<string | null | undefined>) => `${fields.map(csvField).join(',')}\r\n`;

export const auditCsvHeader = () => csvLine(AUDIT_CSV_COLUMNS);

export function auditCsvRow(h: AuditHit, roster: Roster): string {
  const name = roster.staff.find((s) => s.key === h.actor)?.name ?? (h.actor === 'system' ? 'Baton' : '');
  return csvLine([
    h.at.toISOString(),
    h.itemSeq === null ? '' : `B-${h.itemSeq}`,
    h.itemId ?? '',
    h.itemQueue ?? '',
    h.actor,
    name,
    h.platform,
    h.action,
    h.fromState ?? '',
    h.toState ?? '',
  ]);
}
