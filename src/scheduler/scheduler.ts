import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { AppContext } from '../app/context.ts';
import { sendDigests, type DigestSettings } from '../app/digest.ts';
import { startDueAwayPeriods } from '../app/away-start.ts';
import { sweep } from '../app/sweep.ts';
import type { Logger } from '../observability/logger.ts';

export interface SchedulerOptions {
  /** Cron expression for the tick (default every minute). */
  cronExpression?: string;
  digest: DigestSettings;
  /** Purge message text older than this many days (config `retention.messageBodyDays`). */
  retentionDays?: number | undefined;
  logger: Logger;
  /** Called after each tick that did something, e.g. to wake the outbox worker. */
  onWork?: () => void;
}

const LEASE = 'scheduler';

/**
 * node-cron wiring only: each tick, the instance holding the database lease starts the away
 * periods whose time has come, runs one SLA sweep and queues the digests that are due. The lease outlives a tick, so exactly one instance leads
 * while it is alive; if it dies, another takes over when the lease expires.
 */
export class Scheduler {
  readonly holder = `baton-${process.pid}-${randomUUID().slice(0, 8)}`;
  private task: ScheduledTask | null = null;
  private running: Promise<void> | null = null;
  leader = false;
  private lastPurge = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: SchedulerOptions,
  ) {}

  start(): void {
    this.task = cron.schedule(this.opts.cronExpression ?? '* * * * *', () => {
      void this.tick();
    }, { noOverlap: true, name: 'baton-scheduler' });
    void this.tick(); // catch up at start instead of waiting a minute
  }

  /** One tick, guarded by the lease. Exposed for tests. */
  async tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      const now = this.ctx.clock.now();
      try {
        this.leader = await this.ctx.store.tryLease(LEASE, this.holder, now, 90_000);
        if (!this.leader) return;
        // Away periods first: items of someone whose leave began are handed over before reminders are planned.
        const awayStarted = await startDueAwayPeriods(this.ctx, now);
        const swept = await sweep(this.ctx, now);
        const digests = await sendDigests(this.ctx, this.opts.digest, now);
        // Retention is coarse (days), so once an hour is plenty: the purge scans old messages.
        if (this.opts.retentionDays && now.getTime() - this.lastPurge >= 3_600_000) {
          this.lastPurge = now.getTime();
          const purged = await this.ctx.store.purgeMessageText(new Date(now.getTime() - this.opts.retentionDays * 86_400_000), now);
          if (purged) this.opts.logger.info({ purged }, 'retention: message text purged');
        }
        if (swept.due || digests.queued || awayStarted) {
          this.opts.logger.info({ swept, digests: digests.managers.length, awayStarted }, 'scheduler tick');
          this.opts.onWork?.();
        }
      } catch (e) {
        this.opts.logger.error({ err: e }, 'scheduler tick failed; will retry next tick');
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
    await this.running;
    if (this.leader) await this.ctx.store.releaseLease(LEASE, this.holder).catch(() => {});
  }
}
