import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import type { ContextSource } from '../app/context.ts';
import type { ReloadAnswer, ReloadRequest } from '../config/reload.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { configRoutes } from './config-routes.ts';
import { errorHandler, HttpError } from './http-errors.ts';
import { ingestRoutes } from './messages-routes.ts';
import { itemRoutes } from './items-routes.ts';
import { opsRoutes, type OpsDeps } from './ops-routes.ts';

export interface ServerDeps {
  app: ContextSource;
  logger: Logger;
  metrics: Metrics;
  ingestSecret: string | undefined;
  ops: Omit<OpsDeps, 'metrics'>;
  /** Routers contributed by chat adapters (`/slack/events`, `/api/messages`, the sandbox UI). */
  extraRoutes?: Router[];
  /** Reads the config again (`POST /v1/config/reload`); absent, that path is not served. */
  reload?: ((req: ReloadRequest) => ReloadAnswer) | undefined;
}

export function createHttpApp(deps: ServerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRoutes({ ...deps.ops, metrics: deps.metrics }));
  app.use(ingestRoutes({ app: deps.app, secret: deps.ingestSecret, logger: deps.logger, metrics: deps.metrics }));
  app.use(itemRoutes(deps.app, deps.ingestSecret));
  if (deps.reload) app.use(configRoutes({ reload: deps.reload, secret: deps.ingestSecret, nowMs: () => deps.app().clock.now().getTime() }));
  for (const r of deps.extraRoutes ?? []) app.use(r);
  app.use((_req, _res, next) => next(new HttpError(404, 'not_found', 'No such endpoint. See the README for the HTTP API.')));
  app.use(errorHandler(deps.logger));
  return app;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting connections and waits for in-flight requests (bounded). */
  close(): Promise<void>;
}

export interface ReservedServer extends RunningServer {
  /** From now on `app` answers every request. */
  attach(app: express.Express): void;
}

/**
 * Binds the port before anything slow happens (opening and migrating the database, importing the
 * Teams SDK), so a port in use is said at once. Until `attach`, `/healthz` answers 200
 * `{"status":"starting"}` and every other request 503 with Retry-After: a load balancer or the
 * EHR's interface engine retries, nothing is lost.
 */
export async function reserve(host: string, port: number): Promise<ReservedServer> {
  let handler: http.RequestListener = (req, res) => {
    // The process is up (liveness), just not ready: /readyz and everything else wait.
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'starting' }));
      return;
    }
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' });
    res.end(JSON.stringify({ error: { code: 'starting', message: 'Baton is starting; try again in a moment.' } }));
  };
  const server = http.createServer((req, res) => handler(req, res));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}`,
    port: addr.port,
    attach: (app) => {
      handler = app;
    },
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

export async function listen(app: express.Express, host: string, port: number): Promise<RunningServer> {
  const server = await reserve(host, port);
  server.attach(app);
  return server;
}
