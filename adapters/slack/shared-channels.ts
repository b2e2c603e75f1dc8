import type { Roster } from '../../src/domain/roster.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { platformError, type SlackApi } from './web.ts';

/**
 * Baton posts patient data (the patient token, escalation reasons in the pool) into its queue
 * channels and the physician pool channel. A Slack Connect channel is shared with another
 * organisation, whose members read everything in it, and Slack's BAA covers one organisation's
 * workspace (../shared/PLATFORMS.md §5). So before the first write into a channel, and again
 * once the cached answer is older than `ttlMs`, Baton asks `conversations.info` and refuses to
 * write into a channel that is shared externally:
 * - `is_ext_shared`: shared with another organisation (Slack Connect);
 * - `is_pending_ext_shared`: an invitation to share is pending; once accepted, the other
 *   organisation sees the channel's history too;
 * - `is_shared` without `is_org_shared`: shared beyond this Enterprise Grid organisation
 *   (`is_org_shared` alone is sharing between the organisation's own workspaces, which is fine).
 * Fields from ConversationsInfoResponse (@slack/web-api dist/types/response). The method needs
 * `channels:read` (public channels) and `groups:read` (private channels).
 */

/** Refused: the channel is shared with another organisation, or Baton could not find out. Names the queue and channel id only. */
export class SharedChannelRefused extends Error {
  readonly loggableMessage = true;
  constructor(readonly channel: string, readonly where: string, why: string) {
    super(`Slack channel ${channel} (${where}) ${why}: Baton does not post patient data there`);
    this.name = 'SharedChannelRefused';
  }
}

type Verdict = { at: number; refused: string | null };

/** What a channel is for, from the roster and the pool setting: "queue refills", "the physician pool". */
export function channelRoles(roster: Roster, poolChannel: string | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const q of roster.queues) if (q.slackChannel) m.set(q.slackChannel, [m.get(q.slackChannel), `queue ${q.key}`].filter(Boolean).join(', '));
  if (poolChannel) m.set(poolChannel, [m.get(poolChannel), 'the physician pool'].filter(Boolean).join(', '));
  return m;
}

export class ChannelGuard {
  private readonly verdicts = new Map<string, Verdict>();
  private readonly pending = new Map<string, Promise<Verdict>>();
  private readonly logged = new Map<string, string>();
  private api: SlackApi | null = null;

  constructor(
    private readonly roles: () => ReadonlyMap<string, string>,
    private readonly logger: Logger,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The client to ask with (set once the client exists: the client runs this guard before its own writes). */
  attach(api: SlackApi): void {
    this.api = api;
  }

  /** Channels refused as of their last check, with what they are for (for the start-up log). */
  refused(): Array<{ channel: string; where: string; why: string }> {
    return [...this.verdicts].filter(([, v]) => v.refused).map(([channel, v]) => ({ channel, where: this.where(channel), why: v.refused! }));
  }

  private where(channel: string): string {
    return this.roles().get(channel) ?? 'not a Baton queue channel';
  }

  /** Throws `SharedChannelRefused` for a channel shared with another organisation; resolves otherwise. */
  async check(channel: string): Promise<void> {
    const known = this.verdicts.get(channel);
    const v = known && this.now() - known.at < this.ttlMs ? known : await this.ask(channel);
    if (v.refused) throw new SharedChannelRefused(channel, this.where(channel), v.refused);
  }

  private ask(channel: string): Promise<Verdict> {
    const inFlight = this.pending.get(channel);
    if (inFlight) return inFlight;
    const p = this.lookup(channel).finally(() => this.pending.delete(channel));
    this.pending.set(channel, p);
    return p;
  }

  private async lookup(channel: string): Promise<Verdict> {
    if (!this.api) throw new Error('Slack channel check: no Web API client');
    let refused: string | null;
    try {
      const res = await this.api.call('conversations.info', { channel }, { idempotent: true });
      const c = (res.channel ?? {}) as { is_ext_shared?: boolean; is_pending_ext_shared?: boolean; is_shared?: boolean; is_org_shared?: boolean };
      refused = c.is_ext_shared
        ? 'is shared with another organisation (Slack Connect)'
        : c.is_pending_ext_shared
          ? 'has a pending invitation to share it with another organisation'
          : c.is_shared && !c.is_org_shared
            ? 'is shared outside this organisation'
            : null;
    } catch (e) {
      const code = platformError(e);
      if (!code) throw e; // rate limited or unreachable: the write is retried later, unchecked writes never happen
      // channel_not_found: a private channel the bot is not in (or a wrong id): the write itself fails and says so.
      if (code === 'channel_not_found') return { at: this.now() - this.ttlMs, refused: null };
      // Without channels:read / groups:read Baton cannot tell: it does not post rather than guess.
      refused = `could not be checked for sharing outside the organisation (conversations.info: ${code.slice(0, 40)}; grant channels:read and groups:read)`;
    }
    const v = { at: this.now(), refused };
    this.verdicts.set(channel, v);
    this.report(channel, refused);
    return v;
  }

  /** Logs once per channel and verdict: when it is refused, and when it is allowed again. */
  private report(channel: string, refused: string | null) {
    const before = this.logged.get(channel);
    if (refused && before !== refused) {
      this.logged.set(channel, refused);
      this.logger.error({ slack: { channel, for: this.where(channel) } }, `Slack channel ${channel} (${this.where(channel)}) ${refused}: Baton refuses to post there; use a channel of your own workspace`);
    } else if (!refused && before) {
      this.logged.delete(channel);
      this.logger.info({ slack: { channel } }, `Slack channel ${channel} is no longer shared outside the organisation: posting resumes`);
    }
  }
}
