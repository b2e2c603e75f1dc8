import type { Response } from 'express';
import { visibleQueues } from '../../src/domain/console-access.ts';
import type { ConsoleDeps, Viewer } from './deps.ts';
import { esc, html } from './html.ts';

/**
 * Headers of every console answer: no script, style or image from anywhere but Baton (the chart
 * library is served by Baton: no CDN), forms only to Baton, no framing, no referrer (console URLs
 * carry item ids), nothing cached (pages show audit trails and, after View message, message text).
 */
export function consoleHeaders(res: Response, d: ConsoleDeps): void {
  res.set({
    'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    ...(d.cookies.secure ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
  });
}

export interface PageOptions {
  title: string;
  viewer?: Viewer | undefined;
  active?: 'dashboard' | 'audit' | undefined;
  body: string;
  /** Loads Chart.js and the chart drawing (the dashboard only). */
  charts?: boolean;
}

function who(d: ConsoleDeps, v: Viewer): string {
  if (v.scope.all) return `${v.staff.name} · manager`;
  return `${v.staff.name} · lead: ${visibleQueues(d.ctx.roster, v.scope).map((q) => q.name).join(', ')}`;
}

/** The page shell: header with navigation and sign-out, the idle timer's setting, the body. */
export function page(d: ConsoleDeps, o: PageOptions): string {
  const v = o.viewer;
  const nav = v
    ? html`<nav class="nav" aria-label="Console">
        <a href="/console/dashboard"${o.active === 'dashboard' ? ' aria-current="page"' : ''}>Dashboard</a>
        <a href="/console/audit"${o.active === 'audit' ? ' aria-current="page"' : ''}>Audit trail</a>
      </nav>
      <div class="who"><span>${esc(who(d, v))}</span>
        <form method="post" action="/console/auth/logout"><input type="hidden" name="_csrf" value="${esc(v.csrf)}"><button type="submit" class="link">Sign out</button></form>
      </div>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)} — Baton console</title>
<link rel="icon" href="/console/assets/favicon.svg">
<link rel="stylesheet" href="/console/assets/console.css">
${o.charts ? '<script src="/console/assets/chart.umd.min.js" defer></script>' : ''}
<script src="/console/assets/console.js" defer></script>
</head>
<body${v ? ` data-idle-seconds="${Math.round(d.idleMs / 1000)}"` : ''}>
<a class="skip" href="#main">Skip to the content</a>
<header class="top">
  <p class="brand">Baton <span>console · ${esc(d.organization)}</span></p>
  ${nav}
</header>
<main id="main" tabindex="-1">
${o.body}
</main>
</body>
</html>`;
}

/** A page that only says something (refusals, sign-out, errors), with an optional link onwards. */
export function notice(d: ConsoleDeps, res: Response, status: number, title: string, text: string, link?: { href: string; label: string }, viewer?: Viewer): void {
  consoleHeaders(res, d);
  const body = html`<section class="notice"><h1>${esc(title)}</h1><p>${esc(text)}</p>${link ? `<p><a class="button" href="${esc(link.href)}">${esc(link.label)}</a></p>` : ''}</section>`;
  res.status(status).type('html').send(page(d, { title, body, viewer }));
}

/** A form's problems, listed where its fields are (a bad date, an unknown queue). */
export function problemList(problems: Array<{ field: string; message: string }>): string {
  if (!problems.length) return '';
  return html`<div class="problems" role="alert"><p>Please correct:</p><ul>${problems.map((p) => `<li><strong>${esc(p.field)}</strong>: ${esc(p.message)}</li>`)}</ul></div>`;
}
