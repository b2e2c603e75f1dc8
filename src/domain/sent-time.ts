/**
 * How far a sender's clock may run ahead of Baton's before its `sentAt` is called "in the
 * future": ordinary clock skew between an EHR interface engine and this server. The same
 * five minutes the request signatures allow (README "Signatures").
 */
export const SENT_AT_SKEW_MS = 5 * 60_000;

/**
 * The instant a message's age is counted from: when it was sent, but never after Baton received
 * it. A sender's clock running ahead must not make a message look younger than it is (an "Age
 * 0m" card that has waited an hour). The message itself is never refused for it: an acknowledged
 * message must not be lost.
 */
export function countedSentAt(sentAt: Date, receivedAt: Date): Date {
  return sentAt.getTime() > receivedAt.getTime() ? receivedAt : sentAt;
}

/** A `sentAt` further ahead of the receive time than clock skew explains: cards and View message say so. */
export function sentInFuture(sentAt: Date, receivedAt: Date): boolean {
  return sentAt.getTime() - receivedAt.getTime() > SENT_AT_SKEW_MS;
}

/** What cards and View message say about such a message. */
export const SENT_IN_FUTURE_NOTE = 'sent time was in the future; using received time';
