import type { Request, Response } from 'express';

/** The cookies a request carries (RFC 6265 `name=value; …`); values are Baton's own base64url tokens. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim() || undefined;
  }
  return undefined;
}

export interface CookieFlags {
  /** Secure (https): set whenever the public URL is https, i.e. anywhere but this machine. */
  secure: boolean;
}

/**
 * A console cookie: HttpOnly (no script reads it), SameSite=Lax (sent on the identity provider's
 * redirect back, a top-level GET, but not on another site's POST), Path=/, Secure over https.
 * Without Max-Age it lasts until the browser closes; the server enforces the session's own limits.
 */
export function setCookie(res: Response, name: string, value: string, f: CookieFlags, maxAgeSeconds?: number): void {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (f.secure) parts.push('Secure');
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  res.append('Set-Cookie', parts.join('; '));
}

export const clearCookie = (res: Response, name: string, f: CookieFlags) => setCookie(res, name, '', f, 0);

/** `__Host-` cookies must be Secure, Path=/ and carry no Domain: a sibling subdomain cannot set or shadow them. */
export const cookieName = (base: string, f: CookieFlags) => (f.secure ? `__Host-${base}` : base);
