import type { RequestHandler } from 'express';
import { HttpError } from '../../src/ingest/http-errors.ts';

const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * The sandbox has no login: whoever opens it picks who they act as and can read message text.
 * So it answers only browsers on this machine. The Host check also stops DNS-rebinding pages
 * (a remote site whose name resolves to 127.0.0.1) from reading it through the visitor's browser.
 */
export const localOnly: RequestHandler = (req, _res, next) => {
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
