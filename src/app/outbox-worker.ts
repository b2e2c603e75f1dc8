import type { ContextSource } from './context.ts';
import type { ChatAdapter } from './chat-adapter.ts';
import { deliverOne, type DeliveryResult } from './deliver-outbox.ts';
import { jumpsPosts, LaneGate, laneOf, paceOf } from './outbox-lanes.ts';
import type { OutboxRow } from './ports.ts';

export interface OutboxWorkerOptions {
  pollMs?: number;
  /** Most rows of each kind (new posts and DMs; card updates and thread notes) held at once. */
  batch?: number;
  /** How long a taken row stays reserved for this worker before another may retry it. */
  leaseMs?: number;
  /** No row is started later than this before its lease ends (room for the call itself). Default: min(10 s, lease / 5); adapters time a call out after 10 s. */
  leaseMarginMs?: number;
  /** Minimum gap between two posts into one channel, per platform (Slack: ~1 message/s per channel); 0 turns pacing off. */
  paceMs?: Partial<Record<string, number>>;
  onResult?: (platform: string, kind: string, result: DeliveryResult) => void;
  onError?: (e: unknown) => void;
}

/** A row in this worker's hands: its lane and when its lease ends (by the context's clock). */
interface Held {
  row: OutboxRow;
  lane: string;
  leaseEnds: number;
}

interface Lane {
  queue: Held[];
  running: boolean;
  gate: LaneGate;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cardKey = (row: OutboxRow) => `${row.platform}:${row.itemId}`;

/**
 * Delivers due outbox rows. Each row goes into its lane (one platform rate-limit bucket, see
 * outbox-lanes.ts); a lane sends in order, paced, and lanes run side by side, so a channel
 * that is rate-limited or slow never blocks the others. Card updates and thread notes go ahead
 * of new posts in their lane, and the store hands them out first: a click shows on its card
 * while a burst of new cards is still being posted. Rows are taken while lanes run, but never
 * more than a lease's worth of the slowest pace, and a row whose lease would run out before it
 * can start is handed back instead: no row is sent after another worker could have taken it.
 * `kick()` wakes the worker after a change.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private stopping = false;
  private readonly lanes = new Map<string, Lane>();
  /** Rows held, by whether they jump new posts (updates, notes) or not (posts, DMs). */
  private readonly held = { first: 0, others: 0 };
  /** Card posts in hand, each with the updates and notes of its card that wait for it. */
  private readonly waitingForPost = new Map<string, Held[]>();
  /** The card update not yet started, per card: a newer one coalesces into it. */
  private readonly queuedUpdate = new Map<string, Held>();
  private handled = 0;
  private pokes = 0;
  /** The last take got every row it asked for: more may be due than this worker could hold. */
  private lastTakeFull = false;
  private lastTakeAt = 0;
  private wake: (() => void) | null = null;

