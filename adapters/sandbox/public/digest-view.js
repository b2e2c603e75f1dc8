import { api, explain } from './api.js';
import { h } from './dom.js';

const mins = (m) => (m === null || m === undefined ? '—' : m < 60 ? `${Math.round(m)}m` : `${(m / 60).toFixed(1)}h`);
const pct = (p) => `median ${mins(p.medianMinutes)}, p90 ${mins(p.p90Minutes)} (${p.count})`;
/**
 * A table with its first column as row headers. Text columns are left-aligned and number columns
 * (counts, ages) right-aligned with figures of one width, so a column of numbers reads down by
 * place value. `numeric[i]` says whether column i holds numbers. A wide table scrolls inside its
 * own box on a phone rather than the page scrolling sideways.
 */
const table = (caption, headers, numeric, rows) => {
  const cls = (i) => (numeric[i] ? 'num' : null);
  return h('div', { class: 'table-box', role: 'region', 'aria-label': caption, tabindex: '0' }, h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((x, i) => h('th', { scope: 'col', class: cls(i) }, x)))),
    h('tbody', {}, rows.length
      ? rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row', class: cls(i) }, c) : h('td', { class: cls(i) }, c)))))
      : h('tr', {}, h('td', { colspan: String(headers.length) }, 'None yet')))));
};

/** The manager's digest as of now: the model the daily DM is built from, as tables. */
export async function renderDigest(container) {
  container.replaceChildren(h('p', { class: 'muted' }, 'Computing…'));
  const { status, body } = await api.get('/sandbox/api/digest');
  if (status !== 200) {
    container.replaceChildren(h('p', { class: 'error' }, explain(body, status).message));
    return;
  }
  const d = body.digest;
  const queueName = new Map(d.backlog.map((b) => [b.queue, b.queueName]));
  container.replaceChildren(h('div', { class: 'digest' },
    table('Open backlog by queue and age', ['Queue', ...d.bandLabels, 'Total'], [false, ...d.bandLabels.map(() => true), true],
      d.backlog.map((b) => [b.queueName, ...b.bands.map(String), String(b.total)])),
    h('ul', {},
      h('li', {}, `Past SLA now: ${d.pastSla}`),
      h('li', {}, `Time to claim — 24h: ${pct(d.timeToClaim.last24h)}; 7 days: ${pct(d.timeToClaim.last7d)}`),
      h('li', {}, `Time to resolve — 24h: ${pct(d.timeToResolve.last24h)}; 7 days: ${pct(d.timeToResolve.last7d)}`),
      h('li', {}, `Escalation rate (7 days): ${d.escalation.rate === null ? '—' : `${Math.round(d.escalation.rate * 100)}%`} (${d.escalation.escalated} of ${d.escalation.items} reached a physician)`),
      h('li', {}, `Estimated physician time saved (7 days): ${d.physicianMinutesSaved} minutes`)),
    table('Resolved per person', ['Person', 'Last 24h', 'Last 7 days'], [false, true, true], d.resolvedPerPerson.map((p) => [p.name, String(p.last24h), String(p.last7d)])),
    table('Open items per person now (open = claimed + snoozed)', ['Person', 'Open', 'Claimed', 'Snoozed', 'Escalated to them'], [false, true, true, true, true],
      (d.workload ?? []).map((w) => [w.name, String(w.open), String(w.claimed), String(w.snoozed), String(w.escalated)])),
    table('Oldest open items', ['Item', 'Queue', 'Age', 'Patient'], [false, false, true, false], d.oldest.map((o) => [o.ref, queueName.get(o.queue) ?? o.queue, o.age, o.patientToken])),
  ));
}
