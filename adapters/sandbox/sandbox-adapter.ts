import type { ChatAdapter, PostedRef } from '../../src/app/chat-adapter.ts';
import type { Store } from '../../src/app/ports.ts';
import type { CardView } from '../../src/domain/card.ts';
import type { DigestModel } from '../../src/domain/digest.ts';
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
    private readonly store: Pick<Store, 'findItem'>,
  ) {}

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

  async postCard(card: CardView): Promise<PostedRef> {
    this.hub.itemChanged(card.itemId);
    return { channel: queueChannel(card.queue.key), messageId: card.itemId };
  }

  async updateCard(_ref: PostedRef, card: CardView): Promise<void> {
    this.hub.itemChanged(card.itemId);
  }

  async postThreadNote(ref: PostedRef, text: string): Promise<void> {
    // The note goes to whoever can see the item now, which depends on its current state.
    const item = await this.store.findItem(ref.messageId);
    if (item) this.hub.note(item, text);
  }

  async sendDirect(to: StaffMember | null, card: CardView, text: string): Promise<void> {
    this.hub.direct(to?.key ?? null, card.itemId, text);
  }

  async sendDigest(to: StaffMember, _digest: DigestModel, _text: string): Promise<void> {
    this.hub.digest(to.key);
  }
}
