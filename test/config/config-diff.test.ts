import { describe, expect, it } from 'vitest';
import { configDiff, triageDiff } from '../../src/config/config-diff.ts';
import type { ParsedConfig } from '../../src/config/schema.ts';
import { exampleConfig } from '../support/context.ts';

const base = () => structuredClone(exampleConfig().raw) as ParsedConfig;

describe('configDiff', () => {
  it('says nothing when nothing changed', () => {
    expect(configDiff(base(), base())).toEqual([]);
  });

  it('names staff and queues by key: added, removed, and the changed field', () => {
    const before = base();
    const after = base();
    after.staff.push({ key: 'dr-xu', name: 'Dr. Quentin Xu', roles: [], physician: true, lead: false, manager: false, active: true });
    after.staff = after.staff.filter((s) => s.key !== 'sam-ortiz');
    after.staff.find((s) => s.key === 'dana-reyes')!.name = 'Dana Reyes-Whitfield, RN';
    after.queues.find((q) => q.key === 'front-desk')!.members.push('dr-xu');
    expect(configDiff(before, after)).toEqual([
      'staff.added: [dr-xu]',
      'staff.removed: [sam-ortiz]',
      'staff.dana-reyes.name changed',
      'queues.front-desk.members changed',
    ]);
  });

  it('names SLA policies by position, and never quotes a value', () => {
    const before = base();
    const after = base();
    after.sla[1]!.claimWithin = 999;
    after.organization.name = 'Quintessential Clinic';
    after.businessHours.holidays.push('2026-12-31');
    const lines = configDiff(before, after);
    expect(lines).toEqual(['organization.name changed', 'businessHours.holidays changed', 'sla[1].claimWithin changed']);
    expect(lines.join('\n')).not.toMatch(/999|Quintessential|2026-12-31/);
  });

  it('says what was added to or removed from a section, by key path', () => {
    const before = base();
    const after = base();
    after.physicianPool = { ...after.physicianPool, onCall: { handover: '08:00', weekly: { mon: { physician: 'dr-cho' } }, overrides: [] } };
    after.sla.push({ ...after.sla[0]!, queue: 'billing' });
    expect(configDiff(before, after)).toEqual(['physicianPool.onCall added', `sla[${before.sla.length}] added`]);
  });
});

describe('triageDiff', () => {
  it('names red-flag rules by name and category rules by category, never a pattern', () => {
    const before = exampleConfig().triageRules;
    const after = structuredClone(before);
    after.redFlags = after.redFlags.filter((r) => r.name !== 'chest-pain');
    after.redFlags.push({ name: 'purple-toes', priority: 'stat', patterns: ['purple\\s+toes'] });
    after.categories.find((c) => c.category === 'rx-refill')!.strong = [...(after.categories.find((c) => c.category === 'rx-refill')!.strong ?? []), 'zzrefillzz'];
    const lines = triageDiff(before, after);
    expect(lines).toEqual(['triage.categories.rx-refill.strong changed', 'triage.redFlags.added: [purple-toes]', 'triage.redFlags.removed: [chest-pain]']);
    expect(lines.join('\n')).not.toMatch(/zzrefillzz|toes\\s/);
  });

  it('does not print keys that are not identifiers (a misspelling table): its parent is "changed"', () => {
    const before = exampleConfig().triageRules;
    const after = structuredClone(before);
    after.spelling = { ...after.spelling, misspellings: { ...after.spelling.misspellings, "my preggers": 'pregnant' } };
    expect(triageDiff(before, after)).toEqual(['triage.spelling.misspellings changed']);
  });
});
