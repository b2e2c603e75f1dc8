import type { DigestModel, Percentiles } from './digest.ts';

const mins = (m: number | null) => (m === null ? '—' : m < 60 ? `${Math.round(m)}m` : `${(m / 60).toFixed(1)}h`);
const pct = (p: Percentiles) => `median ${mins(p.medianMinutes)}, p90 ${mins(p.p90Minutes)} (n=${p.count})`;

/** Plain-text digest, for `baton digest --dry-run` and as notification-free fallback text. */
export function digestText(d: DigestModel, managerName: string): string {
  const lines = [
    `Baton daily digest for ${managerName} — ${d.organization} — ${d.at}`,
    '',
    `Open backlog by queue and age (${d.bandLabels.join(' | ')}):`,
    ...d.backlog.map((b) => `  ${b.queueName.padEnd(16)} ${b.bands.map((n) => String(n).padStart(4)).join(' ')}   total ${b.total}`),
    `Past SLA now: ${d.pastSla}`,
    '',
    `Time to claim   24h: ${pct(d.timeToClaim.last24h)}; 7d: ${pct(d.timeToClaim.last7d)}`,
    `Time to resolve 24h: ${pct(d.timeToResolve.last24h)}; 7d: ${pct(d.timeToResolve.last7d)}`,
    '',
    'Resolved per person (24h / 7d):',
    ...(d.resolvedPerPerson.length ? d.resolvedPerPerson.map((p) => `  ${p.name.padEnd(22)} ${p.last24h} / ${p.last7d}`) : ['  none']),
    '',
    'Open items per person now (open = claimed + snoozed; escalated to them):',
    ...(d.workload.length ? d.workload.map((w) => `  ${w.name.padEnd(22)} ${String(w.open).padStart(3)} open (${w.claimed} claimed, ${w.snoozed} snoozed)${w.escalated ? `, ${w.escalated} escalated` : ''}`) : ['  none']),
    '',
    `Escalation rate (7d): ${d.escalation.rate === null ? '—' : `${(d.escalation.rate * 100).toFixed(0)}%`} (${d.escalation.escalated} of ${d.escalation.items} reached a physician)`,
    `Estimated physician time saved (7d): ${d.physicianMinutesSaved} minutes`,
    '',
    'Oldest open items:',
    ...(d.oldest.length ? d.oldest.map((o) => `  ${o.ref.padEnd(8)} ${o.queue.padEnd(12)} ${o.age.padStart(8)}  ${o.patientToken}`) : ['  none']),
  ];
  return lines.join('\n');
}
