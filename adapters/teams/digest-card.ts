import type { DigestModel, Percentiles } from '../../src/domain/digest.ts';
import type { AdaptiveCardJson } from './adaptive-card.ts';
import { orgTime } from './org-time.ts';

type Json = { [key: string]: unknown };

const mins = (m: number | null) => (m === null ? '—' : m < 60 ? `${Math.round(m)}m` : `${(m / 60).toFixed(1)}h`);
const pct = (p: Percentiles) => `median ${mins(p.medianMinutes)}, p90 ${mins(p.p90Minutes)} (n=${p.count})`;

const cell = (text: string, o: Json = {}): Json => ({ type: 'Column', width: 'stretch', items: [{ type: 'TextBlock', text, wrap: true, ...o }] });
const row = (cells: Json[], header = false): Json => ({ type: 'ColumnSet', spacing: header ? 'Medium' : 'None', columns: cells });
const heading = (text: string): Json => ({ type: 'TextBlock', text, weight: 'Bolder', spacing: 'Medium', wrap: true });

/**
 * A manager's daily digest as an Adaptive Card: aggregates and item references only, never
 * message text (DOMAIN.md §4.3); its time in the organisation's zone. Plain ColumnSets rather than the 1.5 Table element, which
 * older Teams clients do not draw.
 */
export function renderDigestCard(d: DigestModel, managerName: string, timeZone: string): AdaptiveCardJson {
  const body: Json[] = [
    { type: 'TextBlock', text: `Daily digest · ${d.organization}`, size: 'Medium', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: `For ${managerName} · ${orgTime(d.at, timeZone)}`, isSubtle: true, spacing: 'None', wrap: true },
    heading('Open backlog by age'),
    row([cell('Queue', { weight: 'Bolder' }), ...d.bandLabels.map((l) => cell(l, { weight: 'Bolder', horizontalAlignment: 'Right' })), cell('Total', { weight: 'Bolder', horizontalAlignment: 'Right' })], true),
    ...d.backlog.map((b) => row([cell(b.queueName), ...b.bands.map((n) => cell(String(n), { horizontalAlignment: 'Right' })), cell(String(b.total), { horizontalAlignment: 'Right', weight: 'Bolder' })])),
    {
      type: 'FactSet',
      spacing: 'Medium',
      facts: [
        { title: 'Past target now', value: String(d.pastSla) },
        { title: 'Time to claim (24h)', value: pct(d.timeToClaim.last24h) },
        { title: 'Time to claim (7d)', value: pct(d.timeToClaim.last7d) },
        { title: 'Time to resolve (24h)', value: pct(d.timeToResolve.last24h) },
        { title: 'Time to resolve (7d)', value: pct(d.timeToResolve.last7d) },
        { title: 'Reached a physician (7d)', value: d.escalation.rate === null ? '—' : `${Math.round(d.escalation.rate * 100)}% (${d.escalation.escalated} of ${d.escalation.items})` },
        { title: 'Physician time saved (7d)', value: `${d.physicianMinutesSaved} min` },
      ],
    },
    heading('Resolved per person (24h / 7d)'),
    ...(d.resolvedPerPerson.length
      ? d.resolvedPerPerson.slice(0, 40).map((p) => row([cell(p.name), cell(`${p.last24h} / ${p.last7d}`, { horizontalAlignment: 'Right' })]))
      : [{ type: 'TextBlock', text: 'None yet.', isSubtle: true }]),
    heading('Open items per person now'),
    ...(d.workload.length
      ? d.workload.slice(0, 40).map((w) => row([cell(w.name), cell(`${w.open} open (${w.claimed} claimed, ${w.snoozed} snoozed)${w.escalated ? `, ${w.escalated} escalated` : ''}`, { horizontalAlignment: 'Right' })]))
      : [{ type: 'TextBlock', text: 'Nobody holds open items.', isSubtle: true }]),
    heading('Oldest open items'),
    ...(d.oldest.length
      ? d.oldest.map((o) => row([cell(o.ref, { weight: 'Bolder' }), cell(o.queue), cell(o.age, { horizontalAlignment: 'Right' }), cell(o.patientToken, { horizontalAlignment: 'Right' })]))
      : [{ type: 'TextBlock', text: 'None.', isSubtle: true }]),
  ];
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: `Baton daily digest for ${d.organization}`,
    msteams: { width: 'Full' },
    body,
    // Action.OpenUrl opens the console in the browser; the URL carries only the digest's date.
    ...(d.dashboardUrl ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the dashboard', url: d.dashboardUrl }] } : {}),
  };
}
