import { describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { viewMessage } from '../../src/app/view-message.ts';
import { memoryContext, portalMessage } from '../support/context.ts';

async function openItem(platforms?: string[]) {
  const m = memoryContext(platforms);
  const r = await ingestMessage(m.ctx, portalMessage({ externalId: 'x-1' }));
  return { ...m, itemId: r.itemId };
}

describe('acting on an item', () => {
  it('gives exactly one owner when two people claim at once; the other hears who owns it', async () => {
    const { ctx, store, itemId } = await openItem();
    const [a, b] = await Promise.all([
      actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'claim' } }),
      actOnItem(ctx, { itemId, actorKey: 'chris-park', platform: 'teams', command: { type: 'claim' } }),
    ]);
    expect(a.ok).toBe(true);
    expect(b).toMatchObject({ ok: false, code: 'item.already_claimed', ownerId: 'taylor-brooks' });
    expect((await store.findItem(itemId))!.ownerId).toBe('taylor-brooks');
    expect(store.audit.filter((e) => e.action === 'item.claim')).toHaveLength(1);
    expect(store.audit.at(-1)).toMatchObject({ action: 'item.denied', actor: 'chris-park', detail: { command: 'claim', code: 'item.already_claimed' } });
  });

  it('records every transition with actor, platform, from and to state', async () => {
    const { ctx, store, itemId } = await openItem();
    await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'claim' } });
    await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'escalate', reason: 'outside refill protocol', to: 'dr-cho' } });
    await actOnItem(ctx, { itemId, actorKey: 'dr-cho', platform: 'teams', command: { type: 'return', instructions: 'approve 30 days, book a visit' } });
    await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'resolve', note: 'sent' } });
    const trail = (await store.auditOf(itemId)).map((e) => [e.action, e.actor, e.platform, e.fromState, e.toState]);
    expect(trail).toEqual([
      ['item.created', 'ingest:portal', 'api', null, 'OPEN'],
      ['item.claim', 'taylor-brooks', 'slack', 'OPEN', 'CLAIMED'],
      ['item.escalate', 'taylor-brooks', 'slack', 'CLAIMED', 'ESCALATED'],
      ['item.return', 'dr-cho', 'teams', 'ESCALATED', 'CLAIMED'],
      ['item.resolve', 'taylor-brooks', 'slack', 'CLAIMED', 'RESOLVED'],
    ]);
    expect((await store.findItem(itemId))!.everEscalated).toBe(true);
  });

  it('queues a card update and a thread line for every platform, and a DM to the physician on escalation', async () => {
    const { ctx, store, itemId } = await openItem(['slack', 'teams']);
    await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'escalate', reason: 'dose change', to: 'dr-alvarez' } });
    const kinds = store.outbox.filter((o) => o.kind !== 'card.post').map((o) => `${o.kind}:${o.platform}`);
    expect(kinds.sort()).toEqual(['card.update:slack', 'card.update:teams', 'dm:slack', 'dm:teams', 'thread.note:slack', 'thread.note:teams']);
    expect(store.outbox.find((o) => o.kind === 'dm')!.payload).toMatchObject({ to: 'dr-alvarez' });
    // Staff free text stays out of the channel thread with card.messageText: none; the physician's DM carries it.
    expect(store.outbox.find((o) => o.kind === 'thread.note')!.payload.text).toBe('Escalated by Taylor Brooks, MA to Dr. Elena Alvarez — reason recorded');
    expect(store.outbox.find((o) => o.kind === 'dm')!.payload.text).toBe('Escalated to you: dose change');
  });

  it('keeps reasons, notes and instructions out of channel thread lines unless card.messageText shows text', async () => {
    const lines = async (messageText: 'none' | 'excerpt' | 'full') => {
      const { ctx, store, itemId } = await openItem();
      ctx.card = { ...ctx.card, messageText };
      const second = (await ingestMessage(ctx, portalMessage({ externalId: 'x-2' }))).itemId;
      const act = (id: string, command: Parameters<typeof actOnItem>[1]['command']) => actOnItem(ctx, { itemId: id, actorKey: 'taylor-brooks', platform: 'slack', command });
      await act(itemId, { type: 'claim' });
      await act(itemId, { type: 'snooze', until: new Date('2026-12-01T16:00:00Z'), reason: 'waiting on Mrs. P’s pharmacy' });
      await act(second, { type: 'escalate', reason: 'BP 190/110 with a headache', to: 'dr-cho' });
      return { store, notes: store.outbox.filter((o) => o.kind === 'thread.note').map((o) => String(o.payload.text)) };
    };
    const none = await lines('none');
    expect(none.notes).toEqual([
      'Claimed by Taylor Brooks, MA',
      'Snoozed by Taylor Brooks, MA until Tue 1 Dec, 10:00 CST — reason recorded',
      'Escalated by Taylor Brooks, MA to Dr. Grace Cho — reason recorded',
    ]);
    expect(JSON.stringify(none.notes)).not.toMatch(/pharmacy|190/);
    for (const setting of ['excerpt', 'full'] as const) {
      const shown = await lines(setting);
      expect(shown.notes).toContain('Escalated by Taylor Brooks, MA to Dr. Grace Cho: BP 190/110 with a headache');
    }
  });

  it('returns an escalation with its instructions in a DM to the person it goes back to, and a summary in the thread', async () => {
    const { ctx, store, itemId } = await openItem();
    await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'escalate', reason: 'dose', to: 'dr-cho' } });
    await actOnItem(ctx, { itemId, actorKey: 'dr-cho', platform: 'slack', command: { type: 'return', instructions: 'approve 30 days, book a visit' } });
    expect(store.outbox.filter((o) => o.kind === 'thread.note').at(-1)!.payload.text).toBe('Returned to the team by Dr. Grace Cho (to Taylor Brooks, MA) — instructions recorded');
    expect(store.outbox.filter((o) => o.kind === 'dm').at(-1)!.payload).toMatchObject({ to: 'taylor-brooks', text: 'Returned to you by Dr. Grace Cho: approve 30 days, book a visit' });
    await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'resolve', note: 'called the pharmacy' } });
    expect(store.outbox.filter((o) => o.kind === 'thread.note').at(-1)!.payload.text).toBe('Resolved by Taylor Brooks, MA — note recorded');
    // View message shows the team's notes, privately.
    const view = await viewMessage(ctx, { itemId, actorKey: 'chris-park', platform: 'slack' });
    expect(view.ok && view.notes.map((n) => [n.by, n.what, n.text])).toEqual([
      ['Taylor Brooks, MA', 'escalated', 'dose'],
      ['Dr. Grace Cho', 'returned', 'approve 30 days, book a visit'],
      ['Taylor Brooks, MA', 'resolved', 'called the pharmacy'],
    ]);
  });

  it('refuses and audits an unknown person', async () => {
    const { ctx, store, itemId } = await openItem();
    const r = await actOnItem(ctx, { itemId, actorKey: 'stranger', platform: 'slack', command: { type: 'claim' } });
    expect(r).toMatchObject({ ok: false, code: 'staff.unknown' });
    expect(store.audit.at(-1)).toMatchObject({ action: 'item.denied', actor: 'stranger' });
  });

  it('answers item.not_found for an unknown item', async () => {
    const { ctx } = await openItem();
    expect(await actOnItem(ctx, { itemId: 'nope', actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'claim' } })).toMatchObject({ ok: false, code: 'item.not_found' });
  });

  it('shows the message text privately to a team member and audits the view', async () => {
    const { ctx, store, itemId } = await openItem();
    const r = await viewMessage(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack' });
    expect(r.ok && r.messages[0]!.body).toContain('blood pressure pills');
    expect(store.audit.at(-1)).toMatchObject({ action: 'item.view', actor: 'taylor-brooks' });
  });

  it('highlights, in View message, the words triage read as a red flag, named by the rule', async () => {
    const m = memoryContext();
    const body = 'Refill my inhaler please. Also my chest feels tight since lunch.';
    const r0 = await ingestMessage(m.ctx, portalMessage({ externalId: 'x-2', subject: 'Refill', body }));
    const r = await viewMessage(m.ctx, { itemId: r0.itemId, actorKey: 'dana-reyes', platform: 'slack' });
    if (!r.ok) throw new Error(r.message);
    const h = r.messages[0]!.highlights.find((x) => x.label === 'chest pressure')!;
    expect(h.field).toBe('body');
    expect(body.slice(h.start, h.end)).toBe('chest feels tight');
  });

  it('refuses the message text to someone outside the queue, and audits the attempt', async () => {
    const { ctx, store, itemId } = await openItem();
    const r = await viewMessage(ctx, { itemId, actorKey: 'jo-adams', platform: 'slack' });
    expect(r).toMatchObject({ ok: false, code: 'item.not_authorized' });
    expect(store.audit.at(-1)).toMatchObject({ action: 'item.denied', actor: 'jo-adams', detail: { command: 'view' } });
  });

  it('restarts the claim clock when an item is released', async () => {
    const { ctx, store, clock, itemId } = await openItem();
    await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'claim' } });
    const claimed = (await store.findItem(itemId))!;
    expect(claimed.nextReminderAt).toEqual(claimed.resolveDueAt);
    clock.advance(30 * 60_000);
    await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'release' } });
    const released = (await store.findItem(itemId))!;
    expect(released.claimDueAt!.getTime()).toBeGreaterThan(claimed.claimDueAt!.getTime());
    expect(released.nextReminderAt).toEqual(released.claimDueAt);
  });
});
