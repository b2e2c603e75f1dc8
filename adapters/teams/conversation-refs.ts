import type { Activity, ChannelAccount, ConversationReference } from 'botbuilder';
import type { Clock, Store } from '../../src/app/ports.ts';
import type { Roster } from '../../src/domain/roster.ts';

/**
 * Where Baton can reach people and channels in Teams, kept in the Store's conversation-reference
 * table so proactive posts survive restarts (PLATFORMS.md §6.4):
 * - `teams:channel:<channelId>` — a channel, for new cards (captured from any activity in it);
 * - `teams:user:<aadObjectId>`  — a person's 1:1 chat with Baton, for physician DMs;
 * - `teams:member:<aadObjectId>` — a roster member's Teams user id (`29:…`), to open that chat;
 * - `teams:service`             — the tenant's connector endpoint and the bot's account;
 * - `teams:copies:<itemId>`     — DM / pool copies of an item's card, refreshed with the channel card.
 */
export const refKeys = {
  channel: (channelId: string) => `teams:channel:${channelId}`,
  user: (aadObjectId: string) => `teams:user:${aadObjectId.toLowerCase()}`,
  member: (aadObjectId: string) => `teams:member:${aadObjectId.toLowerCase()}`,
  service: 'teams:service',
  copies: (itemId: string) => `teams:copies:${itemId}`,
};

export type Reference = Partial<ConversationReference> & { serviceUrl: string; conversation: ConversationReference['conversation'] };
export interface ServiceRef { serviceUrl: string; tenantId: string | undefined; bot: ChannelAccount }
export interface MemberRef { id: string; aadObjectId: string }
/** A copy of an item's card outside its queue channel (a physician's DM, the physician pool). */
export interface CardCopy {
  reference: Reference;
  activityId: string;
  /** The line the copy was sent with ("Escalated to you: …"), kept when the copy is refreshed. */
  intro?: string | undefined;
  /** Which message this copy is (`copyKey`): a retried send finds it and sends nothing. Older copies have none. */
  key?: string | undefined;
}

/** A DM or pool post is one per item version and recipient (the outbox's `dm` rows are keyed the same way). */
export const copyKey = (version: number, recipientKey: string | null) => `v${version}:${recipientKey ?? 'pool'}`;

const MAX_COPIES = 20;
/** Member ids are read for every card drawn (its refresh list) and change rarely: remembered this long. */
const MEMBER_MEMORY_MS = 5 * 60_000;
const baseConversationId = (id: string) => id.split(';')[0]!;
export const tenantOf = (a: Partial<Activity>): string | undefined =>
  a.conversation?.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;

