import { describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { cardForItem } from '../../src/app/item-card.ts';
import { snoozeLine } from '../../src/domain/card.ts';
import { memoryContext, portalMessage } from '../support/context.ts';

const REASON = 'Waiting on the patient’s BP log';

async function snoozed(messageText: 'none' | 'full' = 'none') {
  const m = memoryContext();
  m.ctx.card = { ...m.ctx.card, messageText };
  const r = await ingestMessage(m.ctx, portalMessage({ externalId: 's-1' }));
  await actOnItem(m.ctx, { itemId: r.itemId, actorKey: 'taylor-brooks', platform: 'test', command: { type: 'claim' } });
  // Until Thursday 09:00 in Chicago (the organisation's zone).
  const s = await actOnItem(m.ctx, { itemId: r.itemId, actorKey: 'taylor-brooks', platform: 'test', command: { type: 'snooze', until: new Date('2026-12-03T15:00:00Z'), reason: REASON } });
  if (!s.ok) throw new Error(s.message);
  return { ...m, item: s.item };
}

describe('a snoozed item’s card', () => {
  it('on the team’s channel card: until when, in the organisation’s zone, and that a reason was recorded', async () => {
    const { ctx, item } = await snoozed();
    const card = await cardForItem(ctx, item, 'channel');
    expect(snoozeLine(card.snooze!)).toBe('Snoozed until Thu 3 Dec, 09:00 CST — reason recorded');
    expect(JSON.stringify(card)).not.toContain(REASON);
  });

  it('on the assignee’s copy, and where config shows message text: what it waits on too', async () => {
    const direct = await snoozed();
    expect(snoozeLine((await cardForItem(direct.ctx, direct.item, 'direct')).snooze!)).toBe(`Snoozed until Thu 3 Dec, 09:00 CST (${REASON})`);
    const full = await snoozed('full');
    expect((await cardForItem(full.ctx, full.item, 'channel')).snooze!.reason).toBe(REASON);
  });

  it('keeps the reason and the time out of the notification text', async () => {
    const { ctx, item } = await snoozed('full');
    const card = await cardForItem(ctx, item, 'channel');
    expect(card.fallbackText).not.toContain(REASON);
    expect(card.fallbackText).not.toContain('Thu');
  });
});
