import type { Request } from 'express';
import type { z } from 'zod';
import { HttpError, type Problem } from './http-errors.ts';
import { verifySignature } from './signature.ts';

const JSON_TYPES = /^application\/(json|fhir\+json)\s*(;|$)/i;

export const zodProblems = (issues: z.core.$ZodIssue[], prefix = ''): Problem[] =>
  issues.flatMap((i) => {
    // Union errors hide the useful detail one level down: report the closest branch's issues.
    if (i.code === 'invalid_union' && 'errors' in i && i.errors.length) {
      const best = [...i.errors].sort((a, b) => a.length - b.length)[0]!;
      return zodProblems(best, prefix + pathOf(i.path));
    }
    return [{ path: (prefix + pathOf(i.path)).replace(/^\./, '') || '(body)', message: i.message }];
  });

const pathOf = (p: ReadonlyArray<PropertyKey>) => p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');

/**
 * Authenticates and decodes an ingestion request's raw body: signature first (so strangers
 * learn nothing), then content type, then JSON. Every failure is a clear 4xx.
 */
export function readJsonBody(req: Request, secret: string | undefined, nowMs: number): unknown {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (secret) {
    const why = verifySignature(secret, { signature: req.get('x-baton-signature'), timestamp: req.get('x-baton-timestamp') }, raw, nowMs);
    if (why) throw new HttpError(401, 'request.unauthenticated', `Request signature rejected: ${why}.`);
  }
  if (!JSON_TYPES.test(req.get('content-type') ?? '')) {
    throw new HttpError(415, 'request.unsupported_media_type', 'Send Content-Type: application/json (or application/fhir+json).');
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, 'request.malformed_json', `The body is not valid JSON: ${(e as Error).message}`);
  }
  const nul = nulProblems(value);
  if (nul.length) throw new HttpError(400, 'request.invalid', 'The request has problems; nothing was stored.', nul);
  return value;
}

/** PostgreSQL text cannot hold U+0000; say where it is rather than fail on insert. */
export function nulProblems(value: unknown, path = ''): Problem[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [{ path: path.replace(/^\./, '') || '(body)', message: 'contains a NUL (\\u0000) character, which cannot be stored' }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulProblems(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nulProblems(v, `${path}.${k}`));
  return [];
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, 'request.invalid', 'The request has problems; nothing was stored.', zodProblems(r.error.issues));
  return r.data;
}
