import { describe, expect, it } from 'vitest';
import { decide, type Command } from '../../src/domain/commands.ts';
import type { ItemState, WorkItem } from '../../src/domain/work-item.ts';
import { exampleConfig } from '../support/context.ts';

const { roster } = exampleConfig();
const now = new Date('2026-12-01T15:00:00Z');
const ZONE = 'America/Chicago';

function item(state: ItemState, over: Partial<WorkItem> = {}): WorkItem {
  return {
    id: 'i-1', seq: 1, threadKey: 'portal:t1', queue: 'nursing', category: 'clinical-question', priority: 'routine', redFlags: [], clinicalContent: false,
    state, resumeState: null, ownerId: null, escalatedBy: null, escalationReason: null, onCallId: null, poolFallbackAt: null, snoozedUntil: null,
    patientId: 'pt-1', patientToken: 'T.P. …1234', patientPcp: 'dr-cho', link: null, version: 1, messageCount: 1, everEscalated: false,
    firstMessageAt: now, lastMessageAt: now, createdAt: now, updatedAt: now, claimedAt: null, resolvedAt: null,
    claimDueAt: null, resolveDueAt: null, nextReminderAt: null, reminderLevel: 0, ...over,
  };
}

const later = new Date(now.getTime() + 3_600_000);
const snoozedClaim = () => item('SNOOZED', { ownerId: 'jordan-kim', resumeState: 'CLAIMED', snoozedUntil: new Date('2026-12-03T15:00:00Z') });
type Row = [string, WorkItem, string, Command, string | Partial<WorkItem>];

