import { describe, expect, it } from 'vitest';
import { buildDigest, percentile } from '../../src/domain/digest.ts';
import { digestText } from '../../src/domain/digest-text.ts';
import type { WorkItem } from '../../src/domain/work-item.ts';

const NOW = new Date('2026-12-02T13:30:00Z');
const H = 3_600_000;
const ago = (h: number) => new Date(NOW.getTime() - h * H);

let seq = 0;
function item(over: Partial<WorkItem>): WorkItem {
  const created = over.createdAt ?? ago(1);
  return {
    id: `i${++seq}`, seq, threadKey: `t${seq}`, queue: 'nursing', category: 'clinical-question', priority: 'routine', redFlags: [], clinicalContent: false, state: 'OPEN',
    resumeState: null, ownerId: null, escalatedBy: null, escalationReason: null, onCallId: null, poolFallbackAt: null, snoozedUntil: null, patientId: 'p', patientToken: `T.${seq}. …0000`,
    patientPcp: null, link: null, version: 1, messageCount: 1, everEscalated: false, firstMessageAt: created, lastMessageAt: created, createdAt: created,
    updatedAt: created, claimedAt: null, resolvedAt: null, claimDueAt: null, resolveDueAt: null, nextReminderAt: null, reminderLevel: 0, ...over,
  };
}

// A scripted day: 3 open items of different ages, 4 resolved (one after escalation), claim times 10/20/30/60 min.
const items = [
  item({ createdAt: ago(1), claimDueAt: ago(0.5) }), // open, past its claim target
  item({ createdAt: ago(30), queue: 'refills' }),
  item({ createdAt: ago(100), state: 'CLAIMED', ownerId: 'jordan-kim', claimedAt: ago(99), resolveDueAt: ago(50) }),
  item({ createdAt: ago(5), state: 'RESOLVED', ownerId: 'jordan-kim', claimedAt: new Date(ago(5).getTime() + 10 * 60_000), resolvedAt: ago(4) }),
  item({ createdAt: ago(6), state: 'RESOLVED', ownerId: 'jordan-kim', claimedAt: new Date(ago(6).getTime() + 20 * 60_000), resolvedAt: ago(2) }),
  item({ createdAt: ago(8), state: 'RESOLVED', ownerId: 'dana-reyes', claimedAt: new Date(ago(8).getTime() + 30 * 60_000), resolvedAt: ago(6) }),
  item({ createdAt: ago(48), state: 'RESOLVED', ownerId: 'dr-cho', everEscalated: true, claimedAt: new Date(ago(48).getTime() + 60 * 60_000), resolvedAt: ago(30) }),
];

const digest = buildDigest({
  items, now: NOW, organization: 'Riverside', queues: [{ key: 'front-desk', name: 'Front desk' }, { key: 'nursing', name: 'Nursing' }, { key: 'refills', name: 'Refills' }],
  staffName: (k) => ({ 'jordan-kim': 'Jordan Kim, RN', 'dana-reyes': 'Dana Reyes, RN', 'dr-cho': 'Dr. Grace Cho' })[k] ?? k, physicianMinutesPerMessage: 2.3,
});

describe('daily digest', () => {
  it('counts the open backlog by queue and age band', () => {
    expect(digest.backlog).toEqual([
      { queue: 'front-desk', queueName: 'Front desk', bands: [0, 0, 0, 0], total: 0 },
      { queue: 'nursing', queueName: 'Nursing', bands: [1, 0, 0, 1], total: 2 },
      { queue: 'refills', queueName: 'Refills', bands: [0, 0, 1, 0], total: 1 },
    ]);
  });

  it('counts open items past their SLA target', () => {
    expect(digest.pastSla).toBe(2);
  });

  it('computes median and p90 time to claim and to resolve over 24 hours and 7 days', () => {
    expect(digest.timeToClaim.last24h).toEqual({ count: 3, medianMinutes: 20, p90Minutes: 30 });
    expect(digest.timeToClaim.last7d).toEqual({ count: 5, medianMinutes: 30, p90Minutes: 60 }); // incl. the item claimed 99h ago
    expect(digest.timeToResolve.last24h).toEqual({ count: 3, medianMinutes: 120, p90Minutes: 240 }); // 60, 120, 240
    expect(digest.timeToResolve.last7d.count).toBe(4);
  });

  it('counts resolutions per person and the share that reached a physician', () => {
    expect(digest.resolvedPerPerson).toEqual([
      { staff: 'jordan-kim', name: 'Jordan Kim, RN', last24h: 2, last7d: 2 },
      { staff: 'dana-reyes', name: 'Dana Reyes, RN', last24h: 1, last7d: 1 },
      { staff: 'dr-cho', name: 'Dr. Grace Cho', last24h: 0, last7d: 1 },
    ]);
    expect(digest.escalation).toEqual({ items: 7, escalated: 1, rate: 1 / 7 });
    expect(digest.physicianMinutesSaved).toBe(Math.round(3 * 2.3));
  });

  it('lists the oldest open items by reference, queue, age and patient token only', () => {
    expect(digest.oldest.map((o) => [o.queue, o.age])).toEqual([['nursing', '4d 4h'], ['refills', '30h'], ['nursing', '1h']]);
    expect(Object.keys(digest.oldest[0]!).sort()).toEqual(['age', 'itemId', 'patientToken', 'queue', 'ref']);
  });

  it('renders as text for --dry-run', () => {
    const text = digestText(digest, 'Morgan Lee');
    expect(text).toContain('Baton daily digest for Morgan Lee');
    expect(text).toContain('Escalation rate (7d): 14% (1 of 7 reached a physician)');
    expect(text).toContain('Estimated physician time saved (7d): 7 minutes');
  });

  it('uses nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([5], 50)).toBe(5);
    expect(percentile([], 50)).toBeNull();
  });
});
