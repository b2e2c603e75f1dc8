import { Router } from 'express';
import type { ChatAdapter } from '../../src/app/chat-adapter.ts';
import type { AppContext } from '../../src/app/context.ts';
import type { DigestSettings } from '../../src/app/digest.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { apiRoutes } from './api-routes.ts';
import { awayRoutes } from './away-route.ts';
import { digestRoute } from './digest-route.ts';
import { EventHub } from './event-hub.ts';
import { localOnly } from './local-only.ts';
import { pageRoutes } from './page.ts';
import { SandboxAdapter } from './sandbox-adapter.ts';
import { READ_ONLY_REASON } from './viewer.ts';

export interface SandboxOptions {
  ctx: AppContext;
  logger: Logger;
  /** True when Slack or Teams is configured: the page becomes a read-only mirror for leads and managers. */
  readOnly: boolean;
  /** Enables the managers' "Daily digest" channel (the settings the scheduler's digest uses). */
  digest?: DigestSettings | undefined;
  /** The config's `physicianPool.name`. */
  poolName?: string | undefined;
  /** Shown in the page title; defaults to the digest's organization. */
  organization?: string | undefined;
  heartbeatMs?: number | undefined;
}

export interface Sandbox {
  adapter: ChatAdapter;
  router: Router;
  /** Pages connected right now (event streams). */
  openStreams(): number;
}

/**
 * The browser sandbox: a `ChatAdapter` for platform `sandbox` and the router serving its page
 * (`GET /`) and API (`/sandbox/api/...`). Register the adapter with the outbox worker under
 * `sandbox` and add the router to the HTTP app's `extraRoutes`.
 */
export function createSandbox(o: SandboxOptions): Sandbox {
  const hub = new EventHub(o.ctx.roster, o.heartbeatMs);
  const adapter = new SandboxAdapter(hub, o.ctx.store, o.ctx.roster);
  const view = {
    poolName: o.poolName ?? 'Physician escalations',
    digest: o.digest !== undefined,
    readOnly: o.readOnly,
    readOnlyReason: o.readOnly ? READ_ONLY_REASON : null,
  };
  const router = Router();
  // Only this machine: guards exactly the sandbox's own paths, so other routes keep their 404s.
  router.get('/', localOnly);
  router.use('/sandbox', localOnly);
  router.use(pageRoutes(o.ctx.roster, o.readOnly, o.organization ?? o.digest?.organization ?? 'Baton', o.ctx.sla.calendar.timezone));
  router.use(apiRoutes({ ctx: o.ctx, hub, view }));
  router.use(awayRoutes(o.ctx, o.readOnly));
  if (o.digest) router.use(digestRoute(o.ctx, o.digest, o.readOnly));
  o.logger.info({ readOnly: o.readOnly }, o.readOnly ? 'browser sandbox: read-only mirror for leads and managers' : 'browser sandbox: serving cards at /');
  return { adapter, router, openStreams: () => hub.size };
}
