import { RateLimitedError, type ChatAdapter, type Mention, type NoticeOptions, type PostedRef } from '../../src/app/chat-adapter.ts';
import type { CardView } from '../../src/domain/card.ts';
import type { DigestModel } from '../../src/domain/digest.ts';
import type { StaffMember } from '../../src/domain/roster.ts';

export interface Faults {
  /** Share of calls that fail, 0..1, split evenly over 500s, 429s and timeouts. */
  failureRate?: number;
  /** Calls allowed per channel per second; faster calls get a 429 with Retry-After. */
  perChannelPerSecond?: number;
  random?: () => number;
}

/**
 * An in-process chat platform for delivery tests: records every call, and can fail like a
 * real one — 500s, 429 with Retry-After, and timeouts whose outcome is unknown (the card was
 * posted but the caller never heard back).
 */
export class FakeChat implements ChatAdapter {
  readonly platform: string;
  posts: Array<{ itemId: string; channel: string; ts: string; at: number; mention?: Mention | undefined }> = [];
  updates: Array<{ ref: PostedRef; version: number }> = [];
  notes: Array<{ ref: PostedRef; text: string; opts?: NoticeOptions | undefined }> = [];
  directs: Array<{ to: string | null; itemId: string; text: string }> = [];
  digests: Array<{ to: string; text: string }> = [];
  calls = 0;
  private lastCall = new Map<string, number>();

  constructor(platform = 'sandbox', private readonly faults: Faults = {}) {
    this.platform = platform;
  }

  async start() {}
  async stop() {}
  connected() {
    return true;
  }

  private gate(channel: string): 'ok' | 'after' {
    this.calls++;
    const limit = this.faults.perChannelPerSecond;
    if (limit) {
      const now = Date.now();
      const last = this.lastCall.get(channel) ?? 0;
      // A small tolerance for timer jitter; the floor is what the limit allows.
      if (now - last < 1000 / limit - 5) throw new RateLimitedError(Math.ceil(1000 / limit - (now - last)));
      this.lastCall.set(channel, now);
    }
    const r = (this.faults.random ?? Math.random)();
    const rate = this.faults.failureRate ?? 0;
    if (r < rate / 3) throw new Error('HTTP 500 from the platform');
    if (r < (2 * rate) / 3) throw new RateLimitedError(20);
    if (r < rate) return 'after'; // do it, then time out
    return 'ok';
  }

  async postCard(card: CardView, opts?: { mention?: Mention }): Promise<PostedRef> {
    const channel = `queue:${card.queue.key}`;
    const outcome = this.gate(channel);
    const ref = { channel, messageId: `${this.posts.length + 1}.0001` };
    this.posts.push({ itemId: card.itemId, channel, ts: ref.messageId, at: Date.now(), mention: opts?.mention });
    if (outcome === 'after') throw new Error('timeout: no answer from the platform');
    return ref;
  }

  async findCard(card: CardView): Promise<PostedRef | null> {
    const p = this.posts.find((x) => x.itemId === card.itemId);
    return p ? { channel: p.channel, messageId: p.ts } : null;
  }

  async updateCard(ref: PostedRef, card: CardView) {
    const outcome = this.gate(ref.channel);
    this.updates.push({ ref, version: card.version });
    if (outcome === 'after') throw new Error('timeout');
  }

  async postThreadNote(ref: PostedRef, text: string, opts?: NoticeOptions) {
    this.gate(ref.channel);
    this.notes.push({ ref, text, opts });
  }

  async sendDirect(to: StaffMember | null, card: CardView, text: string) {
    this.gate(`dm:${to?.key ?? 'pool'}`);
    this.directs.push({ to: to?.key ?? null, itemId: card.itemId, text });
  }

  async sendDigest(to: StaffMember, _digest: DigestModel, text: string) {
    this.gate(`dm:${to.key}`);
    this.digests.push({ to: to.key, text });
  }
}
