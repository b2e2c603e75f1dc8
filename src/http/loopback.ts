import type { Request } from 'express';

const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * Headers a reverse proxy adds for the client it forwards (RFC 7239 `Forwarded`, the de-facto
 * `X-Forwarded-For/-Host/-Proto/…`, nginx's `X-Real-IP`). A program on this machine talking to
 * Baton directly never sends them; a proxy on this machine does, and then the loopback peer
 * address says nothing about who is really asking.
 */
const FORWARDED = /^(forwarded|x-forwarded-.+|x-real-ip)$/i;

/**
 * Whether a request comes from this machine, directly: `proxied` names the proxy header it
 * carries, `remote` means another address or a Host that is not a loopback name (which also
 * stops DNS-rebinding pages: a remote site whose name resolves to 127.0.0.1), null means local.
 * For what answers only here: the browser sandbox (no login) and the config reload.
 */
export function notLocal(req: Pick<Request, 'headers' | 'socket'> & { get(name: string): string | undefined }): { proxied: string } | 'remote' | null {
  const proxied = Object.keys(req.headers).find((h) => FORWARDED.test(h));
  if (proxied) return { proxied };
  const from = req.socket.remoteAddress ?? '';
  const host = req.get('host') ?? '';
  return LOOPBACK_ADDRESS.test(from) && LOOPBACK_HOST.test(host) ? null : 'remote';
}
