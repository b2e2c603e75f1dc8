import { describe, expect, it } from 'vitest';
import { buildCard, forQueueChannel, snoozeLine, type CardOptions } from '../../src/domain/card.ts';
import { ITEM_STATES, type ItemState, type WorkItem } from '../../src/domain/work-item.ts';
import { exampleConfig } from '../support/context.ts';

const { roster } = exampleConfig();
const NOW = new Date('2026-12-01T15:00:00Z'); // Tuesday, 09:00 in Chicago
const ZONE = 'America/Chicago';

function item(state: ItemState, over: Partial<WorkItem> = {}): WorkItem {
  return {
    id: 'i-1', seq: 12, threadKey: 'portal:t1', queue: 'nursing', category: 'clinical-question', priority: 'routine', redFlags: [], clinicalContent: false,
    state, resumeState: null, ownerId: null, escalatedBy: null, escalationReason: null, onCallId: null, poolFallbackAt: null, snoozedUntil: null,
    patientId: 'pt-1', patientToken: 'T.P. …1234', patientPcp: 'dr-cho', link: null, version: 3, messageCount: 1, everEscalated: false,
    firstMessageAt: NOW, lastMessageAt: NOW, createdAt: NOW, updatedAt: NOW, claimedAt: null, resolvedAt: null,
    claimDueAt: null, resolveDueAt: null, nextReminderAt: null, reminderLevel: 0, ...over,
  };
}

const card = (i: WorkItem, o: Partial<CardOptions> = {}) => buildCard(i, { roster, now: NOW, timezone: ZONE, messageText: 'none', excerptLength: 200, ...o });
const primary = (i: WorkItem) => card(i).actions.filter((a) => a.style === 'primary').map((a) => a.label);

describe('the card’s emphasis', () => {
  it.each([
    ['unclaimed: Claim, not Resolve beside it', item('OPEN'), ['Claim']],
    ['claimed: Resolve, the owner’s next step', item('CLAIMED', { ownerId: 'jordan-kim' }), ['Resolve']],
    ['with the physician pool: Claim', item('ESCALATED', { escalatedBy: 'jordan-kim', escalationReason: 'x' }), ['Claim']],
    ['with a named physician: Resolve', item('ESCALATED', { ownerId: 'dr-cho', escalatedBy: 'jordan-kim', escalationReason: 'x' }), ['Resolve']],
    ['snoozed: nothing (it waits on purpose; Wake now is plain)', item('SNOOZED', { snoozedUntil: new Date('2026-12-01T19:00:00Z') }), []],
    ['resolved: nothing', item('RESOLVED', { ownerId: 'jordan-kim' }), []],
  ])('%s', (_case, i, expected) => {
    expect(primary(i)).toEqual(expected);
  });

  it.each([...ITEM_STATES])('a %s card has at most one primary action', (state) => {
    expect(primary(item(state, { ownerId: state === 'OPEN' ? null : 'jordan-kim' })).length).toBeLessThanOrEqual(1);
  });
});

describe('a snoozed card', () => {
  const snoozed = item('SNOOZED', { ownerId: 'jordan-kim', resumeState: 'CLAIMED', snoozedUntil: new Date('2026-12-03T15:00:00Z') });

  it('offers Wake now and View message', () => {
    expect(card(snoozed).actions.map((a) => [a.command, a.label])).toEqual([['item.wake', 'Wake now'], ['item.view', 'View message']]);
  });

  it('says until when in the organisation’s zone, and what it waits on where the card may show staff free text', () => {
    const shown = card(snoozed, { staffText: 'show', snoozeReason: 'waiting on patient' });
    expect(shown.snooze).toEqual({ until: '2026-12-03T15:00:00.000Z', untilLabel: 'Thu 3 Dec, 09:00 CST', reason: 'waiting on patient' });
    expect(snoozeLine(shown.snooze!)).toBe('Snoozed until Thu 3 Dec, 09:00 CST (waiting on patient)');
  });

  it('says only that a reason was recorded on the team’s card (staff free text, DESIGN.md §6)', () => {
    const channel = card(snoozed, { staffText: 'summary', snoozeReason: 'waiting on patient' });
    expect(snoozeLine(channel.snooze!)).toBe('Snoozed until Thu 3 Dec, 09:00 CST — reason recorded');
    expect(JSON.stringify(channel)).not.toContain('waiting on patient');
  });

  it('keeps the time out of the notification text and has no snooze line once awake', () => {
    expect(card(snoozed).fallbackText).not.toContain('Dec');
    expect(card(item('CLAIMED', { ownerId: 'jordan-kim' })).snooze).toBeNull();
  });
});

describe('the queue channel’s shared card', () => {
  it('offers the team only View message on escalated work: physicians act from their copies', () => {
    const pool = card(item('ESCALATED', { escalatedBy: 'jordan-kim', escalationReason: 'x' }));
    expect(pool.actions.map((a) => a.command)).toEqual(['item.claim', 'item.resolve', 'item.return', 'item.reassign', 'item.view']);
    expect(forQueueChannel(pool).actions.map((a) => a.command)).toEqual(['item.view']);
  });

  it.each(['OPEN', 'CLAIMED', 'SNOOZED', 'RESOLVED'] as const)('keeps every action of a %s card: each is someone’s in the channel', (state) => {
    const c = card(item(state, { ownerId: state === 'OPEN' ? null : 'jordan-kim', snoozedUntil: state === 'SNOOZED' ? new Date('2026-12-01T19:00:00Z') : null }));
    expect(forQueueChannel(c)).toEqual(c);
  });
});

describe('the escalate picker', () => {
  it('defaults to the patient’s PCP when they are a physician on the roster, else the pool', () => {
    const escalate = (i: WorkItem) => card(i).actions.find((a) => a.command === 'item.escalate')!;
    expect(escalate(item('OPEN')).defaultChoice).toBe('dr-cho');
    expect(escalate(item('OPEN', { patientPcp: null })).defaultChoice).toBe('pool');
    expect(escalate(item('OPEN', { patientPcp: 'jordan-kim' })).defaultChoice).toBe('pool'); // a nurse is no PCP to escalate to
  });
});
