import type { MentionSpec, NoticeSpec } from './notices.ts';
import type { OutboxMessage } from './ports.ts';

/**
 * Outbox rows for one change. Keys carry the item version, so the same change enqueued twice
 * (a retried request, two instances) collapses to one row per platform. `lane` names the
 * channel or conversation the call lands in: the worker paces each lane on its own, so one
 * rate-limited channel never holds up the others.
 */
export function cardPosts(platforms: readonly string[], itemId: string, queue: string, now: Date, mention?: MentionSpec): OutboxMessage[] {
  return platforms.map((platform) => ({
    dedupeKey: `card.post:${platform}:${itemId}`,
    kind: 'card.post',
    itemId,
    platform,
    payload: { lane: `queue:${queue}`, ...(mention ? { mention } : {}) },
    nextAttemptAt: now,
  }));
}

/**
 * A notice in the card's thread that reaches people: broadcast to the channel and/or paging the
 * queue's group (reminders, STAT repeats, a patient's follow-up on unclaimed work). `tag` keeps
 * two notices of one version apart (a reminder level and a follow-up never share a version, but
 * two levels fired by one sweep do).
 */
export function threadNotices(platforms: readonly string[], itemId: string, queue: string, version: number, tag: string, text: string, notice: NoticeSpec, now: Date): OutboxMessage[] {
  return platforms.map((platform) => ({
    dedupeKey: `notice:${platform}:${itemId}:v${version}:${tag}`,
    kind: 'thread.note',
    itemId,
    platform,
    payload: { lane: `queue:${queue}`, text, ...notice },
    nextAttemptAt: now,
  }));
}

export function cardUpdates(platforms: readonly string[], itemId: string, queue: string, version: number, now: Date, note?: string): OutboxMessage[] {
  const rows: OutboxMessage[] = [];
  for (const platform of platforms) {
    const lane = `queue:${queue}`;
    rows.push({ dedupeKey: `card.update:${platform}:${itemId}:v${version}`, kind: 'card.update', itemId, platform, payload: { lane }, nextAttemptAt: now });
    if (note) rows.push({ dedupeKey: `thread.note:${platform}:${itemId}:v${version}`, kind: 'thread.note', itemId, platform, payload: { lane, text: note }, nextAttemptAt: now });
  }
  return rows;
}

/**
 * A direct message to a staff member (physician escalations, reminders, auto-assignments), or to
 * the physician pool when `to` is null. `notice` names what the DM is in the platform's
 * notification line ("Assigned to you"), where `text` itself may not go: it can quote staff free text.
 */
export function directMessages(platforms: readonly string[], itemId: string, version: number, to: string | null, text: string, now: Date, notice?: string): OutboxMessage[] {
  return platforms.map((platform) => ({
    dedupeKey: `dm:${platform}:${itemId}:v${version}:${to ?? 'pool'}`,
    kind: 'dm',
    itemId,
    platform,
    payload: { to, text, lane: to ? `dm:${to}` : 'pool', ...(notice ? { notice } : {}) },
    nextAttemptAt: now,
  }));
}
