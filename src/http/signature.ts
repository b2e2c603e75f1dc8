import { createHmac, timingSafeEqual } from 'node:crypto';

/** Requests older or newer than this are replays (DESIGN.md §4). */
export const SIGNATURE_WINDOW_SECONDS = 300;

/**
 * v2 — `X-Baton-Signature: v2=<hex HMAC-SHA256(secret, timestamp.METHOD.path?query.body)>`.
 * Binding the method and the request target means a signature made for one request is worth
 * nothing on another: a signed `GET /v1/items/<id>` cannot be replayed on `/v1/items?limit=500`.
 * `path?query` is the request target exactly as sent (no `?` without a query).
 */
export function signRequest(secret: string, r: { timestamp: string; method: string; target: string; body: Buffer | string }): string {
  return `v2=${createHmac('sha256', secret).update(`${r.timestamp}.${r.method.toUpperCase()}.${r.target}.`).update(r.body).digest('hex')}`;
}

/**
 * v1 (deprecated, accepted for POST ingestion for one more release) — `sha256=<hex HMAC(secret,
 * timestamp.body)>`. It binds neither method nor path.
 */
export function sign(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

/**
 * Signatures already accepted, until their timestamp leaves the window: an exact copy of a
 * signed request is refused. Per process — with several Baton instances behind a load balancer
 * each keeps its own, so a copy sent to another instance inside the window is not caught there
 * (the method/path binding still holds). Bounded: past `MAX_SEEN` live entries the oldest go first.
 */
const MAX_SEEN = 50_000;
const seen = new Map<string, number>();

function remember(signature: string, expiresAtMs: number, nowMs: number): boolean {
  const known = seen.get(signature);
  if (known !== undefined && known > nowMs) return false;
  if (seen.size >= MAX_SEEN) {
    for (const [k, exp] of seen) {
      if (exp > nowMs && seen.size < MAX_SEEN) break;
      seen.delete(k);
    }
  }
  seen.set(signature, expiresAtMs);
  return true;
}

export interface SignedRequest {
  method: string;
  /** Path and query as received (`req.originalUrl`). */
  target: string;
  signature?: string | undefined;
  timestamp?: string | undefined;
}

export interface VerifyOptions {
  /** Accept a v1 (`sha256=`) signature: POST ingestion only, for one release. */
  allowV1?: boolean;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Verifies a request's signature and that `X-Baton-Timestamp` (Unix seconds) is within the
 * window, then records it so an exact replay is refused. Returns a reason when it fails.
 * `forget` undoes the record — for a request Baton failed to handle (5xx), which its sender
 * may then retry as it was.
 */
export function verifySignedRequest(
  secret: string,
  r: SignedRequest,
  rawBody: Buffer,
  nowMs: number,
  opts: VerifyOptions = {},
): { ok: false; why: string } | { ok: true; version: 'v1' | 'v2'; forget(): void } {
  const bad = (why: string) => ({ ok: false as const, why });
  if (!r.signature || !r.timestamp) return bad('missing X-Baton-Signature or X-Baton-Timestamp header');
  if (!/^\d{1,12}$/.test(r.timestamp)) return bad('X-Baton-Timestamp must be Unix seconds');
  if (Math.abs(nowMs / 1000 - Number(r.timestamp)) > SIGNATURE_WINDOW_SECONDS) return bad('X-Baton-Timestamp is outside the 5-minute window (clock skew or replay)');
  const [version, hex] = r.signature.split('=', 2) as [string, string | undefined];
  let expected: string;
  if (version === 'v2' && hex && HEX64.test(hex)) expected = signRequest(secret, { timestamp: r.timestamp, method: r.method, target: r.target, body: rawBody });
  else if (version === 'sha256' && hex && HEX64.test(hex)) {
    if (!opts.allowV1) return bad('sha256= (v1) signatures are accepted only for POST ingestion; sign timestamp.METHOD.path?query.body and send v2=<hex>');
    expected = sign(secret, r.timestamp, rawBody);
  } else return bad('X-Baton-Signature must be v2=<64 hex digits>');
  const given = Buffer.from(r.signature);
  const want = Buffer.from(expected);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return bad('signature does not match');
  if (!remember(expected, (Number(r.timestamp) + SIGNATURE_WINDOW_SECONDS) * 1000, nowMs)) {
    return bad('this exact signed request was already received (a replay); sign each request, retries included, with a fresh X-Baton-Timestamp');
  }
  return { ok: true, version: version === 'v2' ? 'v2' : 'v1', forget: () => void seen.delete(expected) };
}

/** Express glue: the request's method, target and signature headers; a 5xx answer forgets the signature. */
export function verifyExpressRequest(
  secret: string,
  req: { method: string; originalUrl: string; get(name: string): string | undefined; res?: { statusCode: number; on(event: 'finish', fn: () => void): unknown } | undefined },
  rawBody: Buffer,
  nowMs: number,
  opts: VerifyOptions = {},
): string | null {
  const v = verifySignedRequest(secret, { method: req.method, target: req.originalUrl, signature: req.get('x-baton-signature'), timestamp: req.get('x-baton-timestamp') }, rawBody, nowMs, opts);
  if (!v.ok) return v.why;
  req.res?.on('finish', () => {
    if (req.res!.statusCode >= 500) v.forget();
  });
  return null;
}
