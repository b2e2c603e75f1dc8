import { describe, expect, it } from 'vitest';
import { countedSentAt, sentInFuture } from '../../src/domain/sent-time.ts';

const RECEIVED = new Date('2026-12-01T15:00:00Z');
const at = (minutes: number) => new Date(RECEIVED.getTime() + minutes * 60_000);

describe('a sender’s sentAt against the time Baton received the message', () => {
  it.each([
    ['in the past: counted as sent', -90, -90, false],
    ['a little ahead (clock skew): counted from receipt, not called future', 4, 0, false],
    ['exactly five minutes ahead: still skew', 5, 0, false],
    ['more than five minutes ahead: counted from receipt and called future', 6, 0, true],
    ['days ahead', 3 * 24 * 60, 0, true],
  ])('%s', (_what, sentMinutes, countedMinutes, future) => {
    expect(countedSentAt(at(sentMinutes), RECEIVED)).toEqual(at(countedMinutes));
    expect(sentInFuture(at(sentMinutes), RECEIVED)).toBe(future);
  });
});
