import { describe, expect, it } from 'vitest';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { memoryContext, portalMessage } from '../support/context.ts';

describe('scheduler retention', () => {
  it('purges message text older than the retention period on its tick, keeping the audit trail', async () => {
    const { ctx, store, clock } = memoryContext();
    const { itemId } = await ingestMessage(ctx, portalMessage({ externalId: 'ret-1' }));
    const s = new Scheduler(() => ctx, { settings: () => ({ cron: '* * * * *', retentionDays: 1 }), logger: createLogger({ level: 'silent' }) });
    await s.tick();
    expect((await store.messagesOf(itemId))[0]!.body).not.toBeNull(); // not old enough yet
    clock.advance(2 * 86_400_000);
    await s.tick();
    expect((await store.messagesOf(itemId))[0]!.body).toBeNull();
    expect((await store.auditOf(itemId)).map((a) => a.action)).toContain('item.created');
    await s.stop();
  });
});
