import type { TeamsAdapter } from '@microsoft/teams-ai';
import { CardFactory, type Activity, type ConversationParameters, type TurnContext } from 'botbuilder';
import { RateLimitedError, type ChatAdapter, type Mention, type NoticeOptions, type PostedRef } from '../../src/app/chat-adapter.ts';
import type { ContextSource } from '../../src/app/context.ts';
import { noteLine, teamNotes } from '../../src/app/team-notes.ts';
import type { CardView } from '../../src/domain/card.ts';
import type { DigestModel } from '../../src/domain/digest.ts';
import type { StaffMember } from '../../src/domain/roster.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { asCopy, mentionNoticeCard, renderCard, type AdaptiveCardJson, type RenderOptions } from './adaptive-card.ts';
import { ConnectorCallFailed, type ConnectorGate } from './connector-gate.ts';
import { copyKey, type ConversationRefs, type Reference } from './conversation-refs.ts';
import { renderDigestCard } from './digest-card.ts';
import { refreshUserIds } from './user-view.ts';
import { mentionMarkup, mentionTargets } from './mentions.ts';

/** The Bot Connector REST calls Baton makes (botframework-connector `conversations` operations). */
interface Conversations {
  sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
  updateActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
}

export interface TeamsDeliveryDeps {
  /** The context as of now: each delivery reads the roster (queue channels, people) and `physicianPool.teamsChannel` when it is made. */
  ctx: ContextSource;
  logger: Logger;
  cloud: TeamsAdapter;
  /** '' when authentication is off (local testing). */
  botAppId: string;
  refs: ConversationRefs;
  gate: ConnectorGate;
}

/** A reply in a channel card's thread: Teams addresses a thread as `<channel>;messageid=<root>`. */
export const threadId = (channelId: string, messageId: string) => `${channelId};messageid=${messageId}`;

const POSTED_MEMORY = 5_000;

/**
 * Outbound Teams delivery for the outbox worker: new cards into a queue's channel, in-place card
 * updates (channel card and its DM / pool copies), thread notes, physician DMs. Every call is
 * single-shot through the gate; failures throw so the outbox retries with backoff.
 */
export class TeamsChatAdapter implements ChatAdapter {
  readonly platform = 'teams';
  private running = false;
  /**
   * Cards this process posted, by item. If saving the post fails after Teams accepted it, the
   * outbox retries `postCard`; answering from here keeps that retry from posting a second card.
   * (There is no `findCard`: the Bot Connector cannot list a channel's messages, so a post whose
   * HTTP outcome was lost — a timeout — cannot be reconciled with Teams itself.)
   */
  private readonly postedHere = new Map<string, PostedRef>();

  constructor(private readonly d: TeamsDeliveryDeps) {}

  async start(): Promise<void> {
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
  }

  connected(): boolean {
    return this.running;
  }

  /**
   * A new card in the queue's channel. With `mention` (a new red flag) the card itself names the
   * queue's tag or its lead: an Adaptive Card notifies the people its TextBlock `<at>` mentions
   * when their entities are in `msteams.entities` (msteams-docs `cards-format.md`, "Mention support
   * within Adaptive Cards"; the tag-mention sample posts exactly this). Later redraws of the card
   * leave the mention line out: the page has gone out, and an update notifies nobody.
   */
  async postCard(card: CardView, opts: { mention?: Mention } = {}): Promise<PostedRef> {
    this.assertRunning();
    const earlier = this.postedHere.get(card.itemId);
    if (earlier) return earlier;
    const channelId = this.d.ctx().roster.queue(card.queue.key)?.teamsChannel;
    if (!channelId) throw new Error(`queue ${card.queue.key} has no teamsChannel in the config`);
    const ref = await this.channelRef(channelId);
    const mention = opts.mention ? mentionMarkup(await mentionTargets(opts.mention, this.d.ctx().roster, this.d.refs)) : undefined;
    const messageId = await this.send(ref, channelId, this.cardActivity(card, { mention, ...(await this.channelView(card)) }), 'card post');
    const posted = { channel: channelId, messageId };
    this.postedHere.set(card.itemId, posted);
    if (this.postedHere.size > POSTED_MEMORY) this.postedHere.delete(this.postedHere.keys().next().value!);
    return posted;
  }

