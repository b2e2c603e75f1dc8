import type { ChatAdapter, Mention, NoticeOptions, PostedRef } from '../../src/app/chat-adapter.ts';
import type { CardView } from '../../src/domain/card.ts';
import type { DigestModel } from '../../src/domain/digest.ts';
import type { ContextSource } from '../../src/app/context.ts';
import type { StaffMember } from '../../src/domain/roster.ts';
import type { EventHub } from './event-hub.ts';
import { queueChannel } from './visibility.ts';

/**
 * The browser sandbox as a chat platform. Nothing is stored here: pages read cards and threads
 * from the database, so a delivery only tells open pages what changed. That is why a restart
 * loses nothing, and why a post always "succeeds" even with no page open.
 */
export class SandboxAdapter implements ChatAdapter {
  readonly platform = 'sandbox';
  private running = false;

  constructor(
    private readonly hub: EventHub,
    private readonly ctx: ContextSource,
  ) {}

  /**
   * Who a mention reaches here. The sandbox has no user groups or tags: a queue's "group" is the
   * people who work it (members and lead), which is what a clinic's group usually holds.
   */
  private paged(m: Mention): Set<string> {
    const q = m.queue ? this.ctx().roster.queue(m.queue) : undefined;
    const group = q ? [...q.members, ...(q.lead ? [q.lead] : [])] : m.fallback.map((s) => s.key);
    return new Set([...group, ...m.people.map((s) => s.key)]);
  }

  async start(): Promise<void> {
    this.running = true;
  }

  /** Ends the open event streams: they would otherwise hold the HTTP server open at shutdown. */
  async stop(): Promise<void> {
    this.running = false;
    this.hub.closeAll();
  }

  connected(): boolean {
    return this.running;
  }

  async postCard(card: CardView, opts?: { mention?: Mention }): Promise<PostedRef> {
    this.hub.itemChanged(card.itemId);
    if (opts?.mention) this.hub.page(this.paged(opts.mention), card.itemId, card.fallbackText);
    return { channel: queueChannel(card.queue.key), messageId: card.itemId };
  }

  async updateCard(_ref: PostedRef, card: CardView): Promise<void> {
    this.hub.itemChanged(card.itemId);
  }

  async postThreadNote(ref: PostedRef, text: string, opts: NoticeOptions = {}): Promise<void> {
    // The note goes to whoever can see the item now, which depends on its current state.
    const item = await this.ctx().store.findItem(ref.messageId);
    if (item) this.hub.note(item, text);
    if (opts.mention) this.hub.page(this.paged(opts.mention), ref.messageId, text);
  }

  async sendDirect(to: StaffMember | null, card: CardView, text: string): Promise<void> {
    this.hub.direct(to?.key ?? null, card.itemId, text);
  }

  async sendDigest(to: StaffMember, _digest: DigestModel, _text: string): Promise<void> {
    this.hub.digest(to.key);
  }
}
