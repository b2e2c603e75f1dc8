import { describe, expect, it } from 'vitest';
import { CARD_BYTE_LIMIT, cardBytes, noticeCard, renderCard } from '../../../adapters/teams/adaptive-card.ts';
import { renderDigestCard } from '../../../adapters/teams/digest-card.ts';
import { buildCard, type CardView } from '../../../src/domain/card.ts';
import { buildDigest } from '../../../src/domain/digest.ts';
import { Roster, type StaffMember } from '../../../src/domain/roster.ts';
import { ITEM_STATES, type ItemState, type WorkItem } from '../../../src/domain/work-item.ts';
import { cardProblems, cardText, executeActions, expectValidCard, teamsRoster } from './harness.ts';

const NOW = new Date('2026-12-01T15:00:00Z');
const ZONE = 'America/Chicago';

function item(over: Partial<WorkItem> = {}): WorkItem {
  return {
    id: '00000000-0000-4000-8000-00000000abcd', seq: 42, threadKey: 'portal:t-1', queue: 'refills', category: 'rx-refill', priority: 'routine',
    redFlags: [], clinicalContent: false, state: 'OPEN', resumeState: null, ownerId: null, escalatedBy: null, escalationReason: null, onCallId: null, poolFallbackAt: null, snoozedUntil: null,
    patientId: 'pt-1', patientToken: 'T.P. …1234', patientPcp: 'dr-cho', link: 'https://ehr.example.org/inbox/MC-1', version: 3, messageCount: 1,
    everEscalated: false, firstMessageAt: new Date('2026-12-01T14:00:00Z'), lastMessageAt: new Date('2026-12-01T14:00:00Z'),
    createdAt: new Date('2026-12-01T14:00:00Z'), updatedAt: NOW, claimedAt: null, resolvedAt: null,
    claimDueAt: new Date('2026-12-01T18:00:00Z'), resolveDueAt: new Date('2026-12-02T18:00:00Z'), nextReminderAt: null, reminderLevel: 0,
    ...over,
  };
}

const OWNER: Partial<Record<ItemState, string | null>> = { CLAIMED: 'taylor-brooks', ESCALATED: 'dr-cho', RESOLVED: 'taylor-brooks', SNOOZED: 'taylor-brooks' };

function viewOf(state: ItemState, over: Partial<WorkItem> = {}, roster = teamsRoster(), text?: string): CardView {
  const i = item({ state, ownerId: OWNER[state] ?? null, ...(state === 'ESCALATED' ? { escalatedBy: 'taylor-brooks', escalationReason: 'dose check', everEscalated: true } : {}), ...over });
  return buildCard(i, { roster, now: NOW, timezone: ZONE, messageText: text ? 'full' : 'none', excerptLength: 200, latestText: text });
}

