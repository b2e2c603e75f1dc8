import type { OutboxRow } from './ports.ts';

/**
 * Which rate-limit bucket (lane) an outbox row is sent through, and how fast each lane may go.
 * A lane is one platform bucket: rows that share a platform limit share a lane, so pacing and
 * a 429's Retry-After pause exactly the calls the platform limited, and nothing else.
 *
 * - Slack (PLATFORMS.md §3): new cards and thread notes are `chat.postMessage` into the
 *   queue's channel, limited to about one per second per channel: they share the channel's
 *   lane. `chat.update` is Tier 3, limited per method per workspace (50+/min, short bursts
 *   allowed), not by the channel: card updates have one lane per workspace.
 * - Teams (PLATFORMS.md §8): sending and updating both count against the per-conversation
 *   limit (7/1 s, 60/30 s per bot per thread): card updates stay in the conversation's lane.
 * - DMs and digests: one lane per person (`dm:<key>`) or the pool (`pool`).
 */

/** Minimum gap between two posts into one channel, per platform (Slack ~1/s per channel; Teams 60 per 30 s per conversation). */
export const DEFAULT_PACE_MS: Record<string, number> = { slack: 1_000, teams: 500, sandbox: 0 };

/**
 * A lane's rate: one call per `everyMs` on average, with up to `burst` calls at once after a
 * quiet spell (a token bucket). Posts into a channel: `burst` 1, i.e. a fixed gap.
 */
export interface Pace {
  everyMs: number;
  burst: number;
}

/**
 * Slack chat.update is Tier 3: 50+ calls per minute per workspace, short bursts tolerated. A
 * burst of 20 and one call per 2 s after it never makes more than 20 + 30 = 50 calls in any
 * minute, and twenty people clicking within a few seconds all see their cards change at once.
 */
export const UPDATE_PACE: Record<string, Pace> = { slack: { everyMs: 2_000, burst: 20 } };

/** Platforms whose card updates are limited per workspace rather than per channel. */
const UPDATES_PER_WORKSPACE = new Set(Object.keys(UPDATE_PACE));

export const isUpdateLane = (lane: string) => lane.endsWith(':card.update');

export function laneOf(row: OutboxRow): string {
  if (row.kind === 'card.update' && UPDATES_PER_WORKSPACE.has(row.platform)) return `${row.platform}:card.update`;
  return `${row.platform}:${String(row.payload.lane ?? row.itemId ?? 'misc')}`;
}

/**
 * Rows that go ahead of new posts in their lane: a change to a card people are already looking
 * at (or a note in its thread) matters more than one more new card in a long burst.
 */
export const jumpsPosts = (row: OutboxRow) => row.kind === 'card.update' || row.kind === 'thread.note';

/** The pace of a lane. `paceMs` overrides the post pace per platform; 0 turns pacing off for that platform (tests). */
export function paceOf(lane: string, platform: string, paceMs: Partial<Record<string, number>> = {}): Pace {
  const post = paceMs[platform] ?? DEFAULT_PACE_MS[platform] ?? 0;
  if (isUpdateLane(lane)) return post === 0 ? { everyMs: 0, burst: 1 } : (UPDATE_PACE[platform] ?? { everyMs: post, burst: 1 });
  return { everyMs: post, burst: 1 };
}

/** The earliest time a lane may make its next call (GCRA form of the token bucket, plus Retry-After). */
export class LaneGate {
  /** Theoretical arrival time: when the bucket would be full again. */
  private tat = 0;
  constructor(private readonly pace: Pace) {}

  waitMs(now: number): number {
    return Math.max(0, this.tat - (this.pace.burst - 1) * this.pace.everyMs - now);
  }

  sent(now: number): void {
    this.tat = Math.max(this.tat, now) + this.pace.everyMs;
  }

  /** The platform said to wait: no call in this lane before `now + ms`, then the normal pace. */
  pausedFor(ms: number, now: number): void {
    this.tat = Math.max(this.tat, now + ms + (this.pace.burst - 1) * this.pace.everyMs);
  }
}
