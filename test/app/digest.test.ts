import { describe, expect, it } from 'vitest';
import { dueManagers, sendDigests } from '../../src/app/digest.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
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
});
