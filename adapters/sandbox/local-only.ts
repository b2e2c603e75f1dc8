import type { RequestHandler } from 'express';
import { HttpError } from '../../src/http/http-errors.ts';

const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * Headers a reverse proxy adds for the client it forwards (RFC 7239 `Forwarded`, the de-facto
 * `X-Forwarded-For/-Host/-Proto/…`, nginx's `X-Real-IP`). A browser on this machine never sends
 * them; a proxy on this machine does, and then the loopback peer address says nothing about
 * who is really asking.
 */
const FORWARDED = /^(forwarded|x-forwarded-.+|x-real-ip)$/i;

/**
 * The sandbox has no login: whoever opens it picks who they act as and can read message text.
 * So it answers only browsers on this machine. The Host check also stops DNS-rebinding pages
 * (a remote site whose name resolves to 127.0.0.1) from reading it through the visitor's browser.
 * A request that came through a proxy is refused even from the loopback address: a same-host
 * reverse proxy (nginx, Caddy, a load balancer's agent) would otherwise open it to the world.
 */
export const localOnly: RequestHandler = (req, _res, next) => {
  const proxied = Object.keys(req.headers).find((h) => FORWARDED.test(h));
  if (proxied) {
    return next(
      new HttpError(
        403,
        'sandbox.proxied',
        `The browser sandbox does not answer through a proxy (the request carries ${proxied}): it has no login, so it answers only a browser on this machine. Open it at http://127.0.0.1:<port>/ here, or through an SSH tunnel.`,
      ),
    );
  }
  const from = req.socket.remoteAddress ?? '';
  const host = req.get('host') ?? '';
  if (LOOPBACK_ADDRESS.test(from) && LOOPBACK_HOST.test(host)) return next();
  next(
    new HttpError(
      403,
      'sandbox.local_only',
      'The browser sandbox answers only on this machine (it has no login). Open it at http://127.0.0.1:<port>/ here, or through an SSH tunnel.',
    ),
  );
};
