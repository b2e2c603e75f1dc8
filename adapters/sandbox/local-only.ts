import type { RequestHandler } from 'express';
import { HttpError } from '../../src/http/http-errors.ts';
import { notLocal } from '../../src/http/loopback.ts';

/**
 * The sandbox has no login: whoever opens it picks who they act as and can read message text.
 * So it answers only browsers on this machine (src/http/loopback.ts). A request that came
 * through a proxy is refused even from the loopback address: a same-host reverse proxy (nginx,
 * Caddy, a load balancer's agent) would otherwise open it to the world.
 */
export const localOnly: RequestHandler = (req, _res, next) => {
  const why = notLocal(req);
  if (!why) return next();
  if (why !== 'remote') {
    return next(
      new HttpError(
        403,
        'sandbox.proxied',
        `The browser sandbox does not answer through a proxy (the request carries ${why.proxied}): it has no login, so it answers only a browser on this machine. Open it at http://127.0.0.1:<port>/ here, or through an SSH tunnel.`,
      ),
    );
  }
  next(
    new HttpError(
      403,
      'sandbox.local_only',
      'The browser sandbox answers only on this machine (it has no login). Open it at http://127.0.0.1:<port>/ here, or through an SSH tunnel.',
    ),
  );
};
