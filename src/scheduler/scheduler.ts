import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import { assignmentSweep } from '../app/auto-assign.ts';
import { startDueAwayPeriods } from '../app/away-start.ts';
import type { ContextSource } from '../app/context.ts';
import { sendDigests } from '../app/digest.ts';
import { sweep } from '../app/sweep.ts';
import type { Logger } from '../observability/logger.ts';

/** The config's `scheduler.cron` and `retention`, read at each tick (the cron when rescheduled), so a config reload reaches them. */
export interface SchedulerSettings {
  /** Cron expression for the tick (default every minute). */
  cron: string;
  /** Purge message text older than this many days (config `retention.messageBodyDays`). */
  retentionDays?: number | undefined;
}

export interface SchedulerOptions {
  settings?: () => SchedulerSettings;
  logger: Logger;
  /** Called after each tick that did something, e.g. to wake the outbox worker. */
  onWork?: () => void;
}

const LEASE = 'scheduler';
const EVERY_MINUTE = '* * * * *';

/**
 * node-cron wiring only: each tick, the instance holding the database lease starts the away
 * periods whose time has come, runs one SLA sweep and one auto-assignment pass, and queues the
 * digests that are due. The lease outlives a tick, so exactly one instance leads
 * while it is alive; if it dies, another takes over when the lease expires.
 */
export class Scheduler {
  readonly holder = `baton-${process.pid}-${randomUUID().slice(0, 8)}`;
  private task: ScheduledTask | null = null;
  private scheduled: string | null = null;
  private running: Promise<void> | null = null;
  leader = false;
  private lastPurge = 0;

  constructor(
    private readonly ctx: ContextSource,
    private readonly opts: SchedulerOptions,
  ) {}

  private settings(): SchedulerSettings {
    return this.opts.settings?.() ?? { cron: EVERY_MINUTE };
  }

  /** The cron expression the ticks run on now. */
  get cronExpression(): string | null {
    return this.scheduled;
  }

  start(): void {
    this.schedule();
    void this.tick(); // catch up at start instead of waiting a minute
  }

  private schedule(): void {
    const expression = this.settings().cron;
    this.task = cron.schedule(expression, () => {
      void this.tick();
    }, { noOverlap: true, name: 'baton-scheduler' });
    this.scheduled = expression;
  }

  /**
   * After a config reload: a new `scheduler.cron` replaces the running schedule at once (a tick
   * under way finishes; the lease is kept). Anything else the ticks read comes from the context
   * and the settings at each tick anyway.
   */
  reschedule(): void {
    if (!this.task || this.settings().cron === this.scheduled) return;
    const old = this.task;
    this.schedule();
    void old.stop();
  }

  /** One tick, guarded by the lease. Exposed for tests. */
  async tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      // One context and one set of settings for the whole tick, even if the config is reloaded meanwhile.
      const ctx = this.ctx();
      const { retentionDays } = this.settings();
      const now = ctx.clock.now();
      try {
        this.leader = await ctx.store.tryLease(LEASE, this.holder, now, 90_000);
        if (!this.leader) return;
        // Away periods first: items of someone whose leave began are handed over before reminders are planned.
        const awayStarted = await startDueAwayPeriods(ctx, now);
        const swept = await sweep(ctx, now);
        // After the sweep (which wakes snoozed work back into the queue): unclaimed items of
        // auto-assigning queues, for whoever came on shift or freed a slot since the last tick.
        const assigned = await assignmentSweep(ctx, now);
        const digests = await sendDigests(ctx, ctx.digest, now);
        // Retention is coarse (days), so once an hour is plenty: the purge scans old messages.
        if (retentionDays && now.getTime() - this.lastPurge >= 3_600_000) {
          this.lastPurge = now.getTime();
          const purged = await ctx.store.purgeMessageText(new Date(now.getTime() - retentionDays * 86_400_000), now);
          if (purged) this.opts.logger.info({ purged }, 'retention: message text purged');
        }
        if (swept.due || digests.queued || assigned.assigned || awayStarted) {
          this.opts.logger.info({ swept, assigned, digests: digests.managers.length, awayStarted }, 'scheduler tick');
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
    this.scheduled = null;
    await this.running;
    if (this.leader) await this.ctx().store.releaseLease(LEASE, this.holder).catch(() => {});
  }
}
