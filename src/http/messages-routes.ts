import express, { Router } from 'express';
import type { ContextSource } from '../app/context.ts';
import { IngestFailed, ingestMessages, ThreadOfAnotherPatient, type IncomingMessage } from '../app/ingest-message.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { bundleSchema, communicationSchema, fromCommunication, isThreadHeader } from '../formats/fhir.ts';
import { fromGeneric, genericBatchSchema, genericMessageSchema } from '../formats/generic.ts';
import { asyncRoute, HttpError, isDataRejected, type Problem } from './http-errors.ts';
import { LIMITS } from '../formats/limits.ts';
import { parseWith, readJsonBody } from './parse-body.ts';

/** An array far over its limit is refused before it is validated: 300,000 bad entries would list a million problems. */
function tooMany(list: unknown[], path: string, message: string) {
  if (list.length > LIMITS.batch) throw new HttpError(400, 'request.invalid', 'The request has problems; nothing was stored.', [{ path, message: `${message} (got ${list.length})` }]);
}

export const MAX_BODY_BYTES = 1024 * 1024;

export interface IngestDeps {
  app: ContextSource;
  secret: string | undefined;
  logger: Logger;
  metrics: Metrics;
}

/**
 * The EHR/portal feed (DESIGN.md §4). Every message of a request is validated before any is
 * stored; then the request is stored as ONE transaction: all of its messages or none (idempotent,
 * so a retried batch is safe). 202 when something new was stored, 200 when everything was a repeat.
 */
/** Where each format keeps what joins a message to a thread, and the patient: for the 409 that names both. */
type ThreadFields = Record<'threadId' | 'inResponseTo' | 'patient', string>;
const GENERIC_FIELDS: ThreadFields = { threadId: 'threadId', inResponseTo: 'threadId', patient: 'patient.id' };
const FHIR_FIELDS: ThreadFields = { threadId: 'partOf', inResponseTo: 'inResponseTo', patient: 'subject' };
const FHIR_BUNDLE_FIELDS: ThreadFields = { threadId: 'resource.partOf', inResponseTo: 'resource.inResponseTo', patient: 'resource.subject' };

