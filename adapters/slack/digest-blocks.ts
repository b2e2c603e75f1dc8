import type { DigestModel, Percentiles } from '../../src/domain/digest.ts';
import type { Block, SlackMessage } from './blocks.ts';
import { LIMITS, mrkdwn, plain } from './limits.ts';

/**
 * A manager's daily digest as a DM. Aggregates, item refs and patient tokens (the same
 * minimum-necessary identifiers the channel card shows) — never message text. The
 * notification text names only the organisation and the date.
 */

const mins = (m: number | null) => (m === null ? '—' : m < 60 ? `${Math.round(m)}m` : `${(m / 60).toFixed(1)}h`);
const pct = (p: Percentiles) => `median ${mins(p.medianMinutes)}, p90 ${mins(p.p90Minutes)} (n=${p.count})`;
const code = (lines: string[]) => '```' + lines.join('\n').replace(/`/g, "'") + '```';

export function digestMessage(d: DigestModel): SlackMessage {
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: plain(`Daily digest — ${d.organization}`, LIMITS.headerText) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(d.at, 100) }] },
  ];
  const width = Math.max(8, ...d.backlog.map((b) => b.queueName.length));
  const table = [
    `${'Queue'.padEnd(width)} ${d.bandLabels.map((l) => l.padStart(6)).join(' ')}  total`,
    ...d.backlog.map((b) => `${b.queueName.padEnd(width)} ${b.bands.map((n) => String(n).padStart(6)).join(' ')}  ${String(b.total).padStart(5)}`),
  ].map((line) => mrkdwn(line, LIMITS.sectionText)); // padded on the raw names, then escaped: Slack parses `<…>` inside code blocks too
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: plain(`*Open backlog by age*\n${code(table)}`, LIMITS.sectionText) } });
  blocks.push({
    type: 'section',
    fields: [
      { type: 'mrkdwn', text: `*Past response time now*\n${d.pastSla}` },
      { type: 'mrkdwn', text: `*Escalation rate (7d)*\n${d.escalation.rate === null ? '—' : `${(d.escalation.rate * 100).toFixed(0)}%`} (${d.escalation.escalated} of ${d.escalation.items})` },
      { type: 'mrkdwn', text: `*Time to claim*\n24h: ${pct(d.timeToClaim.last24h)}\n7d: ${pct(d.timeToClaim.last7d)}` },
      { type: 'mrkdwn', text: `*Time to resolve*\n24h: ${pct(d.timeToResolve.last24h)}\n7d: ${pct(d.timeToResolve.last7d)}` },
      { type: 'mrkdwn', text: `*Physician time saved (7d)*\n~${d.physicianMinutesSaved} minutes` },
    ],
  });
  const people = d.resolvedPerPerson.map((p) => `${mrkdwn(p.name, 80)}: ${p.last24h} / ${p.last7d}`);
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: plain(`*Resolved per person (24h / 7d)*\n${people.join('\n') || 'none'}`, LIMITS.sectionText) } });
  const load = d.workload.map((w) => `${mrkdwn(w.name, 80)}: ${w.open} open (${w.claimed} claimed, ${w.snoozed} snoozed)${w.escalated ? `, ${w.escalated} escalated` : ''}`);
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: plain(`*Open items per person now*\n${load.join('\n') || 'none'}`, LIMITS.sectionText) } });
  const oldest = d.oldest.map((o) => `${mrkdwn(o.ref, 20)} · ${mrkdwn(o.queue, 60)} · ${mrkdwn(o.age, 20)} · ${mrkdwn(o.patientToken, 40)}`);
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: plain(`*Oldest open items*\n${oldest.join('\n') || 'none'}`, LIMITS.sectionText) } });
  // A link button, not a mrkdwn link: Slack shows it as one tap, and the URL carries only a date.
  if (d.dashboardUrl) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the dashboard' }, url: d.dashboardUrl, action_id: 'digest.dashboard' }] });
  return { text: mrkdwn(`Baton daily digest — ${d.organization}`, 300), blocks: blocks.slice(0, LIMITS.messageBlocks) };
}