// [case, item, actor, command, expected failure code | expected patch fields]
const table: Row[] = [
  ['a queue member claims an open item', item('OPEN'), 'jordan-kim', { type: 'claim' }, { state: 'CLAIMED', ownerId: 'jordan-kim' }],
  ['someone outside the queue cannot claim', item('OPEN'), 'sam-ortiz', { type: 'claim' }, 'item.not_authorized'],
  ['a second claim names the owner', item('CLAIMED', { ownerId: 'dana-reyes' }), 'jordan-kim', { type: 'claim' }, 'item.already_claimed'],
  ['the owner releases', item('CLAIMED', { ownerId: 'jordan-kim' }), 'jordan-kim', { type: 'release' }, { state: 'OPEN', ownerId: null }],
  ["a teammate cannot release someone else's item", item('CLAIMED', { ownerId: 'dana-reyes' }), 'jordan-kim', { type: 'release' }, 'item.not_authorized'],
  ["the lead releases a teammate's item", item('CLAIMED', { ownerId: 'jordan-kim' }), 'dana-reyes', { type: 'release' }, { state: 'OPEN' }],
  ['a manager releases any item', item('CLAIMED', { ownerId: 'jordan-kim' }), 'morgan-lee', { type: 'release' }, { state: 'OPEN' }],
  ['an open item cannot be released', item('OPEN'), 'jordan-kim', { type: 'release' }, 'item.invalid_transition'],
  ['the lead reassigns to a teammate', item('CLAIMED', { ownerId: 'jordan-kim' }), 'dana-reyes', { type: 'reassign', to: 'dana-reyes' }, { ownerId: 'dana-reyes' }],
  ['reassigning to someone outside the queue is refused', item('CLAIMED', { ownerId: 'jordan-kim' }), 'dana-reyes', { type: 'reassign', to: 'jo-adams' }, 'item.invalid_target'],
  ['reassigning to an unknown person is refused', item('OPEN'), 'dana-reyes', { type: 'reassign', to: 'nobody' }, 'item.invalid_target'],
  ['the owner snoozes with a reason', item('CLAIMED', { ownerId: 'jordan-kim' }), 'jordan-kim', { type: 'snooze', until: later, reason: 'waiting on pharmacy' }, { state: 'SNOOZED', resumeState: 'CLAIMED' }],
  ['a snooze into the past is refused', item('CLAIMED', { ownerId: 'jordan-kim' }), 'jordan-kim', { type: 'snooze', until: new Date(0), reason: 'x' }, 'item.invalid_target'],
  ['a snooze needs a reason', item('OPEN'), 'jordan-kim', { type: 'snooze', until: later, reason: ' ' }, 'item.reason_required'],
  ['a snooze may last 30 days', item('OPEN'), 'jordan-kim', { type: 'snooze', until: new Date(now.getTime() + 30 * 86_400_000), reason: 'x' }, { state: 'SNOOZED' }],
  ['a snooze past 30 days is refused, however it was given', item('OPEN'), 'jordan-kim', { type: 'snooze', until: new Date('9999-12-31T00:00:00Z'), reason: 'x' }, 'item.invalid_target'],
  ['a snooze to an invalid date is refused', item('OPEN'), 'jordan-kim', { type: 'snooze', until: new Date(NaN), reason: 'x' }, 'item.invalid_target'],
  ['the owner escalates to a physician', item('CLAIMED', { ownerId: 'jordan-kim' }), 'jordan-kim', { type: 'escalate', reason: 'dose change', to: 'dr-cho' }, { state: 'ESCALATED', ownerId: 'dr-cho', escalatedBy: 'jordan-kim', everEscalated: true }],
  ['escalating without a physician goes to the pool', item('OPEN'), 'jordan-kim', { type: 'escalate', reason: 'abnormal result' }, { state: 'ESCALATED', ownerId: null }],
  ['escalation needs a reason', item('OPEN'), 'jordan-kim', { type: 'escalate', reason: '' }, 'item.reason_required'],
  ['escalating to a non-physician is refused', item('OPEN'), 'jordan-kim', { type: 'escalate', reason: 'x', to: 'dana-reyes' }, 'item.invalid_target'],
  ['a physician takes a pool escalation', item('ESCALATED', { escalatedBy: 'jordan-kim' }), 'dr-baker', { type: 'claim' }, { ownerId: 'dr-baker' }],
  ['a non-physician cannot take a pool escalation', item('ESCALATED'), 'jordan-kim', { type: 'claim' }, 'item.not_authorized'],
  ['the physician returns it to whoever escalated', item('ESCALATED', { ownerId: 'dr-cho', escalatedBy: 'jordan-kim' }), 'dr-cho', { type: 'return', instructions: 'schedule a visit' }, { state: 'CLAIMED', ownerId: 'jordan-kim' }],
  ["another physician cannot return a colleague's escalation", item('ESCALATED', { ownerId: 'dr-cho' }), 'dr-baker', { type: 'return', instructions: 'x' }, 'item.not_authorized'],
  ['the physician hands to another physician', item('ESCALATED', { ownerId: 'dr-cho' }), 'dr-cho', { type: 'reassign', to: 'dr-alvarez' }, { ownerId: 'dr-alvarez' }],
  ['a physician cannot hand an escalation to a nurse', item('ESCALATED', { ownerId: 'dr-cho' }), 'dr-cho', { type: 'reassign', to: 'jordan-kim' }, 'item.invalid_target'],
  ['the physician resolves an escalation', item('ESCALATED', { ownerId: 'dr-cho' }), 'dr-cho', { type: 'resolve', note: 'called patient' }, { state: 'RESOLVED', ownerId: 'dr-cho', resolvedAt: now }],
  ['a team member resolves an open item directly', item('OPEN'), 'jordan-kim', { type: 'resolve' }, { state: 'RESOLVED', ownerId: 'jordan-kim' }],
  ["a teammate cannot resolve someone else's claim", item('CLAIMED', { ownerId: 'dana-reyes' }), 'jordan-kim', { type: 'resolve' }, 'item.not_authorized'],
  ['a resolved item cannot be resolved again', item('RESOLVED', { ownerId: 'jordan-kim' }), 'jordan-kim', { type: 'resolve' }, 'item.invalid_transition'],
  ['the team reroutes a misfiled item', item('OPEN'), 'jordan-kim', { type: 'reroute', queue: 'billing' }, { state: 'OPEN', queue: 'billing' }],
  ['rerouting to an unknown queue is refused', item('OPEN'), 'jordan-kim', { type: 'reroute', queue: 'nowhere' }, 'item.invalid_target'],
  ['a resolved item is reopened by the team', item('RESOLVED', { ownerId: 'jordan-kim' }), 'jordan-kim', { type: 'reopen' }, { state: 'OPEN', ownerId: null }],
  ['a snoozed item cannot be claimed', item('SNOOZED'), 'jordan-kim', { type: 'claim' }, 'item.invalid_transition'],
  // Wake now: whoever could have snoozed it may wake it, and it resumes as the scheduler's wake does.
  ['the owner wakes their snoozed item: still theirs', snoozedClaim(), 'jordan-kim', { type: 'wake' }, { state: 'CLAIMED', ownerId: 'jordan-kim', resumeState: null, snoozedUntil: null }],
  ["the lead wakes a teammate's snoozed item", snoozedClaim(), 'dana-reyes', { type: 'wake' }, { state: 'CLAIMED', ownerId: 'jordan-kim' }],
  ['a manager wakes any snoozed item', snoozedClaim(), 'morgan-lee', { type: 'wake' }, { state: 'CLAIMED', ownerId: 'jordan-kim' }],
  ["a teammate cannot wake someone else's snoozed item", item('SNOOZED', { ownerId: 'dana-reyes', resumeState: 'CLAIMED', snoozedUntil: later }), 'jordan-kim', { type: 'wake' }, 'item.not_authorized'],
  ['anyone in the queue wakes a snoozed unclaimed item: back to the queue', item('SNOOZED', { resumeState: 'OPEN', snoozedUntil: later }), 'jordan-kim', { type: 'wake' }, { state: 'OPEN', ownerId: null, snoozedUntil: null }],
  ['someone outside the queue cannot wake it', item('SNOOZED', { resumeState: 'OPEN', snoozedUntil: later }), 'sam-ortiz', { type: 'wake' }, 'item.not_authorized'],
  ['an item that is not snoozed cannot be woken', item('CLAIMED', { ownerId: 'jordan-kim' }), 'jordan-kim', { type: 'wake' }, 'item.invalid_transition'],
];

