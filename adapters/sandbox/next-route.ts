import express, { Router } from 'express';
import { z } from 'zod';
import '../../src/config/zod-messages.ts';
import type { AppContext, ContextSource } from '../../src/app/context.ts';
import { claimNextItem } from '../../src/app/next-item.ts';
import { itemRef } from '../../src/domain/work-item.ts';
import { asyncRoute, failureToHttp, HttpError } from '../../src/http/http-errors.ts';
import { parseWith, readJsonBody } from '../../src/http/parse-body.ts';
import { pageCard } from './cards.ts';
import type { EventHub } from './event-hub.ts';
import { READ_ONLY_REASON } from './viewer.ts';
import { channelsForItem } from './visibility.ts';

/**
 * `POST /sandbox/api/next` `{ "as": "<staff key>" }`: the page's "Next item" button — the same
 * use case as Slack's `/baton next` and Teams' "next". Answers the claimed card (as this person
 * sees it), or `item: null` when nothing waits in their queues, or the refusal.
 */
export function nextRoute(current: ContextSource, hub: EventHub, readOnly: boolean): Router {
  const r = Router();
  const schema = (ctx: AppContext) => z.strictObject({
    as: z.string({ error: 'required: the staff key of the person acting' }).refine((k) => ctx.roster.member(k) !== undefined, 'not a staff key on the roster'),
  });
  r.post('/sandbox/api/next', express.raw({ type: () => true, limit: 4 * 1024 }), asyncRoute(async (req, res) => {
    if (readOnly) throw new HttpError(403, 'sandbox.read_only', READ_ONLY_REASON);
    const ctx = current(); // the config as of this request (it may be reloaded meanwhile)
    // JSON only, as the action route: a cross-site form post cannot send it without a preflight.
    const body = parseWith(schema(ctx), readJsonBody(req, undefined, ctx.clock.now().getTime()));
    const out = await claimNextItem(ctx, { actorKey: body.as, platform: 'sandbox' });
    if (!out.ok) return void res.status(failureToHttp(out).status).json({ ok: false, code: out.code, message: out.message });
    if (!out.item) return void res.json({ ok: true, item: null, message: `Nothing is waiting to be claimed in your queues (${out.queues.map((q) => q.name).join(', ')}).` });
    const actor = ctx.roster.member(body.as)!;
    hub.itemChanged(out.item.id);
    const card = await pageCard(ctx, actor, out.item, channelsForItem(ctx.roster, actor, out.item));
    res.json({ ok: true, item: out.item.id, card, message: `You claimed ${itemRef(out.item)} (${ctx.roster.queue(out.item.queue)?.name ?? out.item.queue}).` });
  }));
  return r;
}
