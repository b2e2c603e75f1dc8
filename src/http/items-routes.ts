import express, { Router } from 'express';
import { z } from 'zod';
import type { ContextSource } from '../app/context.ts';
import { itemRef, ITEM_STATES, type WorkItem } from '../domain/work-item.ts';
import { asyncRoute, HttpError } from './http-errors.ts';
import { wholeNumber } from '../config/zod-messages.ts';
import { parseWith } from './parse-body.ts';
import { verifyExpressRequest } from './signature.ts';

/** What the read API shows of an item: the card's minimum, never message text or names. */
const publicItem = (i: WorkItem) => ({
  id: i.id, ref: itemRef(i), queue: i.queue, category: i.category, priority: i.priority, redFlags: i.redFlags,
  state: i.state, ownerId: i.ownerId, patientToken: i.patientToken, messageCount: i.messageCount,
  firstMessageAt: i.firstMessageAt, createdAt: i.createdAt, updatedAt: i.updatedAt, claimDueAt: i.claimDueAt, resolveDueAt: i.resolveDueAt, version: i.version,
});

const listQuery = z.strictObject({
  // Any case: `state=open` is as clear as `state=OPEN`.
  state: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(ITEM_STATES, { error: `must be one of ${ITEM_STATES.join(', ')} (any case)` }))
    .optional(),
  queue: z.string().max(64).optional(),
  limit: wholeNumber(1, 500).default(100),
});

/**
 * Read-only item API for the clinic's IT and audit staff: an item, its audit trail, lists.
 * Signed like the ingestion API (v2: timestamp.GET.path?query. with the empty body) when INGEST_SECRET is set.
 */
export function itemRoutes(app: ContextSource, secret: string | undefined): Router {
  const r = Router();
  r.use('/v1/items', express.raw({ type: () => true, limit: 1024 }), (req, _res, next) => {
    if (!secret) return next();
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // v2 only: a v1 signature binds no path, so a signed read of one item would open every list.
    const why = verifyExpressRequest(secret, req, raw, app().clock.now().getTime());
    next(why ? new HttpError(401, 'request.unauthenticated', `Request signature rejected: ${why}.`) : undefined);
  });
  r.get('/v1/items', asyncRoute(async (req, res) => {
    const q = parseWith(listQuery, req.query, 'The query has problems.');
    const items = await app().store.listItems({ states: q.state ? [q.state] : undefined, queue: q.queue, limit: q.limit });
    res.json({ items: items.map(publicItem) });
  }));
  r.get('/v1/items/:id', asyncRoute(async (req, res) => {
    const item = await app().store.findItem(String(req.params.id));
    if (!item) throw new HttpError(404, 'item.not_found', 'No item with that id.');
    const audit = await app().store.auditOf(item.id);
    res.json({ item: publicItem(item), audit });
  }));
  return r;
}
