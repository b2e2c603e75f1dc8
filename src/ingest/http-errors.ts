import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Failure, FailureCode } from '../domain/result.ts';
import type { Logger } from '../observability/logger.ts';

export interface Problem {
  path: string;
  message: string;
}

/** The one HTTP error type: a status, a dotted code, and every problem found. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

const FAILURE_STATUS: Record<FailureCode, number> = {
  'item.not_found': 404,
  'item.already_claimed': 409,
  'item.not_authorized': 403,
  'item.invalid_transition': 409,
  'item.invalid_target': 400,
  'item.reason_required': 400,
  'item.stale': 409,
  'staff.unknown': 403,
};

export const failureToHttp = (f: Failure) => new HttpError(FAILURE_STATUS[f.code], f.code, f.message);

export const asyncRoute =
  (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next: NextFunction) => {
    fn(req, res).catch(next);
  };

/** Connection-level database failures (restart, failover, network): the sender should retry, not give up. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  type E = { code?: unknown; message?: unknown; cause?: unknown; kind?: unknown; meta?: { driverAdapterError?: unknown } };
  // Prisma wraps driver errors: raw queries put them in meta.driverAdapterError, with a `kind`.
  for (let e = err as E | undefined; e && !seen.has(e); e = (e.meta?.driverAdapterError ?? e.cause) as E | undefined) {
    seen.add(e);
    if (e.kind === 'DatabaseNotReachable' || e.kind === 'ConnectionClosed' || e.kind === 'SocketTimeout') return true;
    const code = String(e.code ?? '');
    const message = String(e.message ?? '');
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08006', '08001', '08003', 'P1001', 'P1017'].includes(code)) return true;
    if (/Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|server closed the connection|Can't reach database server/i.test(message)) return true;
  }
  return false;
}

/** Maps body-parser failures and HttpErrors to clear 4xx answers; anything else is a 500 with a reference id and no details. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const e = err as { type?: string; status?: number; limit?: number } & Error;
    let http: HttpError;
    if (err instanceof HttpError) http = err;
    else if (e.type === 'entity.too.large') http = new HttpError(413, 'request.too_large', `The body is over the ${e.limit ?? ''} byte limit; send fewer messages per request.`);
    else if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') http = new HttpError(415, 'request.unsupported_encoding', 'Send the body as UTF-8 JSON.');
    else if (e.type === 'request.aborted' || e.type === 'request.size.invalid') http = new HttpError(400, 'request.incomplete', 'The request body was incomplete.');
    else if (isDatabaseUnavailable(err)) {
      logger.warn({ err: { message: e.message } }, 'database unavailable');
      res.set('Retry-After', '5');
      http = new HttpError(503, 'database.unavailable', 'The database is unavailable right now; nothing was stored. Retry shortly.');
    }
    else {
      const ref = randomUUID();
      logger.error({ ref, err: { name: e.name, message: e.message, stack: e.stack } }, 'unexpected error');
      http = new HttpError(500, 'internal', `Something went wrong on our side (reference ${ref}). Nothing you sent was lost if you got no 2xx; retry safely.`);
    }
    res.status(http.status).json({ error: { code: http.code, message: http.message, ...(http.problems.length ? { problems: http.problems } : {}) } });
  };
}