export function ingestRoutes(deps: IngestDeps): Router {
  const r = Router();
  r.use(['/v1/messages', '/fhir/r4'], express.raw({ type: () => true, limit: MAX_BODY_BYTES }));

  /** `entryPath(i)`: how the answer names message i of the request (`[3]`, `entry[3]`), or '(request)' for a single one. */
  const store = async (messages: IncomingMessage[], single: boolean, res: express.Response, entryPath: (i: number) => string, skipped: Problem[] = [], fields: ThreadFields = GENERIC_FIELDS) => {
    const end = deps.metrics.ingestSeconds.startTimer();
    let results;
    try {
      // One config for the whole request: triage, routing and SLA targets as of its start.
      results = await ingestMessages(deps.app(), messages);
    } catch (e) {
      throw storeFailure(e, single ? () => '(request)' : entryPath, single, fields);
    } finally {
      end();
    }
    for (const out of results) {
      deps.metrics.ingested.inc({ outcome: out.duplicate ? 'duplicate' : 'stored' });
      deps.logger.info({ itemId: out.itemId, queue: out.queue, priority: out.priority, duplicate: out.duplicate }, 'message ingested');
    }
    const status = results.some((x) => !x.duplicate) ? 202 : 200;
    res.status(status).json(single ? results[0] : { results, ...(skipped.length ? { skipped } : {}) });
  };

  /**
   * A failed store names the message that failed. Values the database refuses (a safety net
   * behind the schema's bounds) are the sender's to fix: 400. Anything else goes on to the error
   * handler (503 when the database is down, else 500), carrying the entry's path.
   */
  const storeFailure = (e: unknown, entryPath: (i: number) => string, single: boolean, fields: ThreadFields) => {
    const index = e instanceof IngestFailed ? e.index : undefined;
    const path = index === undefined ? '(request)' : entryPath(index);
    const nothing = single ? 'nothing was stored' : 'nothing from this request was stored';
    const cause = e instanceof IngestFailed ? e.cause : e;
    if (cause instanceof ThreadOfAnotherPatient) {
      deps.metrics.ingested.inc({ outcome: 'invalid' });
      const at = (field: string) => (path === '(request)' ? field : `${path}.${field}`);
      return new HttpError(409, 'message.thread_of_another_patient', `A thread belongs to one patient, and this message names another patient's; ${nothing}.`, [
        { path: at(fields[cause.via]), message: "names a thread that belongs to another patient: check the thread id the EHR sent" },
        { path: at(fields.patient), message: 'is not the patient of that thread' },
      ]);
    }
    if (isDataRejected(e)) {
      deps.metrics.ingested.inc({ outcome: 'invalid' });
      return new HttpError(400, 'request.unstorable', `The database refused a value; ${nothing}.`, [{ path, message: 'holds a value the database cannot store (out of range or too long)' }]);
    }
    return Object.assign(e instanceof Error ? e : new Error(String(e)), { entryPath: path, nothingStored: nothing });
  };

  // Each refused request is counted once, as unauthorized or invalid, wherever it was refused.
  const refused = (e: unknown) => {
    if (e instanceof HttpError) deps.metrics.ingested.inc({ outcome: e.status === 401 ? 'unauthorized' : 'invalid' });
    return e;
  };
  const validated = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw refused(e);
    }
  };
  const body = (req: express.Request) => readJsonBody(req, deps.secret, deps.app().clock.now().getTime());
  const invalid = (problems: Problem[]) => refused(new HttpError(400, 'request.invalid', 'The request has problems; nothing was stored.', problems));

  r.post('/v1/messages', asyncRoute(async (req, res) => {
    const raw = validated(() => body(req));
    const batch = Array.isArray(raw);
    const list = validated(() => {
      if (!batch) return [parseWith(genericMessageSchema, raw)];
      tooMany(raw, '(body)', `send at most ${LIMITS.batch} messages per request`);
      return parseWith(genericBatchSchema, raw);
    });
    await store(list.map(fromGeneric), !batch, res, (i) => `[${i}]`);
  }));

  r.post('/fhir/r4/Communication', asyncRoute(async (req, res) => {
    const c = validated(() => parseWith(communicationSchema, body(req)));
    const mapped = fromCommunication(c, deps.app().clock.now());
    if (!mapped.ok) throw invalid(mapped.problems);
    await store([mapped.message], true, res, () => '(request)', [], FHIR_FIELDS);
  }));

  r.post('/fhir/r4', asyncRoute(async (req, res) => {
    const bundle = validated(() => {
      const raw = body(req) as { entry?: unknown } | null;
      if (raw && typeof raw === 'object' && Array.isArray(raw.entry)) tooMany(raw.entry, 'entry', `at most ${LIMITS.batch} entries per Bundle`);
      return parseWith(bundleSchema, raw);
    });
    const messages: IncomingMessage[] = [];
    const entryOf: number[] = [];
    const problems: Problem[] = [];
    const skipped: Problem[] = [];
    bundle.entry.forEach((e, i) => {
      if (isThreadHeader(e.resource)) {
        skipped.push({ path: `entry[${i}]`, message: 'thread header (no payload): nothing to work on' });
        return;
      }
      const m = fromCommunication(e.resource, deps.app().clock.now());
      if (m.ok) {
        messages.push(m.message);
        entryOf.push(i);
      } else problems.push(...m.problems.map((p) => ({ path: `entry[${i}].resource.${p.path}`, message: p.message })));
    });
    if (problems.length) throw invalid(problems);
    if (!messages.length) throw invalid([{ path: 'entry', message: 'no Communication in the bundle carries a message' }]);
    await store(messages, false, res, (i) => `entry[${entryOf[i]}]`, skipped, FHIR_BUNDLE_FIELDS);
  }));
  return r;
}
