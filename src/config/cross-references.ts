import { rawField, type ConfigParts, type ListPart } from './config-parts.ts';

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
