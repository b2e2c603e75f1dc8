import { describe, expect, it } from 'vitest';
import { threadLines } from '../../../adapters/sandbox/audit-lines.ts';
import { timeLabel } from '../../../adapters/sandbox/time-label.ts';
import type { AuditRecord } from '../../../src/domain/audit.ts';
import { exampleConfig } from '../../support/context.ts';

const CHI = 'America/Chicago';
const NOW = new Date('2026-12-01T15:00:00Z'); // Tuesday 09:00 in Chicago

describe('times on the sandbox page, in the organisation’s zone', () => {
  it.each([
    ['earlier today', '2026-12-01T14:05:00Z', '08:05'],
    ['today in UTC, still yesterday in Chicago', '2026-12-01T05:30:00Z', 'Mon 30 Nov, 23:30'],
    ['another day this year', '2026-11-03T20:15:00Z', 'Tue 3 Nov, 14:15'],
    ['another year', '2025-12-31T23:00:00Z', '31 Dec 2025, 17:00'],
  ])('%s: %s reads "%s"', (_what, at, label) => {
    expect(timeLabel(new Date(at), NOW, CHI).label).toBe(label);
  });

  it('names the zone in the full time (the tooltip)', () => {
    expect(timeLabel(new Date('2026-12-01T14:05:00Z'), NOW, CHI)).toEqual({ at: '2026-12-01T14:05:00.000Z', label: '08:05', title: 'Tue 1 Dec, 08:05 CST' });
  });
});

describe('thread lines', () => {
  const roster = exampleConfig().roster;
  const record = (over: Partial<AuditRecord>): AuditRecord => ({
    itemId: 'i-1', actor: 'dana-reyes', platform: 'sandbox', action: 'item.claim', fromState: 'OPEN', toState: 'CLAIMED', detail: {}, at: NOW, ...over,
  });

  it('shows the date of a line from another day, and only the time of today’s', () => {
    const lines = threadLines([record({ at: new Date('2026-11-30T22:10:00Z') }), record({ at: new Date('2026-12-01T14:50:00Z') })], roster, { now: NOW, zone: CHI });
    expect(lines.map((l) => l.atLabel)).toEqual(['Mon 30 Nov, 16:10', '08:50']);
  });

  it('says when a message’s sent time was in the future, and shows a snooze’s end in the organisation’s zone', () => {
    const lines = threadLines([
      record({ actor: 'ingest:portal', action: 'item.created', fromState: null, toState: 'OPEN', detail: { queue: 'nursing', sentAtInFuture: '2026-12-03T15:00:00.000Z' } }),
      record({ action: 'item.snooze', toState: 'SNOOZED', detail: { until: '2026-12-01T17:00:00.000Z' }, reason: 'pharmacy callback' }),
    ], roster, { now: NOW, zone: CHI });
    expect(lines.map((l) => l.text)).toEqual([
      'Message received from the portal feed into Nursing (sent time was in the future; using received time)',
      'Dana Reyes, RN snoozed it until Tue 1 Dec, 11:00 CST — reason recorded',
    ]);
  });

  it('says who was on call for a pool escalation, and when it went on to the whole pool', () => {
    const lines = threadLines([
      record({ action: 'item.escalate', toState: 'ESCALATED', detail: { to: 'physician-pool', onCall: 'dr-alvarez' }, reason: 'BP 150/95' }),
      record({ actor: 'system', action: 'escalation.pool_fallback', fromState: 'ESCALATED', toState: 'ESCALATED', detail: { onCall: 'dr-alvarez', fallbackAt: '2026-12-01T15:30:00.000Z' } }),
    ], roster, { now: NOW, zone: CHI });
    expect(lines.map((l) => l.text)).toEqual([
      'Dana Reyes, RN escalated it to the physician pool (on call: Dr. Elena Alvarez, first) — reason recorded',
      'Dr. Elena Alvarez (on call) had not taken it: sent to the whole physician pool',
    ]);
  });
});
