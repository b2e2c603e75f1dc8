import { rawField, type ConfigParts, type ListPart } from './config-parts.ts';
import { rotaPhysicians } from './on-call-schema.ts';
import type { ParsedConfig } from './schema.ts';

type ParsedStaff = ParsedConfig['staff'][number];
type ParsedQueue = ParsedConfig['queues'][number];

/**
 * The keys a list defines: those of its parsed entries and, so that one bad field of an entry
 * does not make every reference to it an error too, those written on entries that failed.
 */
function keysOf(list: ListPart<{ key: string }>): Set<string> {
  return new Set(list.entries.flatMap((e, i) => {
    const k = e?.key ?? rawField(list, i, 'key');
    return typeof k === 'string' ? [k] : [];
  }));
}

/**
 * Checks that names used in one section exist in another; every problem, with its path. Runs
 * on whatever parsed: a reference into a section that did not parse is not checked (its own
 * problems are listed already).
 */
export function crossReferenceProblems(c: ConfigParts): string[] {
  const problems: string[] = [];
  const once = (list: ListPart<{ key: string }>, where: string) => {
    const seen = new Set<string>();
    list.entries.forEach((e, i) => {
      if (!e) return;
      if (seen.has(e.key)) problems.push(`${where}[${i}].key: "${e.key}" is listed twice`);
      seen.add(e.key);
    });
  };

  const staff = c.staff && keysOf(c.staff);
  if (c.staff) {
    const list = c.staff;
    once(list, 'staff');
    const seen = (field: 'slackUserId' | 'teamsAadId') => {
      const ids = new Map<string, number>();
      list.entries.forEach((s, i) => {
        const id = s?.[field];
        if (!id) return;
        if (ids.has(id)) problems.push(`staff[${i}].${field}: "${id}" is also used by staff[${ids.get(id)}]`);
        ids.set(id, i);
      });
    };
    seen('slackUserId');
    seen('teamsAadId');
    // One address signs in as one person: two entries with it would make the console guess.
    const emails = new Map<string, number>();
    list.entries.forEach((s, i) => {
      const e = s?.email?.toLowerCase();
      if (!e) return;
      if (emails.has(e)) problems.push(`staff[${i}].email: "${s!.email}" is also used by staff[${emails.get(e)}]`);
      emails.set(e, i);
    });
    const physician = list.entries.some((s, i) => (s ? s.physician : rawField(list, i, 'physician') === true));
    if (!physician) problems.push('staff: at least one physician is needed to receive escalations');
  }

  // The on-call rota names physicians: each must be a physician on the roster (a staff entry
  // with problems of its own still counts as what it says). Read as written, so a rota with
  // problems of its own still has these listed in the same run.
  const pool = c.written?.physicianPool;
  const rota = pool && typeof pool === 'object' ? (pool as { onCall?: unknown }).onCall : undefined;
  if (rota && c.staff) {
    const list = c.staff;
    const said = (key: string) => {
      const i = list.entries.findIndex((e, j) => (e?.key ?? rawField(list, j, 'key')) === key);
      return i < 0 ? undefined : (list.entries[i]?.physician ?? rawField(list, i, 'physician') === true);
    };
    for (const { path, key } of rotaPhysicians(rota)) {
      const physician = said(key);
      if (physician === undefined) problems.push(`${path}: no staff member "${key}"`);
      else if (!physician) problems.push(`${path}: "${key}" is not a physician (set physician: true, or put a physician on call)`);
    }
  }

  const queues = c.queues && keysOf(c.queues);
  if (c.queues) {
    once(c.queues, 'queues');
    c.queues.entries.forEach((q, i) => {
      if (!q || !staff) return;
      if (q.lead && !staff.has(q.lead)) problems.push(`queues[${i}].lead: no staff member "${q.lead}"`);
      q.members.forEach((m, j) => {
        if (!staff.has(m)) problems.push(`queues[${i}].members[${j}]: no staff member "${m}"`);
      });
    });
  }
  if (c.staff) coverProblems(c.staff, c.queues, problems);
  const queueRef = (where: string, key: string) => {
    if (queues && !queues.has(key)) problems.push(`${where}: no queue "${key}"`);
  };
  if (c.routing) {
    queueRef('routing.defaultQueue', c.routing.defaultQueue);
    queueRef('routing.redFlagQueue', c.routing.redFlagQueue);
    for (const [cat, q] of Object.entries(c.routing.categories)) queueRef(`routing.categories.${cat}`, q);
  }
  if (c.sla) {
    const list = c.sla;
    list.entries.forEach((p, i) => {
      if (p && p.queue !== '*') queueRef(`sla[${i}].queue`, p.queue);
    });
    // An entry with other problems still counts as the catch-all when that is what it says.
    const said = (i: number, field: 'queue' | 'priority') => list.entries[i]?.[field] ?? rawField(list, i, field) ?? '*';
    const catchAll = list.entries.some((_, i) => said(i, 'queue') === '*' && said(i, 'priority') === '*');
    if (!catchAll) problems.push('sla: add a catch-all policy (queue "*", priority "*") so every item gets a response target');
  }
  return problems;
}

/**
 * `staff[].coveredBy`: someone else on the roster, active, who can take the work: a physician's
 * cover is a physician (escalations go physician to physician); anyone else's works one of their
 * queues (a cover who does not work the queue could not take its items).
 */
function coverProblems(staff: ListPart<ParsedStaff>, queues: ListPart<ParsedQueue> | undefined, problems: string[]): void {
  const byKey = new Map(staff.entries.flatMap((s) => (s ? [[s.key, s] as const] : [])));
  const queuesOf = (key: string) => new Set((queues?.entries ?? []).flatMap((q) => (q && (q.members.includes(key) || q.lead === key) ? [q.key] : [])));
  staff.entries.forEach((s, i) => {
    if (!s?.coveredBy) return;
    const where = `staff[${i}].coveredBy`;
    const cover = byKey.get(s.coveredBy);
    if (s.coveredBy === s.key) return void problems.push(`${where}: "${s.key}" cannot cover for themselves`);
    if (!cover) {
      // A cover whose own entry failed to parse has its problems listed already.
      if (!keysOf(staff).has(s.coveredBy)) problems.push(`${where}: no staff member "${s.coveredBy}"`);
      return;
    }
    if (!cover.active) problems.push(`${where}: "${cover.key}" is not active`);
    if (s.physician && !cover.physician) problems.push(`${where}: "${cover.key}" is not a physician; a physician's escalations go to a covering physician`);
    if (!s.physician && queues) {
      const theirs = queuesOf(s.key);
      if (![...queuesOf(cover.key)].some((q) => theirs.has(q))) problems.push(`${where}: "${cover.key}" works none of ${s.key}'s queues, so could not take their items`);
    }
  });
}