  constructor(
    private readonly ctx: ContextSource,
    private readonly adapters: ReadonlyMap<string, ChatAdapter>,
    private readonly opts: OutboxWorkerOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.stopping = false;
    this.schedule(0);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) this.poke();
    else this.schedule(0);
  }

  private get leaseMs() {
    return this.opts.leaseMs ?? 60_000;
  }

  private get marginMs() {
    return this.opts.leaseMarginMs ?? Math.min(10_000, this.leaseMs / 5);
  }

  /** Rows of one kind held at once: as many as the slowest post pace sends within a lease. */
  private capacity(): number {
    const batch = this.opts.batch ?? 50;
    const slowest = Math.max(0, ...[...this.adapters.keys()].map((p) => paceOf(`${p}:`, p, this.opts.paceMs).everyMs));
    return slowest > 0 ? Math.max(1, Math.min(batch, Math.floor((this.leaseMs - this.marginMs) / slowest))) : batch;
  }

  /** Runs until nothing is due and every lane is idle; returns how many rows were handled. Also used by tests and the CLI. */
  async drain(): Promise<number> {
    const start = this.handled;
    for (;;) {
      const pokes = this.pokes;
      const took = this.stopping ? 0 : await this.take();
      if (!took && this.held.first + this.held.others === 0) return this.handled - start;
      // A row finished or a change came in while taking: look again at once.
      if (!took && pokes === this.pokes) await this.nap();
    }
  }

  private async take(): Promise<number> {
    const cap = this.capacity();
    const others = Math.max(0, cap - this.held.others);
    const first = Math.max(0, cap - this.held.first);
    if (!others && !first) {
      this.lastTakeFull = true; // at capacity: a freed place must look again
      return 0;
    }
    const now = this.ctx().clock.now().getTime();
    const rows = await this.ctx().store.takeOutbox(new Date(now), first + others, this.leaseMs, others);
    this.lastTakeFull = rows.length === first + others;
    this.lastTakeAt = Date.now();
    for (const row of rows) await this.accept({ row, lane: laneOf(row), leaseEnds: now + this.leaseMs });
    // Lanes start once the whole take is in place, so updates of one card in it coalesce.
    this.startLanes();
    return rows.length;
  }

  private async accept(h: Held): Promise<void> {
    const { row } = h;
    if (row.kind === 'card.update' && row.itemId) {
      // Card updates render the item's current state when sent, so one still queued for this
      // card will show this change too: this row is done without a platform call.
      if (this.queuedUpdate.has(cardKey(row))) {
        await this.ctx().store.completeOutbox(row.id, this.ctx().clock.now());
        this.handled++;
        this.opts.onResult?.(row.platform, row.kind, 'coalesced');
        return;
      }
      this.queuedUpdate.set(cardKey(row), h);
    }
    this.held[jumpsPosts(row) ? 'first' : 'others']++;
    if (row.kind === 'card.post' && row.itemId) this.waitingForPost.set(cardKey(row), []);
    // Per-card order: an update or note of a card whose post is in hand goes right after it lands.
    const waiting = row.itemId && jumpsPosts(row) ? this.waitingForPost.get(cardKey(row)) : undefined;
    if (waiting) waiting.push(h);
    else this.enqueue(h);
  }

  private enqueue(h: Held): void {
    let lane = this.lanes.get(h.lane);
    if (!lane) this.lanes.set(h.lane, (lane = { queue: [], running: false, gate: new LaneGate(paceOf(h.lane, h.row.platform, this.opts.paceMs)) }));
    const firstPost = jumpsPosts(h.row) ? lane.queue.findIndex((q) => !jumpsPosts(q.row)) : -1;
    if (firstPost >= 0) lane.queue.splice(firstPost, 0, h);
    else lane.queue.push(h);
  }

  private startLanes(): void {
    for (const lane of this.lanes.values()) if (!lane.running && lane.queue.length) void this.runLane(lane);
  }

  private async runLane(lane: Lane): Promise<void> {
    lane.running = true;
    try {
      for (let h = lane.queue.shift(); h; h = lane.queue.shift()) await this.deliver(lane, h);
    } catch (e) {
      this.opts.onError?.(e);
      for (const h of lane.queue.splice(0)) this.release(h);
    } finally {
      lane.running = false;
    }
  }

  private async deliver(lane: Lane, h: Held): Promise<void> {
    const { row } = h;
    try {
      const wait = lane.gate.waitMs(Date.now());
      const now = this.ctx().clock.now().getTime();
      if (this.stopping || wait > 5_000 || now + wait > h.leaseEnds - this.marginMs) {
        // Shutting down, paused for a while (Retry-After), or its lease would run out before it
        // could be sent: hand it back rather than send it when another worker may hold it.
        const why = this.stopping ? 'handed back at shutdown' : wait > 5_000 ? 'channel paused by the platform' : 'lease would end before its turn';
        await this.ctx().store.retryOutbox(row.id, why, new Date(now + wait));
        return;
      }
      if (wait > 0) await sleep(wait);
      // A newer update arriving from now on must be sent after this one, not folded into it.
      if (this.queuedUpdate.get(cardKey(row)) === h) this.queuedUpdate.delete(cardKey(row));
      const { result, retryAfterMs } = await deliverOne(this.ctx(), this.adapters, row);
      this.opts.onResult?.(row.platform, row.kind, result);
      this.handled++;
      if (result === 'rate_limited') lane.gate.pausedFor(retryAfterMs ?? 1_000, Date.now());
      else lane.gate.sent(Date.now());
    } finally {
      this.release(h);
    }
  }

  /** The row has left this worker's hands: free its place and let what waited for it go. */
  private release(h: Held): void {
    const { row } = h;
    this.held[jumpsPosts(row) ? 'first' : 'others']--;
    if (this.queuedUpdate.get(cardKey(row)) === h) this.queuedUpdate.delete(cardKey(row));
    if (row.kind === 'card.post') {
      const waiting = this.waitingForPost.get(cardKey(row)) ?? [];
      this.waitingForPost.delete(cardKey(row));
      for (const w of waiting) this.enqueue(w);
      this.startLanes();
    }
    // A freed place makes the worker look for more rows when its last take was cut short by its
    // capacity (more may be due), to let `drain` end once nothing is in hand, or once a poll
    // interval has passed since it last looked (a row another worker handed back may be due by
    // now). Not after every row: new rows come with a kick, and each look is a round trip (on
    // PGlite, one that queues behind clicks: 50 clicks at once made 214 takes for 100 rows).
    const stale = Date.now() - this.lastTakeAt >= (this.opts.pollMs ?? 500);
    if (this.lastTakeFull || stale || this.held.first + this.held.others === 0) this.poke();
  }

  private poke(): void {
    this.pokes++;
    this.wake?.();
  }

  private nap(): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, this.opts.pollMs ?? 500);
      const self = this;
      function done() {
        clearTimeout(t);
        if (self.wake === done) self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
    await this.running;
  }

  private schedule(ms: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.drain()
        .then(() => undefined)
        .catch((e) => this.opts.onError?.(e))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.schedule(this.opts.pollMs ?? 500);
        });
    }, ms);
  }
}
