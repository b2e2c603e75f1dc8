import type { Request } from 'express';
import type { z } from 'zod';
import { HttpError, type Problem } from './http-errors.ts';
import { verifyExpressRequest } from './signature.ts';

const JSON_TYPES = /^application\/(json|fhir\+json)\s*(;|$)/i;

/** How deep arrays and objects may nest: FHIR resources need about ten levels; thousands overflow the stack. */
export const MAX_DEPTH = 64;
/** At most this many problems from the raw-value walk are listed (a body of 100,000 bad strings would answer megabytes). */
const MAX_WALK_PROBLEMS = 100;

export const zodProblems = (issues: z.core.$ZodIssue[], prefix = ''): Problem[] =>
  issues.flatMap((i) => {
    // Union errors hide the useful detail one level down: report the closest branch's issues.
    if (i.code === 'invalid_union' && 'errors' in i && i.errors.length) {
      const best = [...i.errors].sort((a, b) => a.length - b.length)[0]!;
      return zodProblems(best, prefix + pathOf(i.path));
    }
    return [{ path: (prefix + pathOf(i.path)).replace(/^\./, '') || '(body)', message: clip(i.message, 300) }];
  });

const pathOf = (p: ReadonlyArray<PropertyKey>) => p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${safeKey(String(k))}`)).join('');
/** Cuts text at a code point boundary (a message naming an unknown 1 MB field name stays short). */
const clip = (s: string, max: number) => (s.length <= max ? s : `${[...s.slice(0, max)].join('').replace(/\p{Cs}$/u, '')}…`);

/**
 * Authenticates and decodes an ingestion request's raw body: signature first (so strangers
 * learn nothing), then content type, then JSON. Every failure is a clear 4xx.
 */
export function readJsonBody(req: Request, secret: string | undefined, nowMs: number): unknown {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (secret) {
    // v2 binds method, path and query; the deprecated v1 (body only) is still read for POST ingestion.
    const why = verifyExpressRequest(secret, req, raw, nowMs, { allowV1: req.method === 'POST' });
    if (why) throw new HttpError(401, 'request.unauthenticated', `Request signature rejected: ${why}.`);
  }
  const contentType = req.get('content-type') ?? '';
  if (!JSON_TYPES.test(contentType)) {
    throw new HttpError(415, 'request.unsupported_media_type', 'Send Content-Type: application/json (or application/fhir+json).', [
      { path: '(header) content-type', message: 'expected application/json or application/fhir+json' },
    ]);
  }
  const value = parseJson(decodeBody(raw, charsetOf(contentType)));
  const problems = inputProblems(value);
  if (problems.length) throw new HttpError(400, 'request.invalid', 'The request has problems; nothing was stored.', problems);
  return value;
}

/** The `charset` parameter of a Content-Type, lower-cased and unquoted; undefined when absent. */
export function charsetOf(contentType: string): string | undefined {
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? '').trim().toLowerCase() : undefined;
}

const UTF8 = new Set(['utf-8', 'utf8']);
const LATIN1 = new Set(['iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'latin-1', 'l1', 'us-ascii', 'ascii']);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON is UTF-8 (RFC 8259); ISO-8859-1 (latin1, and US-ASCII, its subset) is decoded as such.
 * Any other charset is refused rather than decoded wrongly, and bytes that are not UTF-8 are
 * refused rather than silently replaced.
 */
export function decodeBody(raw: Buffer, charset: string | undefined): string {
  if (charset === undefined || UTF8.has(charset)) {
    try {
      return strictUtf8.decode(raw);
    } catch {
      throw new HttpError(400, 'request.invalid_encoding', 'The body is not valid UTF-8; nothing was stored.', [
        { path: '(body)', message: 'contains bytes that are not UTF-8 (send UTF-8, or say charset=iso-8859-1 if that is what it is)' },
      ]);
    }
  }
  if (LATIN1.has(charset)) return raw.toString('latin1');
  throw new HttpError(415, 'request.unsupported_charset', 'Send the body as UTF-8 JSON (charset=utf-8) or ISO-8859-1 (charset=iso-8859-1).', [
    { path: '(header) content-type', message: `charset "${charset.slice(0, 40).replace(/[^\x20-\x7e]/g, '?')}" is not supported; use utf-8 or iso-8859-1` },
  ]);
}

/** JSON.parse, with an error that says where and never quotes the body back. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text around the error ("Unexpected token 's', "{"a": secret}" …"): keep only the position.
    const at = /at position (\d+)/.exec((e as Error).message)?.[1];
    const where = at ? ` near character ${at}` : '';
    throw new HttpError(400, 'request.malformed_json', `The body is not valid JSON${where}; nothing was stored.`, [
      { path: '(body)', message: `not valid JSON${where}` },
    ]);
  }
}

const LONE_SURROGATE = /\p{Cs}/u;
const show = (path: string) => path.replace(/^\./, '') || '(body)';
/** A field name as it may appear in a problem path: no NUL or surrogate halves, and not a kilobyte long. */
const safeKey = (k: string) => (k.length > 64 ? `${k.slice(0, 64)}…` : k).replace(/[\u0000\p{Cs}]/gu, '?');

/**
 * Walks a parsed JSON value without recursion and lists what no store can hold: nesting deeper
 * than MAX_DEPTH, U+0000 (PostgreSQL text cannot hold it) and ill-formed strings (a lone UTF-16
 * surrogate such as "\ud83d"), in values and in keys. Each problem names its path.
 */
export function inputProblems(value: unknown): Problem[] {
  const problems: Problem[] = [];
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: '', depth: 0 }];
  const checkString = (s: string, path: string, what: string) => {
    if (s.includes('\u0000')) problems.push({ path: show(path), message: `${what} contains a NUL (\\u0000) character, which cannot be stored` });
    else if (LONE_SURROGATE.test(s)) problems.push({ path: show(path), message: `${what} is not well-formed Unicode (a lone surrogate such as \\ud83d); send whole characters` });
  };
  while (stack.length && problems.length < MAX_WALK_PROBLEMS) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') checkString(v, path, 'text');
    else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_DEPTH) {
        problems.push({ path: show(path), message: `nested more than ${MAX_DEPTH} levels deep` });
        continue;
      }
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}[${i}]`, depth: depth + 1 });
      } else {
        const entries = Object.entries(v as Record<string, unknown>);
        for (let i = entries.length - 1; i >= 0; i--) {
          const [k, child] = entries[i]!;
          checkString(k, `${path}.${safeKey(k)}`, 'the field name');
          stack.push({ v: child, path: `${path}.${safeKey(k)}`, depth: depth + 1 });
        }
      }
    }
  }
  if (stack.length && problems.length >= MAX_WALK_PROBLEMS) problems.push({ path: '(body)', message: `more problems not listed (the first ${MAX_WALK_PROBLEMS} are above)` });
  return problems;
}

/** @deprecated the walk now checks more than NUL characters; kept for callers of the old name. */
export const nulProblems = (value: unknown): Problem[] => inputProblems(value);

/** Parses a body (or, with its own `message`, a query) by `schema`; a 400 listing every problem otherwise. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, message = 'The request has problems; nothing was stored.'): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, 'request.invalid', message, zodProblems(r.error.issues));
  return r.data;
}
