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

/**
 * The database refused a value itself (SQLSTATE class 22 "data exception", or 54000 "program
 * limit exceeded", e.g. an index row too large): the input's fault, not an outage or a bug.
 * The schemas' bounds should make this unreachable; this keeps it a 4xx if one is missed.
 */
export function isDataRejected(err: unknown): boolean {
  const seen = new Set<unknown>();
  type E = { code?: unknown; originalCode?: unknown; kind?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  for (let e = err as E | undefined; e && typeof e === 'object' && !seen.has(e); e = (e.meta?.driverAdapterError ?? e.cause) as E | undefined) {
    seen.add(e);
    if (e.kind === 'LengthMismatch' || e.kind === 'ValueOutOfRange' || e.kind === 'InvalidInputValue') return true;
    for (const c of [e.originalCode, e.code]) if (typeof c === 'string' && (/^22[0-9A-Z]{3}$/.test(c) || c === '54000')) return true;
  }
  return false;
}

function bodyParserError(status: number, type: string | undefined, limit: number | undefined, nothing: string): HttpError {
  const body = (message: string) => [{ path: '(body)', message }];
  switch (type) {
    case 'entity.too.large':
      return new HttpError(413, 'request.too_large', `The body is over the ${limit ?? ''} byte limit; send fewer messages per request.`, body(`over the ${limit ?? ''} byte limit`));
    case 'encoding.unsupported':
      return new HttpError(415, 'request.unsupported_encoding', 'Send the body uncompressed, or with Content-Encoding gzip, deflate or br.', [
        { path: '(header) content-encoding', message: 'not a supported content encoding (identity, gzip, deflate, br)' },
      ]);
    case 'charset.unsupported':
      return new HttpError(415, 'request.unsupported_charset', 'Send the body as UTF-8 JSON.', [{ path: '(header) content-type', message: 'charset not supported; use utf-8' }]);
    case 'request.aborted':
    case 'request.size.invalid':
      return new HttpError(400, 'request.incomplete', `The request body was incomplete${nothing}.`, body('incomplete: fewer bytes than Content-Length'));
    case 'entity.parse.failed':
      return new HttpError(400, 'request.malformed_json', `The body is not valid JSON${nothing}.`, body('not valid JSON'));
    case undefined:
      // A decompression stream that failed (bytes that are not gzip, deflate or brotli) has no type.
      if (status === 400) return new HttpError(400, 'request.bad_compression', `The body could not be decompressed as its Content-Encoding says${nothing}.`, body('not valid data for its Content-Encoding'));
  }
  return new HttpError(status, 'request.rejected', `The request was refused${nothing}.`, body('refused before it was read'));
}

/** Maps body-parser failures and HttpErrors to clear 4xx answers; anything else is a 500 with a reference id and no details. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // entryPath / nothingStored: set by the ingestion routes on a failed store, to name the message that failed.
    const e = err as { type?: string; status?: number; expose?: boolean; limit?: number; entryPath?: string; nothingStored?: string } & Error;
    // A read stores nothing in any case: saying so would suggest it might have.
    const reads = req.method === 'GET' || req.method === 'HEAD';
    const nothing = reads ? '' : `; ${e.nothingStored ?? 'nothing was stored'}`;
    let http: HttpError;
    if (err instanceof HttpError) http = err;
    // body-parser's own 4xx (oversize, bad compression, an unknown Content-Encoding, an aborted
    // upload) stay 4xx with a message of ours: theirs may quote the body (entity.parse.failed).
    else if (e.expose === true && typeof e.status === 'number' && e.status >= 400 && e.status < 500) http = bodyParserError(e.status, e.type, e.limit, nothing);
    else if (isDatabaseUnavailable(err)) {
      logger.warn({ err }, 'database unavailable');
      res.set('Retry-After', '5');
      http = new HttpError(503, 'database.unavailable', `The database is unavailable right now${nothing}. Retry shortly.`);
    }
    else {
      const ref = randomUUID();
      // Class, codes and frames only (the logger's `err` serializer): a driver message quotes the query's parameters.
      logger.error({ ref, err }, 'unexpected error');
      http = new HttpError(500, 'internal', `Something went wrong on our side (reference ${ref})${nothing}.${reads ? ' Retry shortly.' : ' Nothing you sent was lost if you got no 2xx; retry safely.'}`);
    }
    // Every error lists its problems (README "HTTP API"); one without a field names the request.
    const problems = http.problems.length ? http.problems : [{ path: e.entryPath ?? '(request)', message: http.message }];
    res.status(http.status).json({ error: { code: http.code, message: http.message, problems } });
  };
}
