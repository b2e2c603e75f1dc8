import { describe, expect, it } from 'vitest';
import { auditCsvRow, csvField } from '../../src/domain/audit-csv.ts';
import { parseAuditForm } from '../../src/domain/audit-search.ts';
import { auditSentence } from '../../src/domain/audit-text.ts';
import { parsePeriod, periodInstants } from '../../src/domain/dashboard.ts';
import { exampleConfig } from '../support/context.ts';

describe('the dashboard period', () => {
  it('defaults to the 30 days up to today, both ends included', () => {
    const p = parsePeriod({}, '2026-12-01');
    expect(p.ok && [p.fromDate, p.toDate, p.days.length, p.days[0], p.days.at(-1)]).toEqual(['2026-11-02', '2026-12-01', 30, '2026-11-02', '2026-12-01']);
    const one = parsePeriod({ from: '2026-12-01', to: '2026-12-01' }, '2026-12-05');
    expect(one.ok && one.days).toEqual(['2026-12-01']);
  });

  it('runs from local midnight to local midnight, across a DST change', () => {
    const p = parsePeriod({ from: '2026-10-31', to: '2026-11-01' }, '2026-12-01');
    if (!p.ok) throw new Error('refused');
    const { from, end } = periodInstants(p, 'America/Chicago');
    expect([from.toISOString(), end.toISOString()]).toEqual(['2026-10-31T05:00:00.000Z', '2026-11-02T06:00:00.000Z']);
  });

  it('lists every problem of the form', () => {
    expect(parsePeriod({ from: 'last week', to: '2026-02-30' }, '2026-12-01')).toEqual({
      ok: false,
      problems: [
        { field: 'to', message: 'expected a date like 2026-12-01 (got "2026-02-30")' },
        { field: 'from', message: 'expected a date like 2026-12-01 (got "last week")' },
      ],
    });
  });
});

describe('audit search form and export', () => {
  const roster = exampleConfig().roster;
  it('reads an item number with or without its B-, a staff key or a system actor, an action and dates', () => {
    expect(parseAuditForm({ item: 'b-12', staff: 'dana-reyes', action: 'item.claim', from: '2026-11-01', to: '2026-11-30' }, roster, 'America/Chicago')).toEqual({
      ok: true,
      filters: { itemSeq: 12, actor: 'dana-reyes', action: 'item.claim', from: new Date('2026-11-01T05:00:00Z'), to: new Date('2026-12-01T06:00:00Z') },
    });
    expect(parseAuditForm({ item: '7', staff: 'unknown:pat@elsewhere.example' }, roster, 'UTC')).toMatchObject({ ok: true, filters: { itemSeq: 7, actor: 'unknown:pat@elsewhere.example' } });
    expect(parseAuditForm({ action: "item.claim'; drop table" }, roster, 'UTC')).toMatchObject({ ok: false, problems: [{ field: 'action' }] });
  });

  it('quotes CSV fields that need it and defuses spreadsheet formulas', () => {
    expect(csvField('Dana Reyes, RN')).toBe('"Dana Reyes, RN"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(null)).toBe('');
  });

  it('writes an event without its reason or detail, which may quote the patient', () => {
    const row = auditCsvRow({ id: 1n, itemId: 'i-1', itemSeq: 4, itemQueue: 'nursing', actor: 'dana-reyes', platform: 'slack', action: 'item.escalate', fromState: 'CLAIMED', toState: 'ESCALATED', reason: 'patient says chest pain', detail: { to: 'dr-cho', note: 'x' }, at: new Date('2026-12-01T15:00:00Z') }, roster);
    expect(row).toBe('2026-12-01T15:00:00.000Z,B-4,i-1,nursing,dana-reyes,"Dana Reyes, RN",slack,item.escalate,CLAIMED,ESCALATED\r\n');
  });

  it('describes console events in words', () => {
    const at = new Date('2026-12-01T15:00:00Z');
    expect(auditSentence({ itemId: null, actor: 'unknown:pat@elsewhere.example', platform: 'console', action: 'console.sign_in_refused', detail: { reason: 'not_on_roster', email: 'pat@elsewhere.example' }, at }, roster, 'UTC')).toBe('Console sign-in refused for pat@elsewhere.example: not on the roster');
    expect(auditSentence({ itemId: null, actor: 'morgan-lee', platform: 'console', action: 'console.sign_out', detail: { reason: 'idle' }, at }, roster, 'UTC')).toBe('Morgan Lee left the console: idle too long');
  });
});