describe('work-item commands', () => {
  it.each(table)('%s', (_name, it0, actorKey, cmd, expected) => {
    const actor = roster.member(actorKey)!;
    const r = decide(it0, cmd, actor, { roster, now, timezone: ZONE });
    if (typeof expected === 'string') {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.code).toBe(expected);
    } else {
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.patch).toMatchObject(expected);
    }
  });

  it.each([
    ['claimed', { type: 'claim' }],
    ['reassigned', { type: 'reassign', to: 'dana-reyes' }],
    ['reopened', { type: 'reopen' }],
  ] as const)('says until when a snoozed item sleeps, in the organisation’s zone, and to wake it first, when it cannot be %s', (what, cmd) => {
    const r = decide(snoozedClaim(), cmd, roster.member('jordan-kim')!, { roster, now, timezone: ZONE });
    expect(r).toEqual({
      ok: false,
      code: 'item.invalid_transition',
      message: `This item is snoozed until Thu 3 Dec, 09:00 CST, so it cannot be ${what}. Press Wake now first.`,
    });
  });

  it('names the current owner in the already-claimed answer', () => {
    const r = decide(item('CLAIMED', { ownerId: 'dana-reyes' }), { type: 'claim' }, roster.member('jordan-kim')!, { roster, now, timezone: ZONE });
    expect(r).toMatchObject({ ok: false, code: 'item.already_claimed', ownerId: 'dana-reyes', message: 'Already claimed by Dana Reyes, RN.' });
  });
});
