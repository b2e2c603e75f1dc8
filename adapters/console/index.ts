import { randomUUID } from 'node:crypto';
import express, { Router, type ErrorRequestHandler } from 'express';
import type { ContextSource } from '../../src/app/context.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { assetRoutes } from './assets.ts';
import { auditRoutes } from './audit-page.ts';
import { authRoutes, loginStarter } from './auth-routes.ts';
import { dashboardRoutes } from './dashboard-page.ts';
import type { ConsoleDeps } from './deps.ts';
import { itemRoutes } from './item-page.ts';
import { notice } from './layout.ts';
import { Oidc } from './oidc.ts';
import { requireSession } from './session.ts';

export interface ConsoleOptions {
  /** The context as of now: the roster, who may sign in and the digest settings follow a config reload. */
  ctx: ContextSource;
  logger: Logger;
  /** `BATON_PUBLIC_URL`: the redirect URI is `${publicUrl}/console/auth/callback`. */
  publicUrl: string | undefined;
  /** The provider's settings; undefined when sign-in is not configured (`missing` lists what is needed). */
  oidc: { issuer: string; clientId: string; clientSecret: string; emailClaim: string } | undefined;
  missing: string[];
  idleMinutes: number;
}

export interface Console {
  router: Router;
  /** Discovers the identity provider now (a failure is logged; the next sign-in tries again). */
  warm(): Promise<void>;
}

/**
 * The web console for managers and leads at `/console`: single sign-on with the clinic's
 * identity provider (OpenID Connect), a dashboard with charts, the audit search and export,
 * and an item's audit thread with an audited View message. Add `router` to the HTTP app's
 * `extraRoutes`.
 */
export function createConsole(o: ConsoleOptions): Console {
  // The origin as browsers send it (`Origin` header), e.g. without a default :443.
  const publicUrl = new URL(o.publicUrl ?? 'http://127.0.0.1').origin;
  const oidc = o.oidc && o.publicUrl ? new Oidc({ ...o.oidc, redirectUri: `${publicUrl}/console/auth/callback` }) : null;
  const d: ConsoleDeps = {
    // Read at each use, so a reloaded config (roster, organisation, digest settings) applies to
    // the next request; the pages read what they need from it at the start of each.
    get ctx() {
      return o.ctx();
    },
    get organization() {
      return o.ctx().digest.organization;
    },
    get dashboard() {
      const { timezone, physicianMinutesPerMessage } = o.ctx().digest;
      return { timezone, physicianMinutesPerMessage };
    },
    logger: o.logger,
    oidc,
    missing: o.missing,
    publicUrl,
    idleMs: o.idleMinutes * 60_000,
    cookies: { secure: publicUrl.startsWith('https:') },
  };
  const router = Router();
  router.use(assetRoutes());
  // Forms only: small, urlencoded, parsed for the console's paths alone.
  router.use('/console', express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 20 }));
  router.use(authRoutes(d));
  const signedIn = Router();
  signedIn.use(requireSession(d, loginStarter(d)));
  signedIn.use(dashboardRoutes(d), auditRoutes(d), itemRoutes(d));
  signedIn.use((_req, res) => notice(d, res, 404, 'Not found', 'There is no such console page.', { href: '/console/dashboard', label: 'Go to the dashboard' }, res.locals.viewer));
  // Every other console path needs a session (assets and sign-in answered above).
  router.use((req, res, next) => (req.path === '/console' || req.path.startsWith('/console/') ? signedIn(req, res, next) : next()));
  router.use('/console', consoleErrors(d));
  o.logger.info({ signIn: oidc ? 'configured' : 'not configured', idleMinutes: o.idleMinutes }, oidc ? 'console: serving /console' : `console: sign-in not configured (set ${o.missing.join(', ')})`);
  return {
    router,
    warm: async () => {
      const problem = await oidc?.warm();
      if (problem) o.logger.warn({ code: problem }, 'console: identity provider not reachable yet; sign-in will retry');
    },
  };
}

/** An unexpected error on a console page: logged with a reference (class, codes, frames: never a message), and a short apology. */
function consoleErrors(d: ConsoleDeps): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const ref = randomUUID();
    d.logger.error({ ref, err }, 'console: unexpected error');
    notice(d, res, 500, 'Something went wrong', `Something went wrong on our side (reference ${ref}). Try again in a moment.`, { href: '/console/dashboard', label: 'Back to the dashboard' });
  };
}
