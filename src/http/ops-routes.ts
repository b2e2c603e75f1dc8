import { Router } from 'express';
import { asyncRoute } from './http-errors.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface OpsDeps {
  metrics: Metrics;
  /** Database reachable and no migration pending. */
  dbReady(): Promise<{ ok: boolean; detail: string }>;
  /** Each chat adapter's connection state. */
  adapters(): Record<string, boolean>;
  refreshGauges(): Promise<void>;
}

/** `/healthz` (process up), `/readyz` (can do work), `/metrics` (Prometheus text). */
export function opsRoutes(deps: OpsDeps): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', asyncRoute(async (_req, res) => {
    const db = await deps.dbReady().catch((e: Error) => ({ ok: false, detail: `database unreachable: ${e.message}` }));
    const adapters = deps.adapters();
    const ok = db.ok && Object.values(adapters).every(Boolean);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', database: db.detail, adapters });
  }));
  r.get('/metrics', asyncRoute(async (_req, res) => {
    await deps.refreshGauges().catch(() => {});
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  }));
  return r;
}
