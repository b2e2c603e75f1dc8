import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import type { AppContext } from '../app/context.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { errorHandler, HttpError } from './http-errors.ts';
import { ingestRoutes } from './messages-routes.ts';
import { itemRoutes } from './items-routes.ts';
import { opsRoutes, type OpsDeps } from './ops-routes.ts';

export interface ServerDeps {
  app: AppContext;
  logger: Logger;
  metrics: Metrics;
  ingestSecret: string | undefined;
  ops: Omit<OpsDeps, 'metrics'>;
  /** Routers contributed by chat adapters (`/slack/events`, `/api/messages`, the sandbox UI). */
  extraRoutes?: Router[];
}

export function createHttpApp(deps: ServerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRoutes({ ...deps.ops, metrics: deps.metrics }));
  app.use(ingestRoutes({ app: deps.app, secret: deps.ingestSecret, logger: deps.logger, metrics: deps.metrics }));
  app.use(itemRoutes(deps.app, deps.ingestSecret));
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

export async function listen(app: express.Express, host: string, port: number): Promise<RunningServer> {
  const server = http.createServer(app);
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
