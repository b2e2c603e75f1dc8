import type { StaffNote } from '../../src/app/team-notes.ts';
import type { ViewedMessage } from '../../src/app/view-message.ts';
import { localTimeLabel } from '../../src/domain/business-time.ts';
import { timeLabel, type LineClock } from './time-label.ts';

/**
 * "View message" as the page shows it: each message with the time its age counts from (the
 * received time when the sender's clock ran ahead, saying so) and each note with its time, in
 * the organisation's zone. The page draws these strings; it computes no wording of its own.
 */
export function messageView(messages: ViewedMessage[], notes: StaffNote[], clock: LineClock) {
  return {
    messages: messages.map((m) => ({
      subject: m.subject,
      body: m.body,
      highlights: m.highlights,
      sentAt: m.sentAt.toISOString(),
      receivedAt: m.receivedAt.toISOString(),
      time: timeLabel(m.sentInFuture ? m.receivedAt : m.sentAt, clock.now, clock.zone),
      timeNote: m.sentInFuture ? `Sent time was in the future (${localTimeLabel(m.sentAt, clock.zone)}); using received time` : null,
    })),
    notes: notes.map((n) => ({ ...n, time: timeLabel(n.at, clock.now, clock.zone) })),
  };
}
