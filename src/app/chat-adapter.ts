import type { CardView } from '../domain/card.ts';
import type { DigestModel } from '../domain/digest.ts';
import type { StaffMember } from '../domain/roster.ts';

/**
 * Thrown by an adapter when the platform asked it to slow down (HTTP 429 and its Retry-After).
 * The worker then pauses only that channel's lane for that long; other channels go on.
 */
export class RateLimitedError extends Error {
  /** Says how long to wait and what was deferred, never what was sent. */
  readonly loggableMessage = true;
  constructor(readonly retryAfterMs: number, message = `rate limited; retry after ${retryAfterMs} ms`) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

/**
 * Who a notice pages. Staff only: a mention never carries patient data. `queue` names the queue
 * whose paging group is mentioned — its `slackUserGroup` in Slack, its `teamsTag` in Teams —
 * and when the queue has none for that platform, `fallback` (its lead) is mentioned by name.
 * `people` are mentioned in any case (e.g. the owner of an overdue item).
 */
export interface Mention {
  queue: string | null;
  fallback: StaffMember[];
  people: StaffMember[];
}

/** How a thread line is delivered. */
export interface NoticeOptions {
  /**
   * Shown in the channel as well as in the card's thread: Slack `reply_broadcast`; Teams a
   * channel post (Teams has no broadcast reply). Reminders and STAT repeats are; the audit-style
   * lines ("Claimed by …") are not.
   */
  broadcast?: boolean;
  mention?: Mention;
}

/** Where a card lives on a platform, for in-place updates and thread replies. */
export interface PostedRef {
  channel: string;
  messageId: string;
}

/**
 * The port every chat platform implements (Slack, Teams, the browser sandbox). Adapters render
 * the platform-neutral card and move payloads; every decision stays in the use cases.
 */
export interface ChatAdapter {
  readonly platform: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  connected(): boolean;
  /** Posts a new card in the item's queue channel; a red-flag card pages `mention` with it. */
  postCard(card: CardView, opts?: { mention?: Mention }): Promise<PostedRef>;
  /**
   * Looks for a card this adapter already posted for the item (e.g. Slack message metadata in
   * the channel's recent history). Called before re-posting after a failed attempt whose outcome
   * is unknown (a timeout), so a retry never shows a second card. Optional: adapters that get
   * the platform's id back atomically don't need it.
   */
  findCard?(card: CardView): Promise<PostedRef | null>;
  /**
   * Replaces the card's content everywhere it is shown (always the full card). `direct` is the
   * same card drawn for its assignee — with the staff free text — for the copies an adapter keeps
   * in DMs or the physician pool; the channel card itself always gets `card`.
   */
  updateCard(ref: PostedRef, card: CardView, direct?: CardView): Promise<void>;
  /** A short line in the card's thread ("Claimed by …"); with `broadcast` / `mention` a notice that reaches people (reminders). */
  postThreadNote(ref: PostedRef, text: string, opts?: NoticeOptions): Promise<void>;
  /**
   * A direct message to one person, or to the physician pool when `to` is null. `card` is drawn
   * for that addressee. `notice` names the DM in the platform's notification line ("Assigned to
   * you"); `text` may quote staff free text, so it never goes there.
   */
  sendDirect(to: StaffMember | null, card: CardView, text: string, opts?: { notice?: string | undefined }): Promise<void>;
  /** A manager's daily digest, rendered from the one digest model; `text` is the plain-text version. */
  sendDigest(to: StaffMember, digest: DigestModel, text: string): Promise<void>;
}
