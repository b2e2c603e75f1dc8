import { Router, type Request } from 'express';
import { exportAudit, searchAudit } from '../../src/app/audit-search.ts';
import { AUDIT_ACTIONS, parseAuditForm, type AuditForm, type AuditHit } from '../../src/domain/audit-search.ts';
import { auditSentence } from '../../src/domain/audit-text.ts';
import { seesQueue } from '../../src/domain/console-access.ts';
import type { ConsoleDeps, Viewer } from './deps.ts';
import { timeLabel } from './format.ts';
import { esc, html } from './html.ts';
import { consoleHeaders, page, problemList } from './layout.ts';
import { viewer } from './session.ts';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const formOf = (req: Request): AuditForm => ({ item: str(req.query.item), staff: str(req.query.staff), action: str(req.query.action), from: str(req.query.from), to: str(req.query.to) });

/** The form's own query string (no patient data: item numbers, staff keys, actions, dates). */
const queryOf = (f: AuditForm, extra: Record<string, string> = {}) => new URLSearchParams(Object.entries({ ...f, ...extra }).filter((e): e is [string, string] => Boolean(e[1]))).toString();

function searchForm(d: ConsoleDeps, f: AuditForm): string {
  const option = (value: string, label: string, chosen: string | undefined) => `<option value="${esc(value)}"${value === chosen ? ' selected' : ''}>${esc(label)}</option>`;
  const staff = [...d.ctx.roster.staff].sort((a, b) => a.name.localeCompare(b.name));
  return html`<form class="filters" method="get" action="/console/audit" aria-label="Search the audit trail">
    <label>Item <input name="item" value="${esc(f.item ?? '')}" placeholder="B-12" size="8" inputmode="text" autocomplete="off"></label>
    <label>Staff member <select name="staff">${option('', 'Anyone', f.staff)}${option('system', 'Baton (system)', f.staff)}${staff.map((s) => option(s.key, s.name, f.staff))}</select></label>
    <label>Action <select name="action">${option('', 'Any action', f.action)}${AUDIT_ACTIONS.map((a) => option(a.action, a.label, f.action))}</select></label>
    <label>From <input type="date" name="from" value="${esc(f.from ?? '')}"></label>
    <label>To <input type="date" name="to" value="${esc(f.to ?? '')}"></label>
    <button type="submit">Search</button>
    <button type="submit" formaction="/console/audit.csv" class="secondary">Export CSV</button>
  </form>`;
}

function results(d: ConsoleDeps, v: Viewer, hits: AuditHit[]): string {
  const zone = d.dashboard.timezone;
  const rows = hits.map((h) => {
    const item = h.itemSeq === null ? '—' : h.itemQueue && seesQueue(v.scope, h.itemQueue) ? `<a href="/console/items/${esc(h.itemId!)}">B-${h.itemSeq}</a>` : `B-${h.itemSeq}`;
    const queue = h.itemQueue ? (d.ctx.roster.queue(h.itemQueue)?.name ?? h.itemQueue) : '';
    return `<tr><td data-label="Time">${esc(timeLabel(h.at, zone))}</td><td data-label="Item" class="ref">${item}</td><td data-label="Queue">${esc(queue)}</td><td data-label="What">${esc(auditSentence(h, d.ctx.roster, zone))}</td><td data-label="Action"><code>${esc(h.action)}</code></td><td data-label="Where">${esc(h.platform)}</td></tr>`;
  });
  return html`<div class="table-box wide" role="region" aria-labelledby="audit-caption" tabindex="0"><table class="audit">
    <caption id="audit-caption">Audit events, newest first (reasons and notes are shown as "recorded": open an item and use View message to read them)</caption>
    <thead><tr><th scope="col">Time</th><th scope="col">Item</th><th scope="col">Queue</th><th scope="col">What happened</th><th scope="col">Action</th><th scope="col">Where</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

/** `GET /console/audit` (search, 50 a page) and `GET /console/audit.csv` (every match, streamed). */
export function auditRoutes(d: ConsoleDeps): Router {
  const r = Router();
  r.get('/console/audit', async (req, res, next) => {
    try {
      const v = viewer(res);
      const form = formOf(req);
      const parsed = parseAuditForm(form, d.ctx.roster, d.dashboard.timezone);
      const before = str(req.query.before);
      const beforeId = before && /^\d{1,19}$/.test(before) ? BigInt(before) : undefined;
      let body = html`<h1>Audit trail</h1>
        <p class="about">Every claim, hand-over, escalation, reminder, view of message text and refused attempt${v.scope.all ? ', and every console sign-in' : ' in the queues you lead'}. The trail is append-only.</p>
        ${searchForm(d, form)}`;
      if (!parsed.ok) body += problemList(parsed.problems);
      else {
        const { hits, next: more } = await searchAudit(d.ctx, v.scope, parsed.filters, beforeId);
        body += hits.length ? results(d, v, hits) : '<p class="empty">No audit events match.</p>';
        if (more !== null) body += `<p class="pager"><a href="/console/audit?${esc(queryOf(form, { before: String(more) }))}">Older events →</a></p>`;
      }
      consoleHeaders(res, d);
      res.status(parsed.ok ? 200 : 400).type('html').send(page(d, { title: 'Audit trail', viewer: v, active: 'audit', body }));
    } catch (e) {
      next(e);
    }
  });

  r.get('/console/audit.csv', async (req, res, next) => {
    try {
      const v = viewer(res);
      const form = formOf(req);
      const parsed = parseAuditForm(form, d.ctx.roster, d.dashboard.timezone);
      consoleHeaders(res, d);
      if (!parsed.ok) {
        res.status(400).type('html').send(page(d, { title: 'Audit trail', viewer: v, active: 'audit', body: html`<h1>Audit trail</h1>${searchForm(d, form)}${problemList(parsed.problems)}` }));
        return;
      }
      const stamp = d.ctx.clock.now().toISOString().slice(0, 10);
      res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="baton-audit-${stamp}.csv"` });
      await exportAudit(d.ctx, v.staff.key, v.scope, parsed.filters, (chunk) => new Promise((ok) => (res.write(chunk) ? ok() : res.once('drain', ok))));
      res.end();
    } catch (e) {
      // Once rows are on their way the status is sent: cut the download short rather than append an error page to the file.
      if (res.headersSent) res.destroy(e as Error);
      else next(e);
    }
  });
  return r;
}
