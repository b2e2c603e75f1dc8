import { Router, type Response } from 'express';
import { viewMessage, type ViewedMessage } from '../../src/app/view-message.ts';
import type { StaffNote } from '../../src/app/team-notes.ts';
import { actorName, auditSentence } from '../../src/domain/audit-text.ts';
import { CATEGORY_LABELS, channelStaffText, PRIORITY_LABELS, STATE_LABELS } from '../../src/domain/card.ts';
import { seesQueue } from '../../src/domain/console-access.ts';
import { itemRef, type WorkItem } from '../../src/domain/work-item.ts';
import type { ConsoleDeps, Viewer } from './deps.ts';
import { timeLabel } from './format.ts';
import { esc, html } from './html.ts';
import { consoleHeaders, notice, page } from './layout.ts';
import { requireCsrf, viewer } from './session.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function facts(d: ConsoleDeps, i: WorkItem): string {
  const zone = d.dashboard.timezone;
  const when = (at: Date | null) => (at ? timeLabel(at, zone) : '—');
  const rows: Array<[string, string]> = [
    ['Queue', d.ctx.roster.queue(i.queue)?.name ?? i.queue],
    ['Category', CATEGORY_LABELS[i.category]],
    ['Priority', PRIORITY_LABELS[i.priority]],
    ['State', STATE_LABELS[i.state]],
    ['Owner', i.ownerId ? actorName(i.ownerId, d.ctx.roster) : '—'],
    ['Patient', i.patientToken],
    ['First message', when(i.firstMessageAt)],
    ['Messages', String(i.messageCount)],
    ['Claim target', when(i.claimDueAt)],
    ['Response target', when(i.resolveDueAt)],
    ['Resolved', when(i.resolvedAt)],
  ];
  return `<dl class="facts">${rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>`;
}

function messages(d: ConsoleDeps, list: ViewedMessage[], notes: StaffNote[]): string {
  const zone = d.dashboard.timezone;
  return html`<section class="message-text" aria-labelledby="text-title">
    <h2 id="text-title">Message text <span class="muted">(your view is recorded in the audit trail)</span></h2>
    ${list.map((m) => `<article class="message"><p class="muted">${esc(timeLabel(m.sentInFuture ? m.receivedAt : m.sentAt, zone))}</p>${m.subject ? `<h3>${esc(m.subject)}</h3>` : ''}<p class="body">${esc(m.body)}</p></article>`)}
    ${notes.length ? `<h3>Team notes</h3><ul class="notes">${notes.map((n) => `<li><strong>${esc(n.by)}</strong> (${esc(n.what)}, ${esc(timeLabel(n.at, zone))}): ${esc(n.text)}</li>`).join('')}</ul>` : ''}
  </section>`;
}

async function render(d: ConsoleDeps, res: Response, v: Viewer, item: WorkItem, shown?: { list: ViewedMessage[]; notes: StaffNote[] }) {
  const zone = d.dashboard.timezone;
  const thread = await d.ctx.store.auditOf(item.id);
  // Staff free text on the thread as on channel cards: "reason recorded" unless the clinic's card settings show text.
  const staffText = channelStaffText(d.ctx.card.messageText);
  const body = html`<p class="crumbs"><a href="/console/audit?item=${esc(itemRef(item))}">← Audit search for ${esc(itemRef(item))}</a></p>
    <h1>${esc(itemRef(item))} <span class="muted">${esc(CATEGORY_LABELS[item.category])}</span></h1>
    ${facts(d, item)}
    ${shown ? messages(d, shown.list, shown.notes) : html`<form method="post" action="/console/items/${esc(item.id)}/view" class="view-form">
      <input type="hidden" name="_csrf" value="${esc(v.csrf)}">
      <button type="submit">View message</button> <span class="muted">Shows the patient’s words and the team’s notes; the view is recorded in the audit trail.</span>
    </form>`}
    <section aria-labelledby="thread-title"><h2 id="thread-title">Audit thread</h2>
    <div class="table-box wide" role="region" aria-labelledby="thread-title" tabindex="0"><table class="audit">
      <thead><tr><th scope="col">Time</th><th scope="col">What happened</th><th scope="col">State</th><th scope="col">Where</th></tr></thead>
      <tbody>${thread.map((r) => `<tr><td data-label="Time">${esc(timeLabel(r.at, zone))}</td><td data-label="What">${esc(auditSentence(r, d.ctx.roster, zone, staffText))}</td><td data-label="State">${esc([r.fromState, r.toState].filter(Boolean).map((s) => STATE_LABELS[s as keyof typeof STATE_LABELS] ?? s).join(' → '))}</td><td data-label="Where">${esc(r.platform)}</td></tr>`)}</tbody>
    </table></div></section>`;
  consoleHeaders(res, d);
  res.status(200).type('html').send(page(d, { title: itemRef(item), viewer: v, body }));
}

/** `GET /console/items/{id}`: one item and its audit thread; `POST …/view`: the same with its message text, audited. */
export function itemRoutes(d: ConsoleDeps): Router {
  const r = Router();
  const visible = async (id: string, v: Viewer) => {
    const item = UUID.test(id) ? await d.ctx.store.findItem(id) : null;
    return item && seesQueue(v.scope, item.queue) ? item : null;
  };
  const missing = (res: Response, v: Viewer) => notice(d, res, 404, 'No such item', 'There is no such item, or it is not in a queue you can see.', { href: '/console/audit', label: 'Search the audit trail' }, v);

  r.get('/console/items/:id', async (req, res, next) => {
    try {
      const v = viewer(res);
      const item = await visible(String(req.params.id), v);
      if (!item) return missing(res, v);
      await render(d, res, v, item);
    } catch (e) {
      next(e);
    }
  });

  r.post('/console/items/:id/view', requireCsrf(d), async (req, res, next) => {
    try {
      const v = viewer(res);
      const item = await visible(String(req.params.id), v);
      if (!item) return missing(res, v);
      const out = await viewMessage(d.ctx, { itemId: item.id, actorKey: v.staff.key, platform: 'console' });
      if (!out.ok) return notice(d, res, 403, 'Not allowed', out.message, { href: `/console/items/${item.id}`, label: 'Back to the item' }, v);
      await render(d, res, v, item, { list: out.messages, notes: out.notes });
    } catch (e) {
      next(e);
    }
  });
  return r;
}
