import { Router, type Request, type Response } from 'express';
import { signIn, signInFailed, signOut } from '../../src/app/console-sign-in.ts';
import { clearCookie, readCookie, setCookie } from './cookies.ts';
import type { ConsoleDeps } from './deps.ts';
import { notice } from './layout.ts';
import { Oidc, SignInError } from './oidc.ts';
import { loginCookie, loginIdOf, newToken, requireCsrf, requireSession, sessionCookie, sessionIdOf, viewer } from './session.ts';

/** A sign-in has this long to come back from the identity provider. */
const LOGIN_MS = 10 * 60_000;

/** Only console paths are returned to after signing in: never another site (an open redirect). */
const safeReturn = (p: unknown) => (typeof p === 'string' && /^\/console(\/[\w\-./?=&%]*)?$/.test(p) && !p.includes('//') && !p.startsWith('/console/auth') ? p : '/console/dashboard');

function notConfigured(d: ConsoleDeps, res: Response) {
  notice(d, res, 503, 'Sign-in is not configured', `The console signs people in with your organisation's identity provider, and Baton has no settings for it yet. Set ${d.missing.join(', ')} (README, "Console") and restart Baton.`);
}

/**
 * Starts an OpenID Connect sign-in: state, nonce and PKCE verifier kept in the database under a
 * hash of a fresh cookie (so the answer is accepted only in the browser that asked), then off to
 * the identity provider.
 */
export function loginStarter(d: ConsoleDeps) {
  return async (_req: Request, res: Response, returnTo: string) => {
    if (!d.oidc) return notConfigured(d, res);
    const token = newToken();
    const checks = Oidc.newChecks();
    const now = d.ctx.clock.now();
    let target: URL;
    try {
      target = await d.oidc.authorizationUrl(checks);
    } catch (e) {
      if (!(e instanceof SignInError)) throw e;
      d.logger.warn({ code: e.code }, 'console: identity provider unreachable');
      return notice(d, res, 502, 'Identity provider unreachable', 'Baton could not reach your identity provider to sign you in. Try again in a minute; if it keeps failing, ask your IT team (Baton logs the reason).', { href: '/console/auth/login', label: 'Try again' });
    }
    await d.ctx.store.saveConsoleLogin({ id: loginIdOf(token), ...checks, returnTo: safeReturn(returnTo), createdAt: now, expiresAt: new Date(now.getTime() + LOGIN_MS) });
    setCookie(res, loginCookie(d), token, d.cookies, LOGIN_MS / 1000);
    res.redirect(303, target.href);
  };
}

export function authRoutes(d: ConsoleDeps): Router {
  const r = Router();
  const start = loginStarter(d);

  r.get('/console/auth/login', (req, res, next) => start(req, res, safeReturn(req.query.return)).catch(next));

  r.get('/console/auth/callback', async (req, res, next) => {
    try {
      if (!d.oidc) return notConfigured(d, res);
      const token = readCookie(req, loginCookie(d));
      clearCookie(res, loginCookie(d), d.cookies);
      const login = token ? await d.ctx.store.takeConsoleLogin(loginIdOf(token), d.ctx.clock.now()) : null;
      const again = { href: '/console/auth/login', label: 'Sign in again' };
      if (!login) return notice(d, res, 400, 'Sign-in expired', 'This sign-in was started more than 10 minutes ago, in another browser, or was already used. Start again.', again);
      const error = typeof req.query.error === 'string' ? req.query.error : undefined;
      if (error) {
        await signInFailed(d.ctx, error);
        return notice(d, res, 401, 'Not signed in', `Your identity provider did not sign you in (${error.replace(/[^\w.-]/g, '').slice(0, 40)}). If you cancelled, sign in again; otherwise ask your IT team whether Baton is assigned to you.`, again);
      }
      let identity;
      try {
        // The provider sent the browser to the registered redirect URI: read its answer as that URL.
        identity = await d.oidc.complete(new URL(req.originalUrl, d.publicUrl), login);
      } catch (e) {
        if (!(e instanceof SignInError)) throw e;
        d.logger.warn({ code: e.code }, 'console: sign-in failed at the identity provider');
        await signInFailed(d.ctx, e.code);
        return notice(d, res, e.status, 'Not signed in', 'Your identity provider’s answer could not be verified, so you are not signed in. Sign in again; if it keeps failing, ask your IT team (Baton logs the reason).', again);
      }
      const sessionToken = newToken();
      const decision = await signIn(d.ctx, identity, sessionIdOf(sessionToken));
      if (!decision.ok) {
        d.logger.info({ reason: decision.reason }, 'console: sign-in refused');
        return notice(d, res, 403, 'No access to the Baton console', decision.message);
      }
      d.logger.info({ staff: decision.staff.key }, 'console: signed in');
      setCookie(res, sessionCookie(d), sessionToken, d.cookies);
      res.redirect(303, login.returnTo);
    } catch (e) {
      next(e);
    }
  });

  // The page's idle timer comes here (console.js): the screen stops showing anything at once.
  r.get('/console/auth/timeout', async (req, res, next) => {
    try {
      const token = readCookie(req, sessionCookie(d));
      if (token) await signOut(d.ctx, sessionIdOf(token), 'idle');
      clearCookie(res, sessionCookie(d), d.cookies);
      notice(d, res, 200, 'Signed out after inactivity', `You were signed out after ${Math.round(d.idleMs / 60_000)} minutes without activity, so that nobody else can use this screen. Sign in again to go on.`, { href: '/console/auth/login', label: 'Sign in again' });
    } catch (e) {
      next(e);
    }
  });

  r.post('/console/auth/logout', requireSession(d, start), requireCsrf(d), async (_req, res, next) => {
    try {
      await signOut(d.ctx, viewer(res).sessionId, 'logout');
      clearCookie(res, sessionCookie(d), d.cookies);
      notice(d, res, 200, 'Signed out', 'You are signed out of the Baton console. Your identity provider may keep you signed in to other applications: sign out there too on a shared computer.', { href: '/console/auth/login', label: 'Sign in again' });
    } catch (e) {
      next(e);
    }
  });
  return r;
}

