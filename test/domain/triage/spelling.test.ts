import { describe, expect, it } from 'vitest';
import { loadDefaultTriageRules } from '../../../src/config/triage-schema.ts';
import { buildSpellingTable, nearestWord, withinOneEdit } from '../../../src/domain/triage/spelling.ts';
import { triage } from '../../../src/domain/triage/index.ts';

const rules = loadDefaultTriageRules();
const corrections = (body: string) => triage({ body }, rules).explanation.corrections.map((c) => `${c.from}→${c.to}`);

describe('one edit away', () => {
  it.each([
    ['chest', 'chset', true], // two neighbours swapped
    ['breathing', 'brething', true], // a letter dropped
    ['vomiting', 'vomitting', true], // a letter doubled
    ['seizure', 'siezure', true],
    ['pressure', 'presure', true],
    ['chest', 'chess', true],
    ['chest', 'chats', false],
    ['bleeding', 'bleding', true],
    ['bleeding', 'bleedings!', false],
  ])('%s / %s → %s', (a, b, want) => {
    expect(withinOneEdit(a, b)).toBe(want);
    expect(withinOneEdit(b, a)).toBe(want);
  });
});

describe('spelling tolerance in triage', () => {
  it.each([
    ['my chset hurts', 'chset→chest'],
    ['cant breath rite, brething is hard', 'brething→breathing'],
    ['he had a siezure', 'siezure→seizure'],
    ['vomitting since last night', 'vomitting→vomiting'],
    ['i cant feel my arm', "cant→can't"],
  ])('reads "%s" with %s', (body, fix) => {
    expect(corrections(body)).toContain(fix);
  });

  it.each([
    ['a tight feeling at night', 'night'], // a real word one letter from "tight" stays
    ['I play chess on Tuesdays', 'chess'],
    ['Dr. Patel sent the referral', 'Patel'], // a capitalised name mid-sentence
    ['necesito todas mis pastillas', 'todas'], // Spanish messages: only listed misspellings
  ])('leaves "%s" alone (%s)', (body) => {
    expect(corrections(body)).toEqual([]);
  });

  it('raises the red flag a misspelling hides', () => {
    expect(triage({ body: 'my chset feels tite and preshure going down my arm' }, rules).redFlags.length).toBeGreaterThan(0);
    expect(triage({ body: 'i cant breathe and my lipps are turning blue' }, rules).redFlags.length).toBeGreaterThan(0);
  });

  it('shows a corrected match in the words the patient typed', () => {
    const r = triage({ body: 'my chset feels tight' }, rules);
    expect(r.explanation.redFlags[0]?.evidence[0]).toMatchObject({ field: 'body', text: 'chset feels tight' });
  });

  it('refuses to guess between two words equally near', () => {
    const t = buildSpellingTable(['cared', 'cures'], 5, {}, []);
    expect(nearestWord('cares', t)).toBeUndefined();
  });
});
