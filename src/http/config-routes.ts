import express, { Router } from 'express';
import { z } from 'zod';
import type { ReloadAnswer, ReloadRequest } from '../config/reload.ts';
import { RESTART_ONLY } from '../config/restart-only.ts';
import { asyncRoute, HttpError } from './http-errors.ts';
import { notLocal } from './loopback.ts';
import { parseWith, readJsonBody } from './parse-body.ts';
import { verifyExpressRequest } from './signature.ts';

export interface ConfigRouteDeps {
  reload(req: ReloadRequest): ReloadAnswer;
  /** INGEST_SECRET: when set, the request must be signed with it (v2). */
  secret: string | undefined;
  nowMs(): number;
}

const bodySchema = z.strictObject({
  environment: z
    .strictObject({
      salt: z.string().regex(/^[0-9a-f]{32,128}$/, 'hex, 32 to 128 digits'),
      fingerprints: z.partialRecord(z.enum(RESTART_ONLY), z.string().regex(/^[0-9a-f]{64}$/, 'a hex SHA-256')),
    })
    .optional(),
});

const LOCAL_ONLY = 'The config reload answers only on this machine, directly (not through a proxy): run `baton config reload` on the host Baton runs on, or send its process SIGHUP.';

/**
 * `POST /v1/config/reload` — what `baton config reload` calls: the running server reads its
 * config files again (main.ts `reload`). Only from this machine, directly, like the sandbox
 * (loopback.ts); and when INGEST_SECRET is set, only signed with it (v2, bound to this method and
 * path, replays refused), so on a shared host only those who hold Baton's secret can ask. The
 * answer lists what changed (key paths) and what needs a restart, or every problem (422).
 */
export function configRoutes(d: ConfigRouteDeps): Router {
  const r = Router();
  r.post('/v1/config/reload', express.raw({ type: () => true, limit: 16 * 1024 }), asyncRoute(async (req, res) => {
    const why = notLocal(req);
    if (why) throw new HttpError(403, why === 'remote' ? 'config.local_only' : 'config.proxied', LOCAL_ONLY);
    if (d.secret) {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const bad = verifyExpressRequest(d.secret, req, raw, d.nowMs());
      if (bad) throw new HttpError(401, 'request.unauthenticated', `Request signature rejected: ${bad}. Sign it with this server's INGEST_SECRET (baton config reload does).`);
    }
    const hasBody = Buffer.isBuffer(req.body) && req.body.length > 0;
    const body = parseWith(bodySchema, hasBody ? readJsonBody(req, undefined, d.nowMs()) : {}, 'The request has problems; nothing was reloaded.');
    const answer = d.reload({ trigger: 'baton config reload', environment: body.environment });
    if (!answer.ok) {
      throw new HttpError(
        422,
        'config.invalid',
        `The config in ${answer.file} has ${answer.problems.length} problem(s); Baton keeps running on the config it had.`,
        answer.problems.map((message) => ({ path: answer.file, message })),
      );
    }
    res.json(answer);
  }));
  return r;
}
