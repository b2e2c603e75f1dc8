import express, { Router, type Response } from 'express';
import type { AppContext, ContextSource } from '../../src/app/context.ts';
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
import { messageView } from './message-view.ts';

export interface ApiDeps {
  ctx: ContextSource;
  hub: EventHub;
  view: ViewOptions;
}

const PLATFORM = 'sandbox';
const ITEM_ID = /^[A-Za-z0-9-]{1,64}$/;
/** Ids per `GET /sandbox/api/cards`: a burst of changes the page coalesced (it asks in chunks of this). */
export const CARDS_PER_REQUEST = 100;

function idsOf(q: unknown): string[] {
  const ids = typeof q === 'string' && q ? q.split(',') : [];
  if (!ids.length || ids.length > CARDS_PER_REQUEST || !ids.every((id) => ITEM_ID.test(id))) {
    throw new HttpError(400, 'request.invalid', 'Say which items.', [{ path: 'ids', message: `1–${CARDS_PER_REQUEST} item ids, separated by commas` }]);
  }
  return [...new Set(ids)];
}

/** A failure goes back to the person who acted, only in their HTTP answer: never broadcast. */
function answerFailure(res: Response, f: Failure) {
  res.status(failureToHttp(f).status).json({ ok: false, code: f.code, message: f.message, ...(f.ownerId ? { ownerId: f.ownerId } : {}) });
}

/** The page's JSON API: state, one card, an item's thread, the actions, and the event stream. */
export function apiRoutes({ ctx: source, hub, view }: ApiDeps): Router {
  const r = Router();
  // Each request reads the context once (a config reload gives the next request a new one).
  const viewer = (req: express.Request, ctx: AppContext) => viewerOf(req, ctx.roster, view.readOnly);
  const clock = (ctx: AppContext) => ({ now: ctx.clock.now(), zone: ctx.sla.calendar.timezone });
  // Built once per roster, not per click (zod builds a schema far slower than it parses).
  let action: { roster: AppContext['roster']; schema: ReturnType<typeof actionBodySchema> } | undefined;
  const actionSchema = (ctx: AppContext) => {
    if (action?.roster !== ctx.roster) action = { roster: ctx.roster, schema: actionBodySchema(ctx.roster, () => ctx.clock.now()) };
    return action.schema;
  };
  /** The item and where this viewer sees it, or null when it does not exist or is not theirs to see (alike). */
  const lookUp = async (ctx: AppContext, who: ReturnType<typeof viewer>, id: string) => {
    const item = ITEM_ID.test(id) ? await ctx.store.findItem(id) : null;
    const channels = item ? channelsForItem(ctx.roster, who, item) : [];
    return item && channels.length ? { item, channels } : null;
  };
  /** The item, if this viewer may see it; 404 either way so ids of others' work reveal nothing. */
  const visibleItem = async (req: express.Request, ctx: AppContext) => {
    const who = viewer(req, ctx);
    const found = await lookUp(ctx, who, String(req.params.id));
    if (!found) throw new HttpError(404, 'item.not_found', 'No such item in your channels.');
    return { who, ...found };
  };

  r.use('/sandbox/api', (_req, res, next) => {
    // Answers are per person and may hold message text: never cached by the browser or a proxy.
    res.set('Cache-Control', 'no-store');
    next();
  });

  r.get('/sandbox/api/state', asyncRoute(async (req, res) => {
    const ctx = source();
    res.json(await stateFor(ctx, viewer(req, ctx), view));
  }));

  r.get('/sandbox/api/items/:id', asyncRoute(async (req, res) => {
    const ctx = source();
    const { who, item, channels } = await visibleItem(req, ctx);
    res.json({ card: await pageCard(ctx, who, item, channels), channels });
  }));

  /**
   * The cards of the items the event stream said changed, as this viewer sees them. The stream
   * tells every page of every change (ids only), so many ids are not this viewer's: they come
   * back under `gone` — exactly as an id that does not exist — in a 200, rather than one 404
   * each in the browser's console. A card that left the viewer's channels is `gone` too.
   */
  r.get('/sandbox/api/cards', asyncRoute(async (req, res) => {
    const ctx = source();
    const who = viewer(req, ctx);
    const ids = idsOf(req.query.ids);
    const items = [];
    const gone = [];
    for (const id of ids) {
      const found = await lookUp(ctx, who, id);
      if (found) items.push({ itemId: id, card: await pageCard(ctx, who, found.item, found.channels), channels: found.channels });
      else gone.push(id);
    }
    res.json({ items, gone });
  }));

  r.get('/sandbox/api/items/:id/audit', asyncRoute(async (req, res) => {
    const ctx = source();
    const { who, item, channels } = await visibleItem(req, ctx);
    const staffText = audienceFor(who, item, channels) === 'direct' ? 'show' : channelStaffText(ctx.card.messageText);
    res.json({ itemId: item.id, lines: threadLines(await ctx.store.auditOf(item.id), ctx.roster, clock(ctx), staffText) });
  }));

  r.post(
    '/sandbox/api/items/:id/actions',
    express.raw({ type: () => true, limit: 16 * 1024 }),
    asyncRoute(async (req, res) => {
      if (view.readOnly) throw new HttpError(403, 'sandbox.read_only', READ_ONLY_REASON);
      const ctx = source();
      // JSON content type only: a cross-site form post cannot send it without a CORS preflight, which this API never grants.
      const body = parseWith(actionSchema(ctx), readJsonBody(req, undefined, ctx.clock.now().getTime()));
      const itemId = String(req.params.id);
      const command = toCommand(body, ctx.clock.now());
      if (command === 'view') {
        const out = await viewMessage(ctx, { itemId, actorKey: body.as, platform: PLATFORM });
        if (!out.ok) return answerFailure(res, out);
        res.json({ ok: true, ...messageView(out.messages, out.notes, clock(ctx)) });
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
      hub.subscribe(viewer(req, source()), res);
    } catch (e) {
      next(e);
    }
  });
  return r;
}
