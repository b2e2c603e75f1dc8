import { describe, expect, it } from 'vitest';
import { planReminders } from '../../src/domain/reminders.ts';
import type { SlaContext, SlaPolicy } from '../../src/domain/sla.ts';
import type { WorkItem } from '../../src/domain/work-item.ts';

const calendar = { timezone: 'America/Chicago', weekly: { mon: [['08:00', '17:00']], tue: [['08:00', '17:00']], wed: [['08:00', '17:00']], thu: [['08:00', '17:00']], fri: [['08:00', '17:00']] } as never, holidays: [] };
const policies: SlaPolicy[] = [
  { queue: '*', priority: '*', claimWithin: 240, resolveWithin: 480, reminders: [{ after: 0, notify: 'channel' }, { after: 60, notify: 'owner-or-lead' }, { after: 240, notify: 'manager' }] },
  { queue: '*', priority: 'stat', claimWithin: 15, resolveWithin: 60, reminders: [{ after: 0, notify: 'channel', repeatEvery: 5 }, { after: 15, notify: 'manager' }] },
];
const ctx: SlaContext = { policies, calendar };
const T = (s: string) => new Date(s);

function item(over: Partial<WorkItem>): WorkItem {
  const now = T('2026-12-01T15:00:00Z');
  return {
    id: 'i', seq: 1, threadKey: 't', queue: 'nursing', category: 'clinical-question', priority: 'routine', redFlags: [], clinicalContent: false, state: 'OPEN',
    resumeState: null, ownerId: null, escalatedBy: null, escalationReason: null, onCallId: null, poolFallbackAt: null, snoozedUntil: null, patientId: 'p', patientToken: 'x',
    patientPcp: null, link: null, version: 1, messageCount: 1, everEscalated: false, firstMessageAt: now, lastMessageAt: now, createdAt: now,
    updatedAt: now, claimedAt: null, resolvedAt: null, claimDueAt: T('2026-12-01T16:00:00Z'), resolveDueAt: T('2026-12-01T20:00:00Z'),
    nextReminderAt: T('2026-12-01T16:00:00Z'), reminderLevel: 0, ...over,
  };
}

describe('reminder planning', () => {
  it.each([
    ['nothing before the deadline', item({}), '2026-12-01T15:59:00Z', [], 0, '—'],
    ['level 1 at the deadline, next level an hour later', item({}), '2026-12-01T16:00:00Z', [1], 1, '2026-12-01T17:00:00.000Z'],
    ['level 2 after an hour', item({ reminderLevel: 1 }), '2026-12-01T17:00:00Z', [2], 2, '2026-12-01T20:00:00.000Z'],
    ['a late sweep fires each missed level once', item({}), '2026-12-01T21:00:00Z', [1, 2, 3], 3, 'none'],
    ['levels wait for business hours (overnight)', item({ claimDueAt: T('2026-12-01T22:30:00Z'), reminderLevel: 1 }), '2026-12-01T23:00:00Z', [], 1, '2026-12-02T14:30:00.000Z'],
  ])('%s', (_n, it0, now, levels, level, next) => {
    const plan = planReminders(it0, ctx, T(now));
    if (!levels.length && next === '—') return expect(plan).toBeNull();
    expect(plan!.fire.map((f) => f.level)).toEqual(levels);
    expect(plan!.reminderLevel).toBe(level);
    expect(plan!.nextReminderAt?.toISOString() ?? 'none').toBe(next);
  });

  it('re-pings a red flag every few minutes on wall-clock time until it is claimed', () => {
    const redFlag = item({ priority: 'stat', redFlags: ['chest-pain'], claimDueAt: T('2026-12-01T03:15:00Z') });
    const first = planReminders(redFlag, ctx, T('2026-12-01T03:15:00Z'))!;
    expect(first.fire).toEqual([{ level: 1, notify: 'channel', repeat: false }]);
    expect(first.nextReminderAt).toEqual(T('2026-12-01T03:20:00Z'));
    const again = planReminders({ ...redFlag, reminderLevel: 1 }, ctx, T('2026-12-01T03:20:00Z'))!;
    expect(again.fire).toEqual([{ level: 1, notify: 'channel', repeat: true }]);
    expect(again.nextReminderAt).toEqual(T('2026-12-01T03:25:00Z'));
  });

  it('uses the response deadline once the item is claimed', () => {
    const plan = planReminders(item({ state: 'CLAIMED', ownerId: 'x', reminderLevel: 0 }), ctx, T('2026-12-01T20:00:00Z'))!;
    expect(plan.phase).toBe('response');
    expect(plan.fire.map((f) => f.notify)).toEqual(['channel']);
  });

  it('sends nothing for resolved or snoozed items', () => {
    expect(planReminders(item({ state: 'RESOLVED' }), ctx, T('2026-12-02T00:00:00Z'))).toBeNull();
    expect(planReminders(item({ state: 'SNOOZED' }), ctx, T('2026-12-02T00:00:00Z'))).toBeNull();
  });
});
