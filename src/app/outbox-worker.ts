import type { AppContext } from './context.ts';
import type { ChatAdapter } from './chat-adapter.ts';
import { deliverOne, type DeliveryResult } from './deliver-outbox.ts';

export interface OutboxWorkerOptions {
  pollMs?: number;
  batch?: number;
  /** How long a taken row stays reserved for this worker before another may retry it. */
  leaseMs?: number;
  onResult?: (platform: string, kind: string, result: DeliveryResult) => void;
  onError?: (e: unknown) => void;
}

/** Polls the outbox and delivers due rows; `kick()` wakes it at once after a local change. */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

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
      const rows = await this.ctx.store.takeOutbox(this.ctx.clock.now(), this.opts.batch ?? 20, this.opts.leaseMs ?? 60_000);
      if (!rows.length) return handled;
      for (const row of rows) {
        const result = await deliverOne(this.ctx, this.adapters, row);
        this.opts.onResult?.(row.platform, row.kind, result);
        handled++;
      }
      if (this.stopped && this.timer === null && this.running) return handled;
    }
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
