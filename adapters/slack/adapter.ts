import { createHash } from 'node:crypto';
import type { ContextSource } from '../../src/app/context.ts';
import { RateLimitedError, type ChatAdapter, type Mention, type NoticeOptions, type PostedRef } from '../../src/app/chat-adapter.ts';
import { noteLine, teamNotes } from '../../src/app/team-notes.ts';
import { mentionedStaff } from '../../src/app/notices.ts';
import type { CardView } from '../../src/domain/card.ts';
import type { DigestModel } from '../../src/domain/digest.ts';
import type { StaffMember } from '../../src/domain/roster.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { cardMessage, mentionMarkup, threadNoteMessage, type SlackMessage } from './blocks.ts';
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

/** A pool escalation DM'd to one physician (no pool channel): `copy:pool/<physician key>:…`. */
const POOL_FANOUT = 'pool/';

/** A copy's platform-post kind: `copy:<staff key | pool | pool/<physician key>>:v<version>:<delivery>`. */
interface CopyKind {
  recipient: string;
  version: number;
}

/** The delivery part is a short digest of the words it was sent with (never the words: they may quote staff free text). */
export function copyKind(recipient: string, version: number, text: string): string {
  return `copy:${recipient}:v${version}:${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
}

function parseCopyKind(kind: string): CopyKind | null {
  const m = /^copy:([^:]+):v(\d+):[0-9a-f]+$/.exec(kind);
  return m ? { recipient: m[1]!, version: Number(m[2]) } : null;
}

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
    /** The context as of now: each call reads the roster (queue channels, people) and `physicianPool.slackChannel` when it is made. */
    private readonly ctx: ContextSource,
    private readonly api: SlackApi,
    private readonly logger: Logger,
  ) {}

  async postCard(card: CardView, opts: { mention?: Mention } = {}): Promise<PostedRef> {
    const channel = this.ctx().roster.queue(card.queue.key)?.slackChannel;
    if (!channel) throw new Error(`queue "${card.queue.key}" has no slackChannel in the Baton config`);
    const mention = opts.mention ? this.mentionOf(opts.mention) : undefined;
    const res = await this.api.call(
      'chat.postMessage',
      { channel, ...cardMessage(card, { mention }), ...SEND, metadata: { event_type: CARD_EVENT, event_payload: { item_id: card.itemId } } },
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
    const channel = this.ctx().roster.queue(card.queue.key)?.slackChannel;
    if (!channel) return null;
    const item = await this.ctx().store.findItem(card.itemId);
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

  /**
   * The channel card, then every copy of it (DMs, pool posts: `copy:` platform posts) drawn from
   * `direct`. A copy Slack no longer has is skipped (`update`); a rate limit stops at once and a
   * retryable failure is thrown after the other copies had their turn, so the outbox retries the
   * row (chat.update is idempotent: copies already redrawn are redrawn again, harmlessly).
   */
  async updateCard(ref: PostedRef, card: CardView, direct?: CardView): Promise<void> {
    await this.update(ref, cardMessage(card));
    if (!direct) return;
    let failed: unknown = null;
    const notes = this.notesOnce(direct); // read once for all the copies
    for (const post of await this.ctx().store.platformPostsOf(card.itemId, 'slack', 'copy:')) {
      const copy = parseCopyKind(post.kind);
      // A copy drawn at this version already shows it, with the words it was sent with: leave it.
      if (!copy || copy.version >= direct.version) continue;
      try {
        await this.update(post, await this.copyMessage(copy, direct, notes));
      } catch (e) {
        if (e instanceof RateLimitedError) throw e;
        failed ??= e;
      }
    }
    if (failed) throw failed;
  }

  /**
   * Redraws one copy at once for the person who clicked it (the outbox's update follows, and a
   * refused click changes nothing the outbox would redraw). A copy Baton has no record of (sent
   * before copies were recorded) is drawn without an intro.
   */
  async redrawCopy(at: PostedRef, direct: CardView): Promise<void> {
    const post = (await this.ctx().store.platformPostsOf(direct.itemId, 'slack', 'copy:')).find((p) => p.channel === at.channel && p.messageId === at.messageId);
    const copy = post ? parseCopyKind(post.kind) : null;
    if (copy && copy.version >= direct.version) return;
    await this.update(at, copy ? await this.copyMessage(copy, direct, this.notesOnce(direct)) : cardMessage(direct, { buttons: direct.state !== 'RESOLVED' }));
  }

  /**
   * A copy as it is redrawn after a change. The line it was sent with ("Escalated to you: <reason>",
   * "Reminder (level 2): …") is not stored — it may quote staff free text, and it described the
   * moment it was sent — so the redrawn copy says for whom it was sent and that it has changed; the
   * reason stays on the card (its escalation section) and in the team notes. Resolved: no buttons.
   */
  private async copyMessage(copy: CopyKind, direct: CardView, notes: () => Promise<string[]>): Promise<SlackMessage> {
    const intro =
      copy.recipient === 'pool' ? 'Posted for the physician pool; it has changed since. Where it stands now:'
      : copy.recipient.startsWith(POOL_FANOUT) ? 'Sent to every physician (no pool channel); it has changed since. Where it stands now:'
      : 'Baton sent you this earlier; it has changed since. Where it stands now:';
    return cardMessage(direct, { intro, notes: await this.notesFor(copy.recipient, direct, notes), notice: 'Update', buttons: direct.state !== 'RESOLVED' });
  }

  /** The item's last few team notes, read from the audit trail at most once however many copies ask. */
  private notesOnce(card: CardView): () => Promise<string[]> {
    let notes: Promise<string[]> | undefined;
    return () => (notes ??= teamNotes(this.ctx(), card.itemId, 5).then((n) => n.map(noteLine)));
  }

  /** Physician copies (a DM to a physician, the pool) and any copy of an escalated item carry the team's notes. */
  private async notesFor(recipient: string, card: CardView, notes = this.notesOnce(card)): Promise<string[] | undefined> {
    const physician = recipient === 'pool' || recipient.startsWith(POOL_FANOUT) || this.ctx().roster.member(recipient)?.physician === true;
    if (!physician && card.state !== 'ESCALATED') return undefined;
    return notes();
  }

  /**
   * Sends one copy unless this delivery already reached that recipient (an outbox retry after a
   * partial fan-out), and records it so `updateCard` keeps it true. The key is the recipient, the
   * item version the copy shows and the words it was sent with, so a retry finds it while a later
   * reminder (a new version) or another level's DM (other words) is sent.
   */
  private async sendCopy(card: CardView, recipient: string, text: string, send: () => Promise<PostedRef>): Promise<void> {
    const kind = copyKind(recipient, card.version, text);
    if (await this.ctx().store.findPlatformPost(card.itemId, 'slack', kind)) return;
    const ref = await send();
    await this.ctx().store.savePlatformPost({ itemId: card.itemId, platform: 'slack', kind, ...ref }, this.ctx().clock.now());
  }

  /** The Slack markup of a port `Mention`: the queue's `slackUserGroup`, else its fallback people; and the people named. */
  private mentionOf(m: Mention): string {
    const group = m.queue ? this.ctx().roster.queue(m.queue)?.slackUserGroup : undefined;
    return mentionMarkup(group, mentionedStaff(m, group !== undefined));
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

  /** A thread reply; `broadcast` also shows it in the channel (Slack `reply_broadcast`), with the mention first. */
  async postThreadNote(ref: PostedRef, text: string, opts: NoticeOptions = {}): Promise<void> {
    const mention = opts.mention ? this.mentionOf(opts.mention) : undefined;
    const msg = threadNoteMessage(text, { mention, broadcast: opts.broadcast });
    await this.api.call('chat.postMessage', { channel: ref.channel, thread_ts: ref.messageId, ...(opts.broadcast ? { reply_broadcast: true } : {}), ...msg, ...SEND }, { idempotent: false });
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
   * channel — or, without one, a DM to every physician. Each is a copy of the card, recorded
   * (`copy:` platform posts) so `updateCard` keeps it true.
   */
  async sendDirect(to: StaffMember | null, card: CardView, text: string, opts: { notice?: string | undefined } = {}): Promise<void> {
    const escalated = card.state === 'ESCALATED';
    if (to?.slackUserId) {
      // A DM from the app notifies its recipient (Slack's default for direct messages): the
      // notification line is `text` of chat.postMessage, here the notice and the card's PHI-free fallback.
      const msg = cardMessage(card, { intro: text, notes: await this.notesFor(to.key, card), notice: opts.notice ?? (escalated ? 'Escalated to you' : 'Baton reminder') });
      await this.sendCopy(card, to.key, text, () => this.dm(to.slackUserId!, msg).then((r) => ({ channel: r.channel, messageId: r.ts })));
      return;
    }
    if (to && !to.physician) {
      this.logger.warn({ staff: to.key }, 'no slackUserId for this staff member in the roster: Slack DM not sent');
      return;
    }
    // The physician pool, or a named physician Slack cannot reach directly.
    const intro = to ? `For ${to.name} (no Slack account in Baton's roster): ${text}` : text;
    const msg = cardMessage(card, { intro, notes: await this.notesFor('pool', card), notice: 'Escalation for the physician pool' });
    const channel = this.ctx().pool.slackChannel;
    if (channel) {
      await this.sendCopy(card, 'pool', intro, async () => {
        const res = await this.api.call('chat.postMessage', { channel, ...msg, ...SEND }, { idempotent: false });
        return { channel: String(res.channel ?? channel), messageId: String(res.ts) };
      });
      return;
    }
    const physicians = this.ctx().roster.physicians().filter((p) => p.slackUserId);
    if (!physicians.length) throw new Error('no physician pool channel (physicianPool.slackChannel) and no physician with a slackUserId: the escalation cannot be delivered in Slack');
    if (!this.warnedPool) {
      this.warnedPool = true;
      this.logger.warn('physicianPool.slackChannel is not set: pool escalations are sent to every physician by DM');
    }
    // One at a time, each recorded as it lands: a failure part-way retries only those not reached.
    for (const p of physicians) await this.sendCopy(card, `${POOL_FANOUT}${p.key}`, intro, () => this.dm(p.slackUserId!, msg).then((r) => ({ channel: r.channel, messageId: r.ts })));
  }

  async sendDigest(to: StaffMember, digest: DigestModel, _text: string): Promise<void> {
    if (!to.slackUserId) {
      this.logger.warn({ staff: to.key }, 'no slackUserId for this manager in the roster: Slack digest not sent');
      return;
    }
    await this.dm(to.slackUserId, digestMessage(digest));
  }
}