  async updateCard(ref: PostedRef, card: CardView, direct: CardView = card): Promise<void> {
    this.assertRunning();
    const view = await this.channelView(card);
    await this.update(await this.channelRef(ref.channel), threadId(ref.channel, ref.messageId), ref.messageId, this.cardActivity(card, view), 'card update');
    // Copies in DMs and the pool channel show the same state. One that can never be updated again
    // (the person blocked the bot: 403) must not hold back the rest; a retryable failure retries all.
    let retry: unknown;
    const copies = await this.d.refs.copies(card.itemId);
    const teamNotes = copies.length ? await this.copyNotes(direct) : undefined;
    for (const copy of copies) {
      try {
        // A copy is the assignee's (a physician's chat, the pool): drawn with the staff free text.
        await this.update(copy.reference, copy.reference.conversation.id, copy.activityId, this.cardActivity(asCopy(direct), { intro: copy.intro, teamNotes }), 'copy update');
      } catch (e) {
        if (e instanceof ConnectorCallFailed && !e.retryable) this.d.logger.warn({ itemId: card.itemId, err: e }, 'Teams card copy can no longer be updated');
        else if (!(retry instanceof RateLimitedError)) retry = e; // a Retry-After wins: it says exactly when
      }
    }
    if (retry) throw retry;
  }

  /**
   * A line in the card's thread. With `mention` the line starts with the people it pages, and is
   * sent as a one-line Adaptive Card carrying the mentions (mentions.ts says why not as text);
   * its `summary`, the notification line, is the text itself, which never holds patient data.
   *
   * `broadcast`: Teams has no reply that also shows in the channel (Slack's `reply_broadcast`), and
   * a thread reply only reaches people who follow that thread. So the notice is a NEW channel post
   * (to the channel id, not `;messageid=`), which carries the mention and so notifies. The thread
   * gets the same line without the mention first, so the card's thread stays the item's record
   * (every reminder under the card it is about) and nobody is paged twice for one reminder. The
   * thread line goes first: if the channel post fails, the outbox retry repeats the quiet line,
   * not the page.
   */
  async postThreadNote(ref: PostedRef, text: string, opts: NoticeOptions = {}): Promise<void> {
    this.assertRunning();
    const base = await this.channelRef(ref.channel);
    const mentioned = opts.mention ? mentionMarkup(await mentionTargets(opts.mention, this.d.ctx().roster, this.d.refs)) : undefined;
    const notice: Partial<Activity> = mentioned?.line
      ? { type: 'message', summary: text, attachments: [CardFactory.adaptiveCard(mentionNoticeCard(text, mentioned))] }
      : { type: 'message', text, textFormat: 'plain' };
    if (!opts.broadcast) {
      await this.send(base, threadId(ref.channel, ref.messageId), notice, 'thread note');
      return;
    }
    await this.send(base, threadId(ref.channel, ref.messageId), { type: 'message', text, textFormat: 'plain' }, 'thread note');
    await this.send(base, ref.channel, notice, 'channel notice');
  }

  /**
   * A physician's 1:1 chat with Baton (reused, or created from their Teams id), or the physician
   * pool channel when `to` is null. A physician with no Teams account on the roster is reached
   * through the pool, with their name on it, rather than not at all.
   */
  async sendDirect(to: StaffMember | null, card: CardView, text: string, opts: { notice?: string | undefined } = {}): Promise<void> {
    this.assertRunning();
    // Every DM and pool post is stored as a copy of the card, keyed by the item version and the
    // recipient, as soon as Teams accepts it. An outbox retry of the same message (after a restart,
    // or because marking it sent failed) finds its copy and does not send a second DM.
    const key = copyKey(card.version, to?.key ?? null);
    if ((await this.d.refs.copies(card.itemId)).some((c) => c.key === key)) return;
    await this.deliverDirect(to, card, text, key, opts.notice);
  }

