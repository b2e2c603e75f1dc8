import type { AppContext } from '../../src/app/context.ts';
import type { ChatAdapter, PostedRef } from '../../src/app/chat-adapter.ts';
import { cardForItem, type CardAudience } from '../../src/app/item-card.ts';
import { noteLine, teamNotes } from '../../src/app/team-notes.ts';
import type { CardView } from '../../src/domain/card.ts';
import type { DigestModel } from '../../src/domain/digest.ts';
import type { StaffMember } from '../../src/domain/roster.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { cardMessage, threadNoteMessage, type SlackMessage } from './blocks.ts';
import { digestMessage } from './digest-blocks.ts';
import { platformError, type SlackApi } from './web.ts';

/** Message metadata on every card post: lets Baton find its own card after a post whose outcome was unknown. */
export const CARD_EVENT = 'baton_card';

/** Slack errors that no retry will fix for this message: log, and let the outbox row go. */
const GONE = new Set(['message_not_found', 'cant_update_message', 'channel_not_found', 'is_archived', 'edit_window_closed']);

/** A bounded insertion-ordered map (oldest entries evicted first). */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(k: K, v: V): this {
    if (this.has(k)) this.delete(k);
    super.set(k, v);
    while (this.size > this.max) this.delete(this.keys().next().value as K);
    return this;
  }
}

const SEND = { unfurl_links: false, unfurl_media: false } as const;

/** How many pages of 200 messages `findCard` reads at most (conversations.history is Tier 3: ~50 calls a minute). */
export const HISTORY_PAGES = 10;

/**
 * The outbound half of the Slack adapter: the `ChatAdapter` port the outbox worker drives.
 * Cards go to their queue's channel; escalations to the physician's DM or the pool channel;
 * thread notes under the card without broadcasting.
 */
