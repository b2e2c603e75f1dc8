import { describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { awayCommand } from '../../src/app/away.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { memoryContext, portalMessage } from '../support/context.ts';

describe('scheduler and away periods', () => {
  it('starts an away period on the first tick after its start, before the sweep plans reminders, and only once', async () => {
    const { ctx, store, clock } = memoryContext();
    const set = await awayCommand(ctx, { actorKey: 'taylor-brooks', platform: 'test', text: 'from tomorrow until fri' });
    expect(set.ok).toBe(true);
    const { itemId } = await ingestMessage(ctx, portalMessage({ externalId: 'sch-away-1' }));
    await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'test', command: { type: 'claim' } });
    const s = new Scheduler(() => ctx, { logger: createLogger({ level: 'silent' }) });
    await s.tick();
    expect((await store.findItem(itemId))!.ownerId).toBe('taylor-brooks'); // not yet: it starts tomorrow
    clock.advance(24 * 3_600_000);
    await s.tick();
    expect(await store.findItem(itemId)).toMatchObject({ state: 'OPEN', ownerId: null });
    clock.advance(60_000);
    await s.tick();
    expect(store.audit.filter((a) => a.action === 'item.away_handover')).toHaveLength(1);
    expect(store.aways[0]!.startedAt).toEqual(new Date('2026-12-02T15:00:00Z'));
    await s.stop();
  });
});
