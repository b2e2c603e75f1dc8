import { describe, expect, it } from 'vitest';
import { dueManagers, sendDigests } from '../../src/app/digest.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { Roster } from '../../src/domain/roster.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { memoryContext, portalMessage } from '../support/context.ts';

const settings = { organization: 'Riverside Family Medicine', timezone: 'America/Chicago', physicianMinutesPerMessage: 2.3 };

describe('sending digests', () => {
  it("is due at the manager's local time on their digest days only", () => {
    const { ctx } = memoryContext();
    // Morgan Lee: 07:30 Chicago, Monday to Friday. 2026-12-01 is a Tuesday.
    expect(dueManagers(ctx, settings, new Date('2026-12-01T13:29:00Z'))).toEqual([]);
    expect(dueManagers(ctx, settings, new Date('2026-12-01T13:30:00Z')).map((d) => [d.manager.key, d.date])).toEqual([['morgan-lee', '2026-12-01']]);
    expect(dueManagers(ctx, settings, new Date('2026-12-05T18:00:00Z'))).toEqual([]); // Saturday
  });

  it('queues one digest per manager, platform and day however often the scheduler ticks', async () => {
    const { ctx, store } = memoryContext(['sandbox', 'slack']);
    await ingestMessage(ctx, portalMessage({ externalId: 'd-1' }));
    const at = new Date('2026-12-01T14:00:00Z');
    expect(await sendDigests(ctx, settings, at)).toEqual({ queued: 2, managers: ['morgan-lee'] });
    expect(await sendDigests(ctx, settings, new Date(at.getTime() + 60_000))).toEqual({ queued: 0, managers: [] });
    expect(store.digestReads).toBe(1); // later ticks do not rebuild the digest once it is queued
    const rows = store.outbox.filter((o) => o.kind === 'digest');
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual(['digest:sandbox:morgan-lee:2026-12-01', 'digest:slack:morgan-lee:2026-12-01']);
    expect(JSON.stringify(rows[0]!.payload)).not.toContain('pills'); // aggregates only, never message text
    expect(store.audit.filter((a) => a.action === 'digest.queued')).toHaveLength(1);
  });

  it("at start-up sends nothing before the manager's digest time, and today's missed digest once it has passed", async () => {
    const { ctx, store, clock } = memoryContext();
    // Morgan Lee's digest at 13:45 Chicago (19:45Z in December); 2026-12-01 is a Tuesday.
    ctx.roster = new Roster(ctx.roster.staff.map((m) => (m.manager ? { ...m, digest: { at: '13:45', days: ['mon', 'tue', 'wed', 'thu', 'fri'] } } : m)), ctx.roster.queues);
    const digests = () => store.outbox.filter((o) => o.kind === 'digest').map((o) => o.dedupeKey);
    const startAt = async (iso: string) => {
      clock.t = new Date(iso);
      const s = new Scheduler(() => ctx, { logger: createLogger({ level: 'silent' }), settings: () => ({ cron: '0 0 1 1 *' }) });
      s.start(); // its first tick runs at once
      await s.tick();
      await s.stop();
    };
    await startAt('2026-12-01T14:00:00Z'); // 08:00: not yet
    expect(digests()).toEqual([]);
    await startAt('2026-12-01T19:44:00Z'); // 13:44: not yet
    expect(digests()).toEqual([]);
    await startAt('2026-12-01T20:00:00Z'); // 14:00, Baton was down at 13:45: today's digest now
    expect(digests()).toEqual(['digest:sandbox:morgan-lee:2026-12-01']);
    await startAt('2026-12-01T23:00:00Z'); // restarted again the same day: not a second one
    expect(digests()).toHaveLength(1);
    await startAt('2026-12-02T15:00:00Z'); // Wednesday 09:00: Wednesday's is not due yet
    expect(digests()).toHaveLength(1);
    await startAt('2026-12-03T00:00:00Z'); // Wednesday 18:00, 4h15m past 13:45: too late to catch up (default 4h)
    expect(digests()).toHaveLength(1);
    await startAt('2026-12-03T19:46:00Z'); // Thursday 13:46: on time again
    expect(digests()).toEqual(['digest:sandbox:morgan-lee:2026-12-01', 'digest:sandbox:morgan-lee:2026-12-03']);
  });

  it('takes its catch-up window from the config (digest.catchUpWithin)', async () => {
    const { ctx, store } = memoryContext();
    ctx.roster = new Roster(ctx.roster.staff.map((m) => (m.manager ? { ...m, digest: { at: '13:45', days: ['tue'] } } : m)), ctx.roster.queues);
    const at = new Date('2026-12-01T20:15:00Z'); // Tuesday 14:15 Chicago: 30 minutes late
    expect((await sendDigests(ctx, { ...settings, catchUpMinutes: 15 }, at)).queued).toBe(0);
    expect((await sendDigests(ctx, { ...settings, catchUpMinutes: 30 }, at)).queued).toBeGreaterThan(0);
    expect(store.outbox.some((o) => o.kind === 'digest')).toBe(true);
  });
});

