import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { checkSession, csrfRefused } from '../../src/app/console-sign-in.ts';
import { clearCookie, cookieName, readCookie } from './cookies.ts';
import type { ConsoleDeps, Viewer } from './deps.ts';
import { notice } from './layout.ts';

/**
 * Sessions are kept in the database (every instance behind a load balancer sees them; a
 * sign-out or an idle logout ends them everywhere at once). The cookie holds a random 256-bit
 * token; the table holds only a hash of it, and every form carries a second hash of it (the
 * CSRF token), so neither the table nor a page's source yields a usable cookie.
 */
export const newToken = () => randomBytes(32).toString('base64url');
const digest = (purpose: string, token: string) => createHash('sha256').update(`baton-console:${purpose}\0${token}`).digest('base64url');
export const sessionIdOf = (token: string) => digest('session', token);
export const loginIdOf = (token: string) => digest('login', token);
export const csrfOf = (token: string) => digest('csrf', token);

export const sessionCookie = (d: ConsoleDeps) => cookieName('baton-console', d.cookies);
export const loginCookie = (d: ConsoleDeps) => cookieName('baton-login', d.cookies);

const viewerOf = (res: Response) => res.locals.viewer as Viewer | undefined;
export const viewer = (res: Response) => viewerOf(res)!;

const ENDED: Record<string, string> = {
  idle: 'You were signed out after {n} minutes without activity, so that nobody else can use this screen. Sign in again to go on.',
  expired: 'Your console session reached its 12-hour limit. Sign in again to go on.',
  logout: 'You are signed out.',
  roster: 'Your roster entry no longer lets you use the console (it changed since you signed in).',
};

/**
 * Every console page but sign-in's own: the session from the cookie, checked (idle, absolute
 * end, roster) and seen now. Without one, a page request starts a sign-in that comes back to
 * it; a session that ended says why, with a link to sign in again.
 */
export function requireSession(d: ConsoleDeps, startLogin: (req: Request, res: Response, returnTo: string) => Promise<void>): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = readCookie(req, sessionCookie(d));
      const found = await checkSession(d.ctx, token ? sessionIdOf(token) : undefined, d.idleMs);
      if (found.ok) {
        res.locals.viewer = { staff: found.staff, scope: found.scope, sessionId: found.sessionId, csrf: csrfOf(token!) } satisfies Viewer;
        return next();
      }
      if (token) clearCookie(res, sessionCookie(d), d.cookies);
      if (found.reason === 'none' && req.method === 'GET') return await startLogin(req, res, req.originalUrl);
      const text = found.reason === 'none' ? 'Sign in to use the console.' : ENDED[found.reason]!.replace('{n}', String(Math.round(d.idleMs / 60_000)));
      // Back to the same page after signing in again (a console path: no patient data in it).
      const again = req.method === 'GET' ? `/console/auth/login?return=${encodeURIComponent(req.originalUrl)}` : '/console/auth/login';
      notice(d, res, 401, found.reason === 'idle' ? 'Signed out after inactivity' : 'Signed out', text, { href: again, label: 'Sign in again' });
    } catch (e) {
      next(e);
    }
  };
}

/** Same origin as the public URL, when the browser says where a form came from. */
function sameOrigin(req: Request, d: ConsoleDeps): boolean {
  const origin = req.get('origin');
  if (origin && origin !== 'null' && origin !== d.publicUrl) return false;
  const site = req.get('sec-fetch-site');
  return !site || site === 'same-origin' || site === 'none';
}

/**
 * CSRF protection of every console POST: the form's `_csrf` must be this session's token (a
 * synchroniser token: another site cannot read it), and a browser that names the form's origin
 * must name Baton's. SameSite=Lax already keeps the cookie off other sites' POSTs; this holds
 * even where it does not (an old browser, a sibling subdomain). Refusals are audited.
 */
export function requireCsrf(d: ConsoleDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const v = viewer(res);
      const sent = typeof req.body?._csrf === 'string' ? req.body._csrf : '';
      const ok = sent.length === v.csrf.length && timingSafeEqual(Buffer.from(sent), Buffer.from(v.csrf)) && sameOrigin(req, d);
      if (ok) return next();
      await csrfRefused(d.ctx, v.staff.key, req.path);
      notice(d, res, 403, 'Form refused', 'This form did not come from a current console page (it had expired, or another site sent it). Nothing was done. Go back, reload the page and try again.', { href: '/console/dashboard', label: 'Back to the dashboard' }, v);
    } catch (e) {
      next(e);
    }
  };
}
