import type { ContextSource } from '../../src/app/context.ts';
import { RateLimitedError } from '../../src/app/chat-adapter.ts';
import type { CardView } from '../../src/domain/card.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { homeView } from './home.ts';
import { describeError, SlackTokenDead, type SlackApi } from './web.ts';

/**
 * Keeps open App Home tabs current. Slack shows a Home tab as last published (`views.publish`),
 * so a Home opened in the morning would show the morning's items all day. Baton remembers who
 * has opened their Home (per workspace user, in the store's conversation references under
 * `slack:home:<team>:<user>`, so it survives restarts and is seen by every instance) and
 * republishes a person's Home when an item that concerns them changes: an item of a queue they
 * work, theirs, the physician pool's (physicians), or one their Home showed.
 *
 * `views.publish` is Tier 4 (about 100 per minute per workspace, ../shared/PLATFORMS.md §3), so
 * publishing is debounced per person: a burst of changes publishes each Home once after
 * `settleMs`, and never twice within `minGapMs`. A 429 waits out its Retry-After.
 */

export interface HomePublisherOptions {
  /** Least time between two publishes of one person's Home (default 5 s). */
  minGapMs?: number;
  /** Wait after a change before publishing, so a burst is one publish (default 500 ms). */
  settleMs?: number;
  /** How long "has not opened Home" is believed before the store is asked again (default 5 min). */
  notOpenedTtlMs?: number;
}

export const homeKey = (team: string, user: string) => `slack:home:${team}:${user}`;

export class HomePublisher {
  private readonly opened = new Set<string>();
  private readonly notOpened = new Map<string, number>();
  private readonly shown = new Map<string, Set<string>>();
  private readonly last = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private stopped = false;

  constructor(
    private readonly ctx: ContextSource,
    private readonly api: SlackApi,
    private readonly logger: Logger,
    /** The workspace (auth.test `team_id`); null before the token was checked. */
    private readonly team: () => string | null,
    private readonly opts: HomePublisherOptions = {},
  ) {}

  /** `app_home_opened`: remember the person and publish their Home at once. */
  async homeOpened(user: string): Promise<void> {
    const team = this.team();
    if (team && !this.opened.has(user)) {
      const { store, clock } = this.ctx();
      await store.saveConversationRef(homeKey(team, user), 'slack', { team, user, openedAt: clock.now().toISOString() }, clock.now());
    }
    this.opened.add(user);
    this.notOpened.delete(user);
    this.cancel(user);
    await this.run(user);
  }

  /** The person clicked on their Home: redraw it soon (their click changed it, or told them it was out of date). */
  touched(user: string): void {
    if (this.opened.has(user)) this.schedule(user);
  }

  /** An item's card was posted or updated: republish the open Homes it concerns. Never throws. */
  changed(card: CardView): void {
    void this.affected(card)
      .then((users) => users.forEach((u) => this.schedule(u)))
      .catch((e) => this.logger.warn({ slack: { error: describeError(e) } }, 'could not work out which App Home tabs to refresh'));
  }

  start(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private async affected(card: CardView): Promise<string[]> {
    const out: string[] = [];
    const { roster } = this.ctx();
    for (const s of roster.staff) {
      const u = s.slackUserId;
      if (!u || !s.active) continue;
      const concerns =
        card.owner?.key === s.key ||
        this.shown.get(u)?.has(card.itemId) ||
        (s.physician && card.state === 'ESCALATED') ||
        roster.queuesOf(s.key).some((q) => q.key === card.queue.key);
      if (concerns && (await this.hasOpened(u))) out.push(u);
    }
    return out;
  }

  private async hasOpened(user: string): Promise<boolean> {
    if (this.opened.has(user)) return true;
    const team = this.team();
    const checked = this.notOpened.get(user);
    if (!team || (checked !== undefined && Date.now() - checked < (this.opts.notOpenedTtlMs ?? 5 * 60_000))) return false;
    const ref = await this.ctx().store.findConversationRef(homeKey(team, user));
    if (ref) this.opened.add(user);
    else this.notOpened.set(user, Date.now());
    return ref !== null;
  }

  private cancel(user: string) {
    const t = this.timers.get(user);
    if (t) clearTimeout(t);
    this.timers.delete(user);
  }

  private schedule(user: string, atLeastMs = 0) {
    if (this.stopped || this.timers.has(user)) return; // a publish is due: it renders the newest state
    if (this.running.has(user)) {
      this.again.add(user);
      return;
    }
    const now = Date.now();
    const at = Math.max(now + Math.max(this.opts.settleMs ?? 500, atLeastMs), (this.last.get(user) ?? 0) + (this.opts.minGapMs ?? 5_000));
    const t = setTimeout(() => {
      this.timers.delete(user);
      void this.run(user);
    }, at - now);
    t.unref();
    this.timers.set(user, t);
  }

  private async run(user: string) {
    this.running.add(user);
    let retryIn = 0;
    try {
      const { view, items } = await homeView(this.ctx(), user);
      await this.api.call('views.publish', { user_id: user, view }, { idempotent: true });
      this.shown.set(user, new Set(items));
    } catch (e) {
      if (e instanceof RateLimitedError) retryIn = e.retryAfterMs;
      else if (!(e instanceof SlackTokenDead)) this.logger.warn({ slack: { method: 'views.publish', error: describeError(e) } }, 'could not publish an App Home tab');
    } finally {
      this.last.set(user, Date.now());
      this.running.delete(user);
      if (retryIn || this.again.delete(user)) this.schedule(user, retryIn);
    }
  }
}
