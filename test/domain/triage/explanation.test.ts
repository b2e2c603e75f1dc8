import { describe, expect, it } from 'vitest';
import { loadDefaultTriageRules } from '../../../src/config/triage-schema.ts';
import { triage } from '../../../src/domain/triage/index.ts';

const rules = loadDefaultTriageRules();

describe('triage explanations', () => {
  it('names the rule, its plain name and the matched words where the patient wrote them', () => {
    const subject = 'Refill';
    const body = 'Please refill my inhaler.  Also   my Chest feels TIGHT since noon.';
    const r = triage({ subject, body }, rules);
    expect(r.redFlags).toContain('chest-pressure');
    const hit = r.explanation.redFlags.find((h) => h.rule === 'chest-pressure')!;
    expect(hit.label).toBe('chest pressure');
    const e = hit.evidence[0]!;
    expect(e.field).toBe('body');
    expect(body.slice(e.start, e.end)).toBe(e.text);
    expect(e.text).toMatch(/^Chest feels TIGHT/);
    expect(r.redFlagLabels).toContain('chest pressure');
  });

  it('lists a finding that was set aside with the modifier that set it aside', () => {
    const r = triage({ body: 'No chest pain. My dad had a stroke years ago. Can I book a physical?' }, rules);
    expect(r.redFlags).toEqual([]);
    const cats = r.explanation.setAside.flatMap((s) => s.findings.flatMap((f) => f.modifiers.filter((m) => m.applies).map((m) => `${s.rule}:${m.category}`)));
    expect(cats).toEqual(expect.arrayContaining(['chest-pain:negated', 'stroke:historical']));
  });

  it('keeps a transient stroke sign that resolved, and says the resolution was disregarded', () => {
    const r = triage({ body: 'Last night my right hand went numb and my speech was garbled for 10 minutes, but it went away.' }, rules);
    expect(r.redFlags.length).toBeGreaterThan(0);
  });

  it('ignores a staff disclaimer quoted in a reply', () => {
    const body = 'Sounds good, thanks!\n\n-----Original message-----\nFrom: Clinic\nIf you are having chest pain or trouble breathing, call 911.';
    const r = triage({ subject: 'Re: your refill', body }, rules);
    expect(r.redFlags).toEqual([]);
    expect(r.explanation.setAside.flatMap((s) => s.findings.flatMap((f) => f.modifiers.map((m) => m.category)))).toContain('quoted');
  });
});

describe('safety-first routing', () => {
  it.each([
    ['Refill', 'Please refill my metformin. Also I have had a new rash on my arms for two days.'],
    ['Bill', 'Question about my statement. Also my knee is swollen and hurts since Monday.'],
  ])('marks a symptom in a clerical request as clinical content at urgent priority: %s', (subject, body) => {
    const r = triage({ subject, body }, rules);
    // Routed to the clinical queue outright is safe too; a clerical queue needs the badge.
    const safe = r.category === 'clinical-question' || (r.clinicalContent && r.priority === 'urgent');
    expect(safe, `${r.category}, clinicalContent ${r.clinicalContent}, ${r.priority}`).toBe(true);
  });

  it('leaves a denied or purely clerical message alone', () => {
    expect(triage({ subject: 'Refill', body: 'Refill of my lisinopril please, no problems, feeling fine.' }, rules)).toMatchObject({ clinicalContent: false, priority: 'routine' });
  });
});
