import express, { Router, type Response } from 'express';
import type { AppContext } from '../../src/app/context.ts';
import { actOnCard } from '../../src/app/act-on-card.ts';
import { viewMessage } from '../../src/app/view-message.ts';
import { channelStaffText } from '../../src/domain/card.ts';
import type { Failure } from '../../src/domain/result.ts';
import { itemRef } from '../../src/domain/work-item.ts';
import { asyncRoute, failureToHttp, HttpError } from '../../src/http/http-errors.ts';
import { parseWith, readJsonBody } from '../../src/http/parse-body.ts';
import { actionBodySchema, toCommand } from './action-body.ts';
import { threadLines } from './audit-lines.ts';
import { audienceFor, pageCard } from './cards.ts';
import type { EventHub } from './event-hub.ts';
import { stateFor, type ViewOptions } from './state-view.ts';
import { READ_ONLY_REASON, viewerOf } from './viewer.ts';
import { channelsForItem } from './visibility.ts';

export interface ApiDeps {
  ctx: AppContext;
  hub: EventHub;
  view: ViewOptions;
}

const PLATFORM = 'sandbox';
const ITEM_ID = /^[A-Za-z0-9-]{1,64}$/;

/** A failure goes back to the person who acted, only in their HTTP answer: never broadcast. */
function answerFailure(res: Response, f: Failure) {
  res.status(failureToHttp(f).status).json({ ok: false, code: f.code, message: f.message, ...(f.ownerId ? { ownerId: f.ownerId } : {}) });
}

/** The page's JSON API: state, one card, an item's thread, the actions, and the event stream. */
export function apiRoutes({ ctx, hub, view }: ApiDeps): Router {
  const r = Router();
  const viewer = (req: express.Request) => viewerOf(req, ctx.roster, view.readOnly);
  /** The item, if this viewer may see it; 404 either way so ids of others' work reveal nothing. */
  const visibleItem = async (req: express.Request) => {
    const who = viewer(req);
    const id = String(req.params.id);
    const item = ITEM_ID.test(id) ? await ctx.store.findItem(id) : null;
    const channels = item ? channelsForItem(ctx.roster, who, item) : [];
    if (!item || !channels.length) throw new HttpError(404, 'item.not_found', 'No such item in your channels.');
    return { who, item, channels };
  };

  r.use('/sandbox/api', (_req, res, next) => {
    // Answers are per person and may hold message text: never cached by the browser or a proxy.
    res.set('Cache-Control', 'no-store');
    next();
  });

  r.get('/sandbox/api/state', asyncRoute(async (req, res) => {
    res.json(await stateFor(ctx, viewer(req), view));
  }));

  r.get('/sandbox/api/items/:id', asyncRoute(async (req, res) => {
    const { who, item, channels } = await visibleItem(req);
    res.json({ card: await pageCard(ctx, who, item, channels), channels });
  }));

  r.get('/sandbox/api/items/:id/audit', asyncRoute(async (req, res) => {
    const { who, item, channels } = await visibleItem(req);
    const staffText = audienceFor(who, item, channels) === 'direct' ? 'show' : channelStaffText(ctx.card.messageText);
    res.json({ itemId: item.id, lines: threadLines(await ctx.store.auditOf(item.id), ctx.roster, staffText) });
  }));

  r.post(
    '/sandbox/api/items/:id/actions',
    express.raw({ type: () => true, limit: 16 * 1024 }),
    asyncRoute(async (req, res) => {
      if (view.readOnly) throw new HttpError(403, 'sandbox.read_only', READ_ONLY_REASON);
      // JSON content type only: a cross-site form post cannot send it without a CORS preflight, which this API never grants.
      const body = parseWith(actionBodySchema(ctx.roster, ctx.clock.now()), readJsonBody(req, undefined, ctx.clock.now().getTime()));
      const itemId = String(req.params.id);
      const command = toCommand(body, ctx.clock.now());
      if (command === 'view') {
        const out = await viewMessage(ctx, { itemId, actorKey: body.as, platform: PLATFORM });
        if (!out.ok) return answerFailure(res, out);
        res.json({ ok: true, messages: out.messages, notes: out.notes });
        return;
      }
      // The same card-action use case as Slack and Teams: stale cards and double clicks answered alike.
      const out = await actOnCard(ctx, { itemId, actorKey: body.as, platform: PLATFORM, command, seen: body.seen });
      if (!out.ok) return answerFailure(res, out);
      const actor = ctx.roster.member(body.as)!;
      const card = await pageCard(ctx, actor, out.item, channelsForItem(ctx.roster, actor, out.item));
      // A repeated Claim by its owner changed nothing: nothing to tell other pages.
      if (out.unchanged) return void res.json({ ok: true, unchanged: true, message: `${itemRef(out.item)} is already yours.`, card });
      // Committed: tell open pages now rather than at the outbox worker's next poll.
      hub.itemChanged(itemId);
      res.json({ ok: true, card });
    }),
  );

  r.get('/sandbox/api/events', (req, res, next) => {
    try {
      hub.subscribe(viewer(req), res);
    } catch (e) {
      next(e);
    }
  });
  return r;
}
