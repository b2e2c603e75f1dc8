import type { DigestModel } from '../domain/digest.ts';
import { digestText } from '../domain/digest-text.ts';
import type { AppContext } from './context.ts';
import { cardForItem, type CardAudience } from './item-card.ts';
import { RateLimitedError, type ChatAdapter } from './chat-adapter.ts';
import { noticeOptions, resolveMention } from './notices.ts';
import type { OutboxRow } from './ports.ts';

export type DeliveryResult = 'sent' | 'retry' | 'rate_limited' | 'dropped' | 'coalesced';
export interface Delivery {
  result: DeliveryResult;
  retryAfterMs?: number;
}

/** Not delivered yet for a reason that time will fix (e.g. the card has not been posted). */
class NotYet extends Error {}

/** Exponential backoff with jitter, capped at 5 minutes (DESIGN.md §7). */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(300_000, 1_000 * 2 ** Math.min(attempts, 10));
  return Math.round(base / 2 + random() * (base / 2));
}


async function deliverDigest(ctx: AppContext, adapter: ChatAdapter, row: OutboxRow) {
  const to = ctx.roster.member(String(row.payload.to));
  if (!to) return; // no longer on the roster: nobody to send it to
  const digest = row.payload.digest as DigestModel;
  await adapter.sendDigest(to, digest, digestText(digest, to.name));
}

/** Sends one outbox row through its platform's adapter. The card is rendered from the item's current state, so late updates coalesce to the latest. */
export async function deliverOne(ctx: AppContext, adapters: ReadonlyMap<string, ChatAdapter>, row: OutboxRow): Promise<Delivery> {
  const adapter = adapters.get(row.platform);
  const now = ctx.clock.now();
  try {
    if (!adapter) throw new NotYet(`no ${row.platform} adapter is running`);
    if (row.kind === 'digest') {
      await deliverDigest(ctx, adapter, row);
      await ctx.store.completeOutbox(row.id, ctx.clock.now());
      return { result: 'sent' };
    }
    if (!row.itemId) throw new Error(`outbox row ${row.kind} has no item`);
    const item = await ctx.store.findItem(row.itemId);
    if (!item) {
      await ctx.store.completeOutbox(row.id, now);
      return { result: 'dropped' };
    }
    // Drawn only for the rows that show it: the channel card (posts, updates) and the assignee's
    // copy with the staff free text (DMs, the pool; an update redraws those copies too).
    const draw = (audience: CardAudience) => cardForItem(ctx, item, audience);
    const posted = await ctx.store.findPlatformPost(row.itemId, row.platform, 'card');
    switch (row.kind) {
      case 'card.post': {
        if (posted) break; // already posted (a retry after an unknown outcome): never a second card
        const card = await draw('channel');
        const found = row.attempts > 1 && adapter.findCard ? await adapter.findCard(card) : null;
        const mention = resolveMention(ctx, row.payload.mention);
        const ref = found ?? (await adapter.postCard(card, mention ? { mention } : undefined));
        await ctx.store.savePlatformPost({ itemId: row.itemId, platform: row.platform, kind: 'card', ...ref }, now);
        break;
      }
      case 'card.update':
        if (!posted) throw new NotYet('card not posted yet');
        await adapter.updateCard(posted, await draw('channel'), await draw('direct'));
        break;
      case 'thread.note':
        if (!posted) throw new NotYet('card not posted yet');
        await adapter.postThreadNote(posted, String(row.payload.text ?? ''), noticeOptions(ctx, row.payload));
        break;
      case 'dm': {
        const to = typeof row.payload.to === 'string' ? (ctx.roster.member(row.payload.to) ?? null) : null;
        const notice = typeof row.payload.notice === 'string' ? row.payload.notice : undefined;
        await adapter.sendDirect(to, await draw('direct'), String(row.payload.text ?? ''), notice ? { notice } : undefined);
        break;
      }
      default:
        throw new Error(`unknown outbox kind ${row.kind}`);
    }
    await ctx.store.completeOutbox(row.id, ctx.clock.now());
    return { result: 'sent' };
  } catch (e) {
    if (e instanceof RateLimitedError) {
      // The platform said when: wait exactly that, and do not count it as a failure.
      await ctx.store.retryOutbox(row.id, e.message, new Date(ctx.clock.now().getTime() + e.retryAfterMs));
      return { result: 'rate_limited', retryAfterMs: e.retryAfterMs };
    }
    await ctx.store.retryOutbox(row.id, (e as Error).message, new Date(now.getTime() + backoffMs(row.attempts)));
    return { result: 'retry' };
  }
}