  private async deliverDirect(to: StaffMember | null, card: CardView, text: string, key: string, notice?: string): Promise<void> {
    if (to?.teamsAadId) return this.directMessage(to.teamsAadId, card, text, key, notice);
    if (to && !to.physician) {
      // The pool channel is for physicians: a team member's reminder or returned item (with its instructions) does not go there.
      this.d.logger.warn({ staff: to.key }, 'no teamsAadId for this staff member in the roster: Teams DM not sent');
      return;
    }
    const pool = this.d.ctx().pool.teamsChannel;
    if (!pool) {
      throw new Error(to ? `${to.key} has no teamsAadId and physicianPool.teamsChannel is not set` : 'physicianPool.teamsChannel is not set');
    }
    if (to) this.d.logger.warn({ staff: to.key }, 'physician has no teamsAadId; posting the escalation to the physician pool channel');
    const intro = to ? `For ${to.name}: ${text}` : text;
    const base = await this.channelRef(pool);
    const activityId = await this.send(base, pool, this.cardActivity(asCopy(card), { intro, teamNotes: await this.copyNotes(card) }), 'pool post');
    const reference = { ...base, conversation: { ...base.conversation, id: threadId(pool, activityId) } };
    await this.d.refs.addCopy(card.itemId, { reference, activityId, intro, key });
  }

  /** The manager's digest in their 1:1 chat with Baton; a manager with no Teams id gets it elsewhere. */
  async sendDigest(to: StaffMember, digest: DigestModel, _text: string): Promise<void> {
    this.assertRunning();
    if (!to.teamsAadId) {
      this.d.logger.warn({ staff: to.key }, 'no teamsAadId for this manager in the roster: Teams digest not sent');
      return;
    }
    const activity = { type: 'message', summary: `Baton daily digest for ${digest.organization}`, attachments: [CardFactory.adaptiveCard(renderDigestCard(digest, to.name, this.d.ctx().sla.calendar.timezone))] };
    const ref = (await this.d.refs.user(to.teamsAadId)) ?? (await this.openChat(to.teamsAadId));
    await this.send(ref, ref.conversation.id, activity, 'digest');
  }

  /**
   * A message in the person's 1:1 chat with Baton: Teams notifies the person of a new message in
   * a personal chat (its activity feed and a toast show `summary`), unlike a card update.
   */
  private async directMessage(aadObjectId: string, card: CardView, text: string, key: string, notice?: string): Promise<void> {
    const ref = (await this.d.refs.user(aadObjectId)) ?? (await this.openChat(aadObjectId));
    const activity = this.cardActivity(asCopy(card), { intro: text, teamNotes: await this.copyNotes(card) });
    if (notice) activity.summary = `${notice}: ${card.fallbackText}`;
    const activityId = await this.send(ref, ref.conversation.id, activity, 'direct message');
    await this.d.refs.addCopy(card.itemId, { reference: ref, activityId, intro: text, key });
  }

  /** The team's notes a physician's copy shows while the item is with a physician, as Slack's copy does (the newest five). */
  private async copyNotes(card: CardView): Promise<string[] | undefined> {
    return card.state === 'ESCALATED' ? (await teamNotes(this.d.ctx(), card.itemId, 5)).map(noteLine) : undefined;
  }

