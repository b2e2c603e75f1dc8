import { createHmac, timingSafeEqual } from 'node:crypto';

/** Requests older or newer than this are replays (DESIGN.md §4). */
export const SIGNATURE_WINDOW_SECONDS = 300;

export function sign(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

/**
 * Verifies `X-Baton-Signature: sha256=<hex HMAC(secret, timestamp + "." + raw body)>` and that
 * `X-Baton-Timestamp` (Unix seconds) is within the window. Returns a reason when it is not.
 */
export function verifySignature(
  secret: string,
  headers: { signature?: string | undefined; timestamp?: string | undefined },
  rawBody: Buffer,
  nowMs: number,
): string | null {
  if (!headers.signature || !headers.timestamp) return 'missing X-Baton-Signature or X-Baton-Timestamp header';
  if (!/^\d{1,12}$/.test(headers.timestamp)) return 'X-Baton-Timestamp must be Unix seconds';
  if (Math.abs(nowMs / 1000 - Number(headers.timestamp)) > SIGNATURE_WINDOW_SECONDS) return 'X-Baton-Timestamp is outside the 5-minute window (clock skew or replay)';
  const expected = Buffer.from(sign(secret, headers.timestamp, rawBody));
  const given = Buffer.from(headers.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature does not match';
  return null;
}
