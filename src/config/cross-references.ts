import type { ParsedConfig } from './schema.ts';

/** Checks that names used in one section exist in another; every problem, with its path. */
export function crossReferenceProblems(c: ParsedConfig): string[] {
  const problems: string[] = [];
  const staff = new Set<string>();
  c.staff.forEach((s, i) => {
    if (staff.has(s.key)) problems.push(`staff[${i}].key: "${s.key}" is listed twice`);
    staff.add(s.key);
  });
  const seen = (field: 'slackUserId' | 'teamsAadId') => {
    const ids = new Map<string, number>();
    c.staff.forEach((s, i) => {
      const id = s[field];
      if (!id) return;
      if (ids.has(id)) problems.push(`staff[${i}].${field}: "${id}" is also used by staff[${ids.get(id)}]`);
      ids.set(id, i);
    });
  };
  seen('slackUserId');
  seen('teamsAadId');
  const queues = new Set<string>();
  c.queues.forEach((q, i) => {
    if (queues.has(q.key)) problems.push(`queues[${i}].key: "${q.key}" is listed twice`);
    queues.add(q.key);
    if (q.lead && !staff.has(q.lead)) problems.push(`queues[${i}].lead: no staff member "${q.lead}"`);
    q.members.forEach((m, j) => {
      if (!staff.has(m)) problems.push(`queues[${i}].members[${j}]: no staff member "${m}"`);
    });
  });
  const queueRef = (where: string, key: string) => {
    if (!queues.has(key)) problems.push(`${where}: no queue "${key}"`);
  };
  queueRef('routing.defaultQueue', c.routing.defaultQueue);
  queueRef('routing.redFlagQueue', c.routing.redFlagQueue);
  for (const [cat, q] of Object.entries(c.routing.categories)) queueRef(`routing.categories.${cat}`, q);
  c.sla.forEach((p, i) => {
    if (p.queue !== '*') queueRef(`sla[${i}].queue`, p.queue);
  });
  if (!c.sla.some((p) => p.queue === '*' && p.priority === '*')) {
    problems.push('sla: add a catch-all policy (queue "*", priority "*") so every item gets a response target');
  }
  if (!c.staff.some((s) => s.physician)) problems.push('staff: at least one physician is needed to receive escalations');
  return problems;
}