describe('Adaptive Card rendering', () => {
  it('fills only the card’s primary action: Claim on an unclaimed card (Resolve plain beside it), Resolve on a claimed one', () => {
    const styles = (state: ItemState) => Object.fromEntries((renderCard(viewOf(state), { timeZone: ZONE }).actions as any[]).map((a) => [a.title, a.style ?? null]));
    expect(styles('OPEN')).toMatchObject({ Claim: 'positive', Resolve: null });
    expect(Object.values(styles('OPEN')).filter((s) => s === 'positive')).toHaveLength(1);
    expect(styles('CLAIMED')).toMatchObject({ Resolve: 'positive', Release: null });
    const resolveForm = (renderCard(viewOf('CLAIMED'), { timeZone: ZONE }).actions as any[]).find((a) => a.title === 'Resolve');
    expect(resolveForm.card.actions[0]).toMatchObject({ verb: 'item.resolve', style: 'positive' });
  });

  it('a snoozed card says until when in the organisation’s zone, with Wake now', () => {
    const view = viewOf('SNOOZED', { resumeState: 'CLAIMED', snoozedUntil: new Date('2026-12-03T15:00:00Z') });
    const card = renderCard(view, { timeZone: ZONE });
    expectValidCard(card);
    expect(cardText(card)).toContain('Snoozed until Thu 3 Dec, 09:00 CST — reason recorded');
    expect(executeActions(card).map((a) => a.verb)).toEqual(['item.view', 'item.wake']);
  });

  it.each([...ITEM_STATES])('a %s card is a valid Adaptive Card 1.5 under 28 KB', (state) => {
    const view = viewOf(state);
    const card = renderCard(view, { timeZone: ZONE });
    expectValidCard(card);
    expect(card.fallbackText).toBe(view.fallbackText);
  });

  it.each([...ITEM_STATES])('every action of a %s card is a Universal Action named after its command, with an Action.Submit fallback', (state) => {
    const view = viewOf(state);
    const card = renderCard(view, { timeZone: ZONE });
    const buttons = executeActions(card);
    // Each command the domain offers is on the card (a picker with no one to pick is left out).
    expect(new Set(buttons.map((b) => b.verb))).toEqual(new Set(view.actions.map((a) => a.command)));
    for (const b of buttons) {
      // What the card showed goes back with the click, so it is judged against it (actOnCard).
      const seen = { itemId: view.itemId, version: 3, state, ownerId: view.owner?.key ?? null };
      expect(b.data).toEqual(seen);
      expect(b.fallback).toEqual({ type: 'Action.Submit', title: b.title, data: { verb: b.verb, ...seen } });
    }
    expect((card.actions as unknown[]).length).toBeLessThanOrEqual(5);
  });

  it('asks for the inputs each command needs, in forms opened from the card', () => {
    const inputs = (card: any) => {
      const ids: string[] = [];
      for (const a of card.actions) for (const el of a.card?.body ?? []) if (String(el.type).startsWith('Input.')) ids.push(el.id);
      return ids;
    };
    expect(inputs(renderCard(viewOf('OPEN'), { timeZone: ZONE }))).toEqual(['escalateTo', 'escalateReason', 'reassignTo', 'snoozeFor', 'snoozeReason', 'resolveNote']);
    expect(inputs(renderCard(viewOf('ESCALATED'), { timeZone: ZONE }))).toEqual(['resolveNote', 'returnInstructions', 'handTo']);
    const open = renderCard(viewOf('OPEN'), { timeZone: ZONE }) as any;
    const escalate = open.actions.find((a: any) => a.title === 'Escalate to physician');
    expect(escalate.card.body[0].choices.map((c: any) => c.value)).toEqual(['dr-alvarez', 'dr-baker', 'dr-cho', 'pool']);
    expect(escalate.card.body[0].value).toBe('dr-cho'); // the card's defaultChoice: the patient's PCP
    expect(escalate.card.body[1]).toMatchObject({ isRequired: true, maxLength: 1000 });
    const reassign = open.actions.find((a: any) => a.title === 'Reassign');
    expect(reassign.card.body[0].choices.map((c: any) => c.value)).toEqual(['chris-park', 'taylor-brooks', 'jordan-kim']);
  });

  it('offers the other physicians, not the assignee, when handing over', () => {
    const card = renderCard(viewOf('ESCALATED'), { timeZone: ZONE }) as any;
    const hand = card.actions.find((a: any) => a.title === 'Hand to another physician');
    expect(hand.card.body[0].choices.map((c: any) => c.value)).toEqual(['dr-alvarez', 'dr-baker']);
  });

  it('shows patient-written text literally: markdown and links in a message do nothing', () => {
    const view = viewOf('OPEN', {}, teamsRoster(), 'Please **call** me [here](https://evil.example) now');
    const card = renderCard(view, { timeZone: ZONE });
    const json = JSON.stringify(card);
    expect(json).toContain('{"type":"RichTextBlock","inlines":[{"type":"TextRun","text":"Please **call** me [here](https://evil.example) now"}]}');
    expectValidCard(card);
  });

  it('keeps the card under 28 KB with a huge roster, full message text and a long private thread', () => {
    const base = teamsRoster();
    const many: StaffMember[] = Array.from({ length: 300 }, (_, i) => ({
      key: `staff-${i}`, name: `Staff Member With A Long Name Number ${i}`, roles: ['ma'], physician: i % 3 === 0, lead: false, manager: false, active: true,
    }));
    const roster = new Roster([...base.staff, ...many], base.queues.map((q) => (q.key === 'refills' ? { ...q, members: [...q.members, ...many.map((m) => m.key)] } : q)));
    const text = 'Ünïcödé text with every kind of 字符 '.repeat(2_000);
    const view = viewOf('OPEN', {}, roster, text);
    const messages = Array.from({ length: 30 }, (_, i) => ({ subject: `Subject ${i}`, body: text, sentAt: NOW }));
    for (const card of [renderCard(view, { timeZone: ZONE }), renderCard(view, { timeZone: ZONE, messages, notice: { tone: 'accent', text: 'x' } })]) {
      expect(cardBytes(card)).toBeLessThan(CARD_BYTE_LIMIT);
      expect(cardProblems(card)).toEqual([]);
    }
  });

  it('marks a red flag and a missed target on the card', () => {
    const card = renderCard(viewOf('OPEN', { redFlags: ['chest pain'], priority: 'stat', category: 'red-flag', claimDueAt: new Date('2026-12-01T14:30:00Z') }), { timeZone: ZONE }) as any;
    expect(card.body[0].style).toBe('attention');
    expect(cardText(card)).toContain('Red flag: chest pain: a clinician reviews this within minutes.');
    expect(cardText(card)).toContain('STAT');
    expect(cardText(card)).toContain('Claim overdue by 30m (was due Tue 1 Dec, 08:30 CST) ⚠');
    expect(card.fallbackText).toMatch(/^RED FLAG: /);
    expect(card.fallbackText).not.toContain('chest pain');
  });

  it('puts the private notice first and the messages in their own block', () => {
    const card = renderCard(viewOf('CLAIMED'), { timeZone: ZONE, notice: { tone: 'warning', text: 'Already claimed by Taylor Brooks, MA.' }, messages: [{ subject: 'Refill', body: 'hello', sentAt: NOW }] }) as any;
    expect(card.body[0]).toMatchObject({ type: 'Container', style: 'warning' });
    expect(cardText(card)).toContain('Only you can see this');
    expectValidCard(card);
  });

  it('shows the escalation reason only on the assignee’s copy (or where config shows text); the channel card says it was recorded', () => {
    const i = item({ state: 'ESCALATED', ownerId: 'dr-cho', escalatedBy: 'taylor-brooks', escalationReason: 'BP 190/110 with a headache', everEscalated: true });
    const view = (o: Partial<Parameters<typeof buildCard>[1]>) => cardText(renderCard(buildCard(i, { roster: teamsRoster(), now: NOW, timezone: ZONE, messageText: 'none', excerptLength: 200, ...o }), { timeZone: ZONE }));
    const channel = view({});
    expect(channel).toContain('Escalated by Taylor Brooks, MA to Dr. Grace Cho — reason recorded');
    expect(channel).not.toContain('190/110');
    expect(view({ staffText: 'show' })).toContain('Escalated by Taylor Brooks, MA to Dr. Grace Cho: BP 190/110 with a headache');
  });

  it('puts the team’s notes in the private View message answer', () => {
    const card = renderCard(viewOf('CLAIMED'), { timeZone: ZONE, messages: [{ subject: null, body: 'hi', sentAt: NOW }], notes: [{ at: NOW, by: 'Dr. Grace Cho', what: 'returned', text: 'approve 30 days' }] });
    expectValidCard(card);
    expect(cardText(card)).toContain('approve 30 days');
    expect(cardText(card)).toContain('Dr. Grace Cho returned');
  });

  it('renders notices and the manager digest as valid cards, the digest without message text', () => {
    expectValidCard(noticeCard('That item no longer exists.'));
    const items = [item(), item({ id: 'b', seq: 43, state: 'RESOLVED', ownerId: 'taylor-brooks', resolvedAt: NOW, claimedAt: NOW })];
    const digest = buildDigest({ items, now: NOW, organization: 'Riverside', queues: teamsRoster().queues.map((q) => ({ key: q.key, name: q.name })), staffName: (k) => k, physicianMinutesPerMessage: 4 });
    const card = renderDigestCard(digest, 'Morgan Lee', ZONE);
    expectValidCard(card);
    expect(cardText(card)).toContain('B-42');
    expect(cardText(card)).toContain('Refills');
  });
});