export class ConversationRefs {
  /** Last value written per key, so an activity only costs a write when something changed. */
  private readonly written = new Map<string, string>();
  /** Member look-ups, found or not, by key; a write here updates it at once, other instances' after a while. */
  private readonly members = new Map<string, { at: number; ref: MemberRef | null }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** The roster as of now (a config reload may add people). */
    private readonly roster: () => Roster,
    /** When set, activities from other tenants never change where Baton posts. */
    private readonly tenantId: string | undefined,
  ) {}

  /** Stores what an inbound activity tells about where Baton can post. Returns the keys written. */
  async capture(a: Partial<Activity>): Promise<string[]> {
    if (!a.serviceUrl || !a.conversation?.id || !a.recipient) return [];
    const tenantId = tenantOf(a);
    if (this.tenantId && tenantId && tenantId.toLowerCase() !== this.tenantId.toLowerCase()) return [];
    const bot = { id: a.recipient.id, name: a.recipient.name };
    const entries: Array<[string, Record<string, unknown>]> = [[refKeys.service, { serviceUrl: a.serviceUrl, tenantId, bot }]];
    const kind = a.conversation.conversationType;
    if (kind === 'channel') {
      // A new channel's events arrive in the team's General channel; channelData names the channel.
      const channelId = (a.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? baseConversationId(a.conversation.id);
      entries.push([refKeys.channel(channelId), this.channelRef(channelId, { serviceUrl: a.serviceUrl, tenantId, bot })]);
    }
    const aad = a.from?.aadObjectId;
    if (aad && a.from) {
      if (kind === 'personal') {
        entries.push([refKeys.user(aad), {
          channelId: 'msteams', serviceUrl: a.serviceUrl, bot,
          user: { id: a.from.id, aadObjectId: aad },
          conversation: { id: a.conversation.id, conversationType: 'personal', isGroup: false, tenantId },
        }]);
      }
      if (this.roster().byTeamsId(aad)) entries.push([refKeys.member(aad), { id: a.from.id, aadObjectId: aad }]);
    }
    return this.write(entries);
  }

  /** Remembers the Teams user ids of roster members (from a team's member list at install). */
  async captureMembers(members: ReadonlyArray<{ id: string; aadObjectId?: string | undefined }>): Promise<string[]> {
    const entries: Array<[string, Record<string, unknown>]> = [];
    for (const m of members) {
      if (m.aadObjectId && this.roster().byTeamsId(m.aadObjectId)) entries.push([refKeys.member(m.aadObjectId), { id: m.id, aadObjectId: m.aadObjectId }]);
    }
    return this.write(entries);
  }

  async service(): Promise<ServiceRef | null> {
    return (await this.store.findConversationRef(refKeys.service)) as ServiceRef | null;
  }

  /**
   * A channel's reference: captured from activity in it, else built from the tenant's connector
   * endpoint. A channel id is a conversation id in Teams; posting needs Baton installed in its team.
   */
  async channel(channelId: string): Promise<Reference | null> {
    const stored = await this.store.findConversationRef(refKeys.channel(channelId));
    if (stored) return stored as Reference;
    const service = await this.service();
    return service ? (this.channelRef(channelId, service) as Reference) : null;
  }

  async user(aadObjectId: string): Promise<Reference | null> {
    return (await this.store.findConversationRef(refKeys.user(aadObjectId))) as Reference | null;
  }

  async member(aadObjectId: string): Promise<MemberRef | null> {
    const key = refKeys.member(aadObjectId);
    const now = this.clock.now().getTime();
    const hit = this.members.get(key);
    if (hit && now - hit.at < MEMBER_MEMORY_MS) return hit.ref;
    const ref = (await this.store.findConversationRef(key)) as MemberRef | null;
    this.members.set(key, { at: now, ref });
    return ref;
  }

  async saveUser(aadObjectId: string, ref: Reference): Promise<void> {
    await this.write([[refKeys.user(aadObjectId), ref as Record<string, unknown>]]);
  }

  async copies(itemId: string): Promise<CardCopy[]> {
    const r = (await this.store.findConversationRef(refKeys.copies(itemId))) as { copies?: CardCopy[] } | null;
    return r?.copies ?? [];
  }

  async addCopy(itemId: string, copy: CardCopy): Promise<void> {
    const copies = [...(await this.copies(itemId)), copy].slice(-MAX_COPIES);
    await this.store.saveConversationRef(refKeys.copies(itemId), 'teams', { copies }, this.clock.now());
  }

  private channelRef(channelId: string, s: ServiceRef): Record<string, unknown> {
    // No activityId and no user: a channel reference addresses the channel, not a message or a person.
    return { channelId: 'msteams', serviceUrl: s.serviceUrl, bot: s.bot, conversation: { id: channelId, conversationType: 'channel', isGroup: true, tenantId: s.tenantId } };
  }

  private async write(entries: Array<[string, Record<string, unknown>]>): Promise<string[]> {
    const changed: string[] = [];
    for (const [key, value] of entries) {
      const json = JSON.stringify(value);
      if (this.written.get(key) === json) continue;
      await this.store.saveConversationRef(key, 'teams', JSON.parse(json) as Record<string, unknown>, this.clock.now());
      this.written.set(key, json);
      if (key.startsWith('teams:member:')) this.members.set(key, { at: this.clock.now().getTime(), ref: JSON.parse(json) as MemberRef });
      changed.push(key);
    }
    return changed;
  }
}