  /** Creates the 1:1 chat (`POST /v3/conversations`) and remembers it for next time. */
  private async openChat(aadObjectId: string): Promise<Reference> {
    const service = await this.d.refs.service();
    if (!service) throw new Error('Baton has not heard from Teams yet: install the app in a team before escalating');
    // Teams' own user id (29:…) when Baton has seen the person; else the AAD object id, which
    // Teams accepts when the app is installed for that user.
    const member = await this.d.refs.member(aadObjectId);
    const params = {
      isGroup: false,
      bot: service.bot,
      members: [{ id: member?.id ?? aadObjectId }],
      tenantId: service.tenantId,
      channelData: { tenant: { id: service.tenantId } },
    } as ConversationParameters;
    let created: Reference | undefined;
    await this.d.gate.run(`create:${aadObjectId}`, 'chat create', () =>
      // `audience` undefined = the configured cloud's default (the typings ask for a string).
      this.d.cloud.createConversationAsync(this.d.botAppId, 'msteams', service.serviceUrl, undefined as unknown as string, params, async (tc) => {
        created = {
          channelId: 'msteams',
          serviceUrl: service.serviceUrl,
          bot: service.bot,
          user: { id: member?.id ?? aadObjectId, name: '', aadObjectId },
          conversation: { id: tc.activity.conversation.id, conversationType: 'personal', isGroup: false, tenantId: service.tenantId, name: '' },
        };
      }),
    );
    if (!created) throw new Error('Teams created no conversation');
    await this.d.refs.saveUser(aadObjectId, created);
    return created;
  }

  /** What the channel card adds to the card view: who gets their own view of it (Universal Actions refresh). */
  private async channelView(card: CardView): Promise<Pick<RenderOptions, 'refreshFor'>> {
    return { refreshFor: await refreshUserIds(this.d.ctx().roster, this.d.refs, card) };
  }

  private cardActivity(card: CardView, extra: Partial<RenderOptions> = {}): Partial<Activity> {
    const adaptive: AdaptiveCardJson = renderCard(card, { timeZone: this.d.ctx().sla.calendar.timezone, ...extra });
    // `summary` is the notification / activity-feed line: the card's fallback text, never patient data.
    return { type: 'message', summary: card.fallbackText, attachments: [CardFactory.adaptiveCard(adaptive)] };
  }

  private async channelRef(channelId: string): Promise<Reference> {
    const ref = await this.d.refs.channel(channelId);
    if (!ref) throw new Error('Baton has not heard from Teams yet: install the app in the team of each queue channel');
    return ref;
  }

  private async send(ref: Reference, conversationId: string, activity: Partial<Activity>, what: string): Promise<string> {
    const body = { ...activity, channelId: 'msteams', from: ref.bot, conversation: { ...ref.conversation, id: conversationId } } as Partial<Activity>;
    const r = await this.d.gate.run(conversationId, what, () => this.withConnector(ref, (c) => c.sendToConversation(conversationId, body)));
    if (!r.id) throw new Error(`Teams ${what}: the connector returned no message id`);
    return r.id;
  }

  private async update(ref: Reference, conversationId: string, activityId: string, activity: Partial<Activity>, what: string): Promise<void> {
    const body = { ...activity, id: activityId, channelId: 'msteams', from: ref.bot, conversation: { ...ref.conversation, id: conversationId } } as Partial<Activity>;
    await this.d.gate.run(conversationId, what, () => this.withConnector(ref, (c) => c.updateActivity(conversationId, activityId, body)));
  }

  /**
   * An authenticated connector client for the reference's service URL, from a proactive turn.
   * Errors are carried out of the turn by hand: the adapter's `onTurnError` must not swallow them.
   */
  private async withConnector<T>(ref: Reference, fn: (c: Conversations) => Promise<T>): Promise<T> {
    let result: { value: T } | undefined;
    let failure: { error: unknown } | undefined;
    await this.d.cloud.continueConversationAsync(this.d.botAppId, ref, async (tc: TurnContext) => {
      try {
        const client = tc.turnState.get(tc.adapter.ConnectorClientKey) as { conversations: Conversations } | undefined;
        if (!client) throw new Error('no Bot Connector client in the proactive turn');
        result = { value: await fn(client.conversations) };
      } catch (e) {
        failure = { error: e };
      }
    });
    if (failure) throw failure.error;
    if (!result) throw new Error('the proactive turn did not run');
    return result.value;
  }

  private assertRunning() {
    if (!this.running) throw new Error('the Teams adapter is not running');
  }
}
