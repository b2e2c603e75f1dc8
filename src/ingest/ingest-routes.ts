import express, { Router } from 'express';
import type { AppContext } from '../app/context.ts';
import { ingestMessage, type IncomingMessage, type IngestResult } from '../app/ingest-message.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { bundleSchema, communicationSchema, fromCommunication, isThreadHeader } from './fhir-schema.ts';
import { fromGeneric, genericBatchSchema, genericMessageSchema } from './generic-schema.ts';
import { asyncRoute, HttpError, type Problem } from './http-errors.ts';
import { parseWith, readJsonBody } from './parse-body.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface IngestDeps {
  app: AppContext;
  secret: string | undefined;
  logger: Logger;
  metrics: Metrics;
}

/**
 * The EHR/portal feed (DESIGN.md §4). Every message of a request is validated before any is
 * stored; each is then stored in its own transaction (idempotent, so a retried batch is safe).
 * 202 when something new was stored, 200 when everything was a repeat.
 */
export function ingestRoutes(deps: IngestDeps): Router {
  const r = Router();
  r.use(['/v1/messages', '/fhir/r4'], express.raw({ type: () => true, limit: MAX_BODY_BYTES }));

  const store = async (messages: IncomingMessage[], single: boolean, res: express.Response, skipped: Problem[] = []) => {
    const results: IngestResult[] = [];
    for (const m of messages) {
      const end = deps.metrics.ingestSeconds.startTimer();
      const out = await ingestMessage(deps.app, m);
      end();
      deps.metrics.ingested.inc({ outcome: out.duplicate ? 'duplicate' : 'stored' });
      deps.logger.info({ itemId: out.itemId, queue: out.queue, priority: out.priority, duplicate: out.duplicate }, 'message ingested');
      results.push(out);
    }
    const status = results.some((x) => !x.duplicate) ? 202 : 200;
    res.status(status).json(single ? results[0] : { results, ...(skipped.length ? { skipped } : {}) });
  };

  const body = (req: express.Request) => {
    try {
      return readJsonBody(req, deps.secret, deps.app.clock.now().getTime());
    } catch (e) {
      deps.metrics.ingested.inc({ outcome: e instanceof HttpError && e.status === 401 ? 'unauthorized' : 'invalid' });
      throw e;
    }
  };
  const invalid = (problems: Problem[]) => {
    deps.metrics.ingested.inc({ outcome: 'invalid' });
    return new HttpError(400, 'request.invalid', 'The request has problems; nothing was stored.', problems);
  };
  const validated = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof HttpError) deps.metrics.ingested.inc({ outcome: 'invalid' });
      throw e;
    }
  };

  r.post('/v1/messages', asyncRoute(async (req, res) => {
    const raw = body(req);
    const batch = Array.isArray(raw);
    const list = validated(() => (batch ? parseWith(genericBatchSchema, raw) : [parseWith(genericMessageSchema, raw)]));
    await store(list.map(fromGeneric), !batch, res);
  }));

  r.post('/fhir/r4/Communication', asyncRoute(async (req, res) => {
    const c = validated(() => parseWith(communicationSchema, body(req)));
    const mapped = fromCommunication(c, deps.app.clock.now());
    if (!mapped.ok) throw invalid(mapped.problems);
    await store([mapped.message], true, res);
  }));

  r.post('/fhir/r4', asyncRoute(async (req, res) => {
    const bundle = validated(() => parseWith(bundleSchema, body(req)));
    const messages: IncomingMessage[] = [];
    const problems: Problem[] = [];
    const skipped: Problem[] = [];
    bundle.entry.forEach((e, i) => {
      if (isThreadHeader(e.resource)) {
        skipped.push({ path: `entry[${i}]`, message: 'thread header (no payload): nothing to work on' });
        return;
      }
      const m = fromCommunication(e.resource, deps.app.clock.now());
      if (m.ok) messages.push(m.message);
      else problems.push(...m.problems.map((p) => ({ path: `entry[${i}].resource.${p.path}`, message: p.message })));
    });
    if (problems.length) throw invalid(problems);
    if (!messages.length) throw invalid([{ path: 'entry', message: 'no Communication in the bundle carries a message' }]);
    await store(messages, false, res, skipped);
  }));
  return r;
}