export class SlackOutbound implements Pick<ChatAdapter, 'postCard' | 'findCard' | 'updateCard' | 'postThreadNote' | 'sendDirect' | 'sendDigest'> {
  /** Cards this process posted: `findCard` answers from here first (e.g. the post worked but saving its id failed). */
  private readonly posted = new BoundedMap<string, PostedRef>(5_000);
  private readonly dmChannels = new BoundedMap<string, string>(5_000);
  private warnedPool = false;
  private warnedHistory = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly api: SlackApi,
    private readonly logger: Logger,
    private readonly poolChannel: string | undefined,
  ) {}

  async postCard(card: CardView): Promise<PostedRef> {
    const channel = this.ctx.roster.queue(card.queue.key)?.slackChannel;
    if (!channel) throw new Error(`queue "${card.queue.key}" has no slackChannel in the Baton config`);
    const res = await this.api.call(
      'chat.postMessage',
      { channel, ...cardMessage(card), ...SEND, metadata: { event_type: CARD_EVENT, event_payload: { item_id: card.itemId } } },
      { idempotent: false },
    );
    const ref = { channel: String(res.channel ?? channel), messageId: String(res.ts) };
    this.posted.set(card.itemId, ref);
    return ref;
  }

  /**
   * Baton's own card for the item, if an earlier attempt posted it: the outbox asks before
   * re-posting after a failed attempt (a timeout, a crash before the id was saved). Reads the
   * channel's history since the item was created (`oldest`, a minute early for clock skew),
   * page by page (`cursor`, at most `HISTORY_PAGES` pages of 200), for the card's message
   * metadata. This needs the `channels:history` / `groups:history` scopes; without them it logs
   * once and answers "not found", and the card is posted again (the one case where a timeout
   * can leave two cards).
   */
  async findCard(card: CardView): Promise<PostedRef | null> {
    const known = this.posted.get(card.itemId);
    if (known) return known;
    const channel = this.ctx.roster.queue(card.queue.key)?.slackChannel;
    if (!channel) return null;
    const item = await this.ctx.store.findItem(card.itemId);
    const oldest = item ? String(Math.max(0, Math.floor(item.createdAt.getTime() / 1000) - 60)) : undefined;
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      let res;
      try {
        res = await this.api.call('conversations.history', { channel, limit: 200, include_all_metadata: true, ...(oldest ? { oldest } : {}), ...(cursor ? { cursor } : {}) }, { idempotent: true });
      } catch (e) {
        const code = platformError(e);
        if (!code) throw e; // rate limited or unreachable: try again later rather than risk a second card
        if (!this.warnedHistory) {
          this.warnedHistory = true;
          this.logger.warn({ slack: { method: 'conversations.history', error: code } }, 'cannot read channel history to check for an earlier card post; retried posts may duplicate a card (grant channels:history and groups:history)');
        }
        return null;
      }
      const messages = (res.messages ?? []) as Array<{ ts?: string; metadata?: { event_type?: string; event_payload?: { item_id?: string } } }>;
      const hit = messages.find((m) => m.metadata?.event_type === CARD_EVENT && m.metadata.event_payload?.item_id === card.itemId);
      if (hit?.ts) {
        const ref = { channel, messageId: hit.ts };
        await this.updateCard(ref, card); // it shows the state of its first attempt: bring it up to date
        return ref;
      }
      cursor = (res.response_metadata as { next_cursor?: string } | undefined)?.next_cursor || undefined;
      if (!res.has_more || !cursor) return null;
    }
    // A busier channel than the bound allows: posting again risks a duplicate, which is the lesser harm.
    this.logger.warn({ slack: { method: 'conversations.history', channel, pages: HISTORY_PAGES } }, 'an earlier card post was not found in the pages of channel history read; posting it again');
    return null;
  }

  async updateCard(ref: PostedRef, card: CardView): Promise<void> {
    await this.update(ref, cardMessage(card));
  }

  /** chat.update with the full blocks and the fallback text, always (a text-only update would drop the blocks). */
  async update(ref: PostedRef, msg: SlackMessage): Promise<void> {
    try {
      await this.api.call('chat.update', { channel: ref.channel, ts: ref.messageId, ...msg }, { idempotent: true });
    } catch (e) {
      const code = platformError(e);
      if (code && GONE.has(code)) {
        this.logger.warn({ slack: { method: 'chat.update', error: code, channel: ref.channel } }, 'a Baton card can no longer be updated in Slack (deleted or archived); skipping');
        return;
      }
      throw e;
    }
  }

  async postThreadNote(ref: PostedRef, text: string): Promise<void> {
    await this.api.call('chat.postMessage', { channel: ref.channel, thread_ts: ref.messageId, ...threadNoteMessage(text), ...SEND }, { idempotent: false });
  }

  private async dmChannel(slackUserId: string): Promise<string> {
    const known = this.dmChannels.get(slackUserId);
    if (known) return known;
    const res = await this.api.call('conversations.open', { users: slackUserId }, { idempotent: true });
    const id = String((res.channel as { id?: string } | undefined)?.id ?? '');
    if (!id) throw new Error('conversations.open returned no channel');
    this.dmChannels.set(slackUserId, id);
    return id;
  }

  async dm(slackUserId: string, msg: SlackMessage): Promise<{ channel: string; ts: string }> {
    const channel = await this.dmChannel(slackUserId);
    const res = await this.api.call('chat.postMessage', { channel, ...msg, ...SEND }, { idempotent: false });
    return { channel, ts: String(res.ts) };
  }

  /**
   * A DM to a person (escalations, reminders) or, for `to = null`, a post in the physician pool
   * channel. The card carries the physician actions for escalated items (card.actions).
   */
  async sendDirect(to: StaffMember | null, card: CardView, text: string): Promise<void> {
    const escalated = card.state === 'ESCALATED';
    const notes = escalated ? (await teamNotes(this.ctx, card.itemId, 5)).map(noteLine) : undefined;
    if (to?.slackUserId) {
      await this.dm(to.slackUserId, cardMessage(card, { intro: text, notes, notice: escalated ? 'Escalated to you' : 'Baton reminder' }));
      return;
    }
    if (to && !to.physician) {
      this.logger.warn({ staff: to.key }, 'no slackUserId for this staff member in the roster: Slack DM not sent');
      return;
    }
    // The physician pool, or a named physician Slack cannot reach directly.
    const intro = to ? `For ${to.name} (no Slack account in Baton's roster): ${text}` : text;
    const msg = cardMessage(card, { intro, notes, notice: 'Escalation for the physician pool' });
    if (this.poolChannel) {
      await this.api.call('chat.postMessage', { channel: this.poolChannel, ...msg, ...SEND }, { idempotent: false });
      return;
    }
    const physicians = this.ctx.roster.physicians().filter((p) => p.slackUserId);
    if (!physicians.length) throw new Error('no physician pool channel (physicianPool.slackChannel) and no physician with a slackUserId: the escalation cannot be delivered in Slack');
    if (!this.warnedPool) {
      this.warnedPool = true;
      this.logger.warn('physicianPool.slackChannel is not set: pool escalations are sent to every physician by DM');
    }
    for (const p of physicians) await this.dm(p.slackUserId!, msg);
  }

  async sendDigest(to: StaffMember, digest: DigestModel, _text: string): Promise<void> {
    if (!to.slackUserId) {
      this.logger.warn({ staff: to.key }, 'no slackUserId for this manager in the roster: Slack digest not sent');
      return;
    }
    await this.dm(to.slackUserId, digestMessage(digest));
  }

  /** The current card for an item, as the outbox renders it: for the channel, or for a copy addressed to its assignee. */
  async currentCard(itemId: string, audience: CardAudience = 'channel'): Promise<CardView | null> {
    const item = await this.ctx.store.findItem(itemId);
    return item ? cardForItem(this.ctx, item, audience) : null;
  }
}
