import type { AppContext } from './context.ts';
import type { ChatAdapter } from './chat-adapter.ts';
import { deliverOne, type DeliveryResult } from './deliver-outbox.ts';
import type { OutboxRow } from './ports.ts';

export interface OutboxWorkerOptions {
  pollMs?: number;
  batch?: number;
  /** How long a taken row stays reserved for this worker before another may retry it. */
  leaseMs?: number;
  /** Minimum gap between two calls into one channel, per platform (Slack: ~1 message/s per channel). */
  paceMs?: Partial<Record<string, number>>;
  onResult?: (platform: string, kind: string, result: DeliveryResult) => void;
  onError?: (e: unknown) => void;
}

/** Slack allows about one message per second per channel; Teams 60 per 30 s per conversation (PLATFORMS.md §3, §8). */
export const DEFAULT_PACE_MS: Record<string, number> = { slack: 1_000, teams: 500, sandbox: 0 };

const laneOf = (row: OutboxRow) => `${row.platform}:${String(row.payload.lane ?? row.itemId ?? 'misc')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Delivers due outbox rows. Rows are grouped into lanes (one per platform channel or
 * conversation): a lane's rows go in order, paced; lanes run side by side, so a channel that
 * is rate-limited or slow never blocks the others. `kick()` wakes the worker after a change.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** Earliest time each lane may be called again (pacing and Retry-After). */
  private readonly gates = new Map<string, number>();

  constructor(
    private readonly ctx: AppContext,
    private readonly adapters: ReadonlyMap<string, ChatAdapter>,
    private readonly opts: OutboxWorkerOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  kick(): void {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  /** Runs until nothing is due; returns how many rows were handled. Also used by tests and the CLI. */
  async drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const rows = await this.ctx.store.takeOutbox(this.ctx.clock.now(), this.opts.batch ?? 50, this.opts.leaseMs ?? 60_000);
      if (!rows.length) return handled;
      const lanes = new Map<string, OutboxRow[]>();
      for (const row of rows) lanes.set(laneOf(row), [...(lanes.get(laneOf(row)) ?? []), row]);
      const counts = await Promise.all([...lanes].map(([lane, laneRows]) => this.runLane(lane, laneRows)));
      handled += counts.reduce((a, b) => a + b, 0);
      if (this.stopped) return handled;
    }
  }

  private async runLane(lane: string, rows: OutboxRow[]): Promise<number> {
    const pace = this.opts.paceMs?.[rows[0]!.platform] ?? DEFAULT_PACE_MS[rows[0]!.platform] ?? 0;
    let handled = 0;
    // Card updates render the item's current state, so of several queued for one card only the
    // last needs sending: the others are coalesced (marked done) without a platform call.
    const lastUpdate = new Map<string, bigint>();
    for (const row of rows) if (row.kind === 'card.update' && row.itemId) lastUpdate.set(row.itemId, row.id);
    for (const row of rows) {
      if (row.kind === 'card.update' && row.itemId && lastUpdate.get(row.itemId) !== row.id) {
        await this.ctx.store.completeOutbox(row.id, this.ctx.clock.now());
        this.opts.onResult?.(row.platform, row.kind, 'coalesced');
        handled++;
        continue;
      }
      const wait = (this.gates.get(lane) ?? 0) - Date.now();
      if (wait > 5_000) {
        // Paused for a while (Retry-After): hand the row back rather than hold the batch.
        await this.ctx.store.retryOutbox(row.id, 'channel paused by the platform', new Date(this.ctx.clock.now().getTime() + wait));
        continue;
      }
      if (wait > 0) await sleep(wait);
      const { result, retryAfterMs } = await deliverOne(this.ctx, this.adapters, row);
      this.opts.onResult?.(row.platform, row.kind, result);
      handled++;
      if (result === 'rate_limited') this.gates.set(lane, Date.now() + (retryAfterMs ?? 1_000));
      else if (pace) this.gates.set(lane, Date.now() + pace);
    }
    return handled;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
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
