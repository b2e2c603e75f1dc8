import { Router } from 'express';
import type { ContextSource } from '../../src/app/context.ts';
import { digestModel } from '../../src/app/digest.ts';
import { digestText } from '../../src/domain/digest-text.ts';
import { asyncRoute, HttpError } from '../../src/http/http-errors.ts';
import { viewerOf } from './viewer.ts';

/**
 * A manager's digest computed now, from the same model the daily DM uses (aggregates and item
 * references only, never message text), so a clinic can rehearse it without waiting for 07:30.
 */
export function digestRoute(source: ContextSource, readOnly: boolean): Router {
  const r = Router();
  r.get('/sandbox/api/digest', asyncRoute(async (req, res) => {
    const ctx = source();
    const viewer = viewerOf(req, ctx.roster, readOnly);
    if (!viewer.manager) throw new HttpError(403, 'item.not_authorized', 'The digest is for managers.');
    const model = await digestModel(ctx, ctx.digest, ctx.clock.now());
    res.set('Cache-Control', 'no-store').json({ digest: model, text: digestText(model, viewer.name) });
  }));
  return r;
}
