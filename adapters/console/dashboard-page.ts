import { Router } from 'express';
import { dashboardFor, type DashboardForm } from '../../src/app/dashboard.ts';
import { visibleQueues } from '../../src/domain/console-access.ts';
import type { DashboardModel } from '../../src/domain/dashboard.ts';
import type { ConsoleDeps, Viewer } from './deps.ts';
import { dayLabel, percent, shortDay, waitLabel } from './format.ts';
import { esc, html, jsonBlock } from './html.ts';
import { consoleHeaders, page, problemList } from './layout.ts';
import { viewer } from './session.ts';

const q = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** A table of a chart's numbers: the same figures for screen readers, print and anyone who wants them exact. */
function table(caption: string, head: string[], rows: Array<Array<string | number>>, id: string): string {
  return html`<div class="table-box" role="region" aria-labelledby="${id}-caption" tabindex="0"><table id="${id}-table">
    <caption id="${id}-caption">${esc(caption)}</caption>
    <thead><tr>${head.map((h, i) => `<th scope="col"${i ? ' class="num"' : ''}>${esc(h)}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => `<tr>${r.map((c, i) => (i ? `<td class="num">${esc(c)}</td>` : `<th scope="row">${esc(c)}</th>`)).join('')}</tr>`)}</tbody>
  </table></div>`;
}

/** A chart and its numbers. The canvas is drawn by console.js from the page's JSON; it names the table for screen readers. */
function figure(id: string, title: string, about: string, tableHtml: string, tall = false): string {
  return html`<figure class="chart" id="${id}" aria-labelledby="${id}-title">
    <h2 id="${id}-title">${esc(title)}</h2>
    <p class="about">${esc(about)}</p>
    <div class="canvas-box${tall ? ' tall' : ''}"><canvas data-chart="${id}" role="img" aria-label="${esc(`${title}. The numbers are in the table below.`)}"></canvas></div>
    ${tableHtml}
  </figure>`;
}

function filters(d: ConsoleDeps, v: Viewer, form: DashboardForm, m: DashboardModel | null): string {
  const queues = visibleQueues(d.ctx.roster, v.scope);
  const chosen = form.queue ?? '';
  return html`<form class="filters" method="get" action="/console/dashboard" aria-label="Period and queue">
    <label>From <input type="date" name="from" value="${esc(form.from ?? m?.period.fromDate ?? '')}"></label>
    <label>To <input type="date" name="to" value="${esc(form.to ?? m?.period.toDate ?? '')}"></label>
    <label>Queue <select name="queue">
      <option value="">${v.scope.all ? 'All queues' : 'All my queues'}</option>
      ${queues.map((x) => `<option value="${esc(x.key)}"${x.key === chosen ? ' selected' : ''}>${esc(x.name)}</option>`)}
    </select></label>
    <button type="submit">Show</button>
  </form>`;
}

function kpis(m: DashboardModel): string {
  const tile = (label: string, value: string, sub: string) => `<div class="kpi"><p class="label">${esc(label)}</p><p class="value">${esc(value)}</p><p class="sub">${esc(sub)}</p></div>`;
  const hours = m.physician.minutesSaved / 60;
  return html`<section class="kpis" aria-label="Summary">
    ${tile('New messages', String(m.totals.created), `${m.period.days.length} days`)}
    ${tile('Resolved', String(m.totals.resolved), 'in the period')}
    ${tile('Open now', String(m.totals.open), `${m.totals.pastTarget} past target`)}
    ${tile('Reached a physician', percent(m.physician.share), `${m.physician.escalated} of ${m.physician.created} new`)}
    ${tile('Physician time saved', hours >= 10 ? `~${Math.round(hours)} h` : `~${m.physician.minutesSaved} min`, `${m.physician.resolvedWithoutPhysician} resolved by the team × ${m.physician.minutesPerMessage} min`)}
  </section>`;
}

function charts(m: DashboardModel): string {
  const days = m.period.days;
  const daily = table(
    'New messages per day by queue, and resolved per day',
    ['Day', ...m.daily.created.map((s) => s.name), 'All new', 'Resolved'],
    days.map((day, i) => [dayLabel(day), ...m.daily.created.map((s) => s.counts[i]!), m.daily.createdTotal[i]!, m.daily.resolved[i]!]),
    'daily',
  );
  const claim = table(
    'Time to claim by queue',
    ['Queue', 'Claimed', 'Median', '90th percentile'],
    m.timing.map((t) => [t.name, t.claim.count, waitLabel(t.claim.medianMinutes), waitLabel(t.claim.p90Minutes)]),
    'claim',
  );
  const resolve = table(
    'Time to resolve by queue',
    ['Queue', 'Resolved', 'Median', '90th percentile'],
    m.timing.map((t) => [t.name, t.resolve.count, waitLabel(t.resolve.medianMinutes), waitLabel(t.resolve.p90Minutes)]),
    'resolve',
  );
  const breach = table(
    'Past response target by queue',
    ['Queue', 'Claims late', 'Rate', 'Resolutions late', 'Rate'],
    m.timing.map((t) => [t.name, `${t.claimLate} of ${t.claimTargets}`, percent(t.claimLateRate), `${t.resolveLate} of ${t.resolveTargets}`, percent(t.resolveLateRate)]),
    'breach',
  );
  const backlog = table(
    'Open backlog now by age of first message',
    ['Queue', ...m.backlog.bandLabels, 'Total', 'Past target'],
    m.backlog.rows.map((r) => [r.name, ...r.bands, r.total, r.past]),
    'backlog',
  );
  const physician = table(
    'New messages that reached a physician',
    ['Measure', 'Count'],
    [['Reached a physician', m.physician.escalated], ['Handled by the team', m.physician.created - m.physician.escalated], ['Share that reached a physician', percent(m.physician.share)], ['Resolved without a physician', m.physician.resolvedWithoutPhysician], ['Estimated physician minutes saved', m.physician.minutesSaved]],
    'physician',
  );
  const people = table('Workload per person', ['Person', 'Resolved in the period', 'Holding now'], m.people.map((p) => [p.name, p.resolved, p.holding]), 'people');
  const chartData = {
    days: days.map(shortDay),
    daily: { created: m.daily.created.map((s) => ({ label: s.name, data: s.counts })), resolved: m.daily.resolved },
    claim: { labels: m.timing.map((t) => t.name), median: m.timing.map((t) => t.claim.medianMinutes), p90: m.timing.map((t) => t.claim.p90Minutes) },
    resolve: { labels: m.timing.map((t) => t.name), median: m.timing.map((t) => t.resolve.medianMinutes), p90: m.timing.map((t) => t.resolve.p90Minutes) },
    breach: { labels: m.timing.map((t) => t.name), claim: m.timing.map((t) => (t.claimLateRate === null ? null : t.claimLateRate * 100)), resolve: m.timing.map((t) => (t.resolveLateRate === null ? null : t.resolveLateRate * 100)) },
    backlog: { labels: m.backlog.rows.map((r) => r.name), bands: m.backlog.bandLabels.map((label, i) => ({ label, data: m.backlog.rows.map((r) => r.bands[i]!) })) },
    physician: { escalated: m.physician.escalated, team: m.physician.created - m.physician.escalated },
    people: { labels: m.people.map((p) => p.name), resolved: m.people.map((p) => p.resolved), holding: m.people.map((p) => p.holding) },
  };
  return html`${jsonBlock('dashboard-data', chartData)}
  <div class="charts">
    ${figure('daily', 'Daily volume', 'New messages per day, stacked by queue; the line is what was resolved that day. A backlog grows where the bars stand above the line.', daily, true)}
    ${figure('claim', 'Time to claim', 'Median and 90th percentile by queue, from arrival to the first claim, for work claimed in the period.', claim)}
    ${figure('resolve', 'Time to resolve', 'Median and 90th percentile by queue, from arrival to resolution, for work resolved in the period.', resolve)}
    ${figure('breach', 'Response targets missed', 'Share of claims and resolutions that came after their target, by queue.', breach)}
    ${figure('backlog', 'Open backlog now, by age', 'Open items by how long ago the patient first wrote.', backlog)}
    ${figure('physician', 'Reached a physician', `Share of new messages escalated to a physician. Physician time saved: items resolved without one × ${m.physician.minutesPerMessage} minutes (digest.physicianMinutesPerMessage).`, physician)}
    ${figure('people', 'Workload per person', 'Items each person resolved in the period, and open items they hold now.', people, m.people.length > 8)}
  </div>`;
}

/** `GET /console/dashboard?from=&to=&queue=`: the period's charts and tables, for the viewer's queues. */
export function dashboardRoutes(d: ConsoleDeps): Router {
  const r = Router();
  r.get('/console', (_req, res) => res.redirect(302, '/console/dashboard'));
  r.get('/console/dashboard', async (req, res, next) => {
    try {
      const v = viewer(res);
      const form: DashboardForm = { from: q(req.query.from), to: q(req.query.to), queue: q(req.query.queue) };
      const out = await dashboardFor(d.ctx, v.scope, form, d.dashboard);
      const m = out.ok ? out.model : null;
      const scopeLine = m ? `${m.period.days.length} days, ${dayLabel(m.period.fromDate)} – ${dayLabel(m.period.toDate)} · ${out.ok && out.queue ? m.queues[0]!.name : v.scope.all ? 'all queues' : 'your queues'}` : '';
      const body = html`<h1>Dashboard</h1>
        ${filters(d, v, form, m)}
        ${out.ok ? '' : problemList(out.problems)}
        ${m ? `<p class="period">${esc(scopeLine)}</p>${kpis(m)}${charts(m)}` : ''}`;
      consoleHeaders(res, d);
      res.status(out.ok ? 200 : 400).type('html').send(page(d, { title: 'Dashboard', viewer: v, active: 'dashboard', body, charts: out.ok }));
    } catch (e) {
      next(e);
    }
  });
  return r;
}
