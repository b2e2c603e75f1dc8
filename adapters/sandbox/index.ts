import { Router } from 'express';
import type { ChatAdapter } from '../../src/app/chat-adapter.ts';
import type { ContextSource } from '../../src/app/context.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { apiRoutes } from './api-routes.ts';
import { awayRoutes } from './away-route.ts';
import { digestRoute } from './digest-route.ts';
import { EventHub } from './event-hub.ts';
import { localOnly } from './local-only.ts';
import { nextRoute } from './next-route.ts';
import { pageRoutes } from './page.ts';
import { SandboxAdapter } from './sandbox-adapter.ts';
import { READ_ONLY_REASON } from './viewer.ts';

export interface SandboxOptions {
  /** The context as of now: each request reads it (the roster, `physicianPool.name`, the organisation's name and zone, the digest settings). */
  ctx: ContextSource;
  logger: Logger;
  /** True when Slack or Teams is configured: the page becomes a read-only mirror for leads and managers. */
  readOnly: boolean;
  /** Enables the managers' "Daily digest" channel (with the context's digest settings, as the scheduler's digest). */
  digest?: boolean | undefined;
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
  const hub = new EventHub(() => o.ctx().roster, o.heartbeatMs);
  const adapter = new SandboxAdapter(hub, o.ctx);
  const view = {
    digest: o.digest === true,
    readOnly: o.readOnly,
    readOnlyReason: o.readOnly ? READ_ONLY_REASON : null,
  };
  const router = Router();
  // Only this machine: guards exactly the sandbox's own paths, so other routes keep their 404s.
  router.get('/', localOnly);
  router.use('/sandbox', localOnly);
  router.use(pageRoutes(o.ctx, o.readOnly));
  router.use(apiRoutes({ ctx: o.ctx, hub, view }));
  router.use(nextRoute(o.ctx, hub, o.readOnly));
  router.use(awayRoutes(o.ctx, o.readOnly));
  if (o.digest) router.use(digestRoute(o.ctx, o.readOnly));
  o.logger.info({ readOnly: o.readOnly }, o.readOnly ? 'browser sandbox: read-only mirror for leads and managers' : 'browser sandbox: serving cards at /');
  return { adapter, router, openStreams: () => hub.size };
}
