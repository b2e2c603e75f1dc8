import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import type { ContextSource } from '../../src/app/context.ts';
import type { Roster, StaffMember } from '../../src/domain/roster.ts';
import { READ_ONLY_REASON, pickable } from './viewer.ts';

const PUBLIC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };
/** Read once at start: the page's files are part of the release, not user content. */
const ASSETS = new Map(
  fs.readdirSync(PUBLIC).filter((f) => TYPES[path.extname(f)]).map((f) => [f, fs.readFileSync(path.join(PUBLIC, f))]),
);

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** How each person is described in the picker: name and what they do, so trainees pick the right role. */
function describe(roster: Roster, s: StaffMember): string {
  if (s.physician) return `${s.name} — physician`;
  if (s.manager) return `${s.name} — manager (all queues)`;
  const queues = roster.queuesOf(s.key).map((q) => (roster.isLeadOf(s.key, q.key) ? `${q.name} lead` : q.name));
  return `${s.name} — ${queues.join(', ') || 'no queue'}`;
}

function shell(roster: Roster, readOnly: boolean, selected: string | undefined, org: string, zone: string): string {
  const people = pickable(roster, readOnly);
  const chosen = people.find((p) => p.key === selected) ?? people.find((p) => !p.physician && !p.manager) ?? people[0];
  const groups: Array<[string, StaffMember[]]> = [
    ['Care team', people.filter((p) => !p.physician && !p.manager)],
    ['Physicians', people.filter((p) => p.physician)],
    ['Managers', people.filter((p) => p.manager && !p.physician)],
  ];
  const options = groups
    .filter(([, list]) => list.length)
    .map(([label, list]) => `<optgroup label="${escape(label)}">${list
      .map((p) => `<option value="${escape(p.key)}"${p === chosen ? ' selected' : ''}>${escape(describe(roster, p))}</option>`)
      .join('')}</optgroup>`)
    .join('');
  return `<!doctype html>
<html lang="en" data-time-zone="${escape(zone)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baton sandbox — ${escape(org)}</title>
<link rel="icon" href="/sandbox/assets/favicon.svg">
<link rel="stylesheet" href="/sandbox/assets/app.css">
<script type="module" src="/sandbox/assets/app.js"></script>
</head>
<body data-read-only="${readOnly}">
<a class="skip" href="#main">Skip to the cards</a>
<header class="top">
  <h1>Baton <span class="muted">sandbox · ${escape(org)}</span></h1>
  <div class="acting"><label for="acting-as">Acting as</label>
  <select id="acting-as">${options}</select></div>
  <p id="live" class="live" role="status">Connecting…</p>
</header>
${readOnly ? `<p class="banner" role="note"><strong>Read-only mirror.</strong> ${escape(READ_ONLY_REASON)}</p>` : ''}
<div class="layout">
  <nav aria-labelledby="channels-title"><h2 id="channels-title">Channels</h2>
    ${readOnly ? '' : '<p class="next"><button type="button" id="next-item" class="primary" hidden>Next item</button></p>'}
    <ul id="channels" class="channels"></ul>
    <section id="workload" class="workload" aria-labelledby="workload-title" hidden><h2 id="workload-title">Workload</h2><ul id="workload-list"></ul><p class="muted">Open = claimed + snoozed, in any queue.</p></section>
  </nav>
  <main id="main" tabindex="-1">
    <h2 id="channel-title">Loading…</h2>
    <p id="channel-about" class="muted"></p>
    <div id="channel-body"></div>
  </main>
  ${readOnly ? '' : `<aside class="private" aria-labelledby="private-title">
    <h2 id="private-title">Only you can see this</h2>
    <div id="private" aria-live="polite"><p class="muted">Answers to your actions and message text you open appear here, for you alone.</p></div>
    <section class="away" aria-labelledby="away-title">
      <h2 id="away-title">Away</h2>
      <p id="away-status" class="muted" aria-live="polite"></p>
      <form id="away-form" novalidate>
        <label for="away-until">Until <span class="muted">(fri, tomorrow 13:00, 2026-12-24)</span></label>
        <input id="away-until" name="until" autocomplete="off" placeholder="fri">
        <label class="check"><input id="away-through" name="through" type="checkbox"> including that day</label>
        <label for="away-cover">Cover <span class="muted">(optional: who takes your work)</span></label>
        <input id="away-cover" name="cover" autocomplete="off" placeholder="e.g. Dr. Baker">
        <label for="away-for">For <span class="muted">(optional: someone in a queue you lead)</span></label>
        <input id="away-for" name="for" autocomplete="off">
        <div class="away-buttons"><button type="submit" class="primary">Set away</button> <button type="button" id="away-off">Back (end it)</button></div>
      </form>
    </section>
  </aside>`}
</div>
<noscript>The sandbox needs JavaScript to show cards.</noscript>
</body>
</html>`;
}

/**
 * `GET /`: the page shell with the acting-as picker; `GET /sandbox/assets/*`: its script and
 * styles (no build step, no CDN). `zone` is the organisation's: the page shows every time in it.
 */
export function pageRoutes(ctx: ContextSource, readOnly: boolean): Router {
  const r = Router();
  r.get('/', (req, res) => {
    const c = ctx();
    const as = typeof req.query.as === 'string' ? req.query.as : undefined;
    res
      .set({
        'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      })
      .type('html')
      .send(shell(c.roster, readOnly, as, c.digest.organization, c.sla.calendar.timezone));
  });
  r.get('/sandbox/assets/:file', (req, res, next) => {
    const file = ASSETS.get(String(req.params.file));
    if (!file) return next();
    res.set({ 'Content-Type': TYPES[path.extname(String(req.params.file))]!, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' }).send(file);
  });
  return r;
}
