import { describe, expect, it } from 'vitest';
import { buttonValue, cardMessage, messageTextAnswer, parseButtonValue, threadNoteMessage } from '../../../adapters/slack/blocks.ts';
import { digestMessage } from '../../../adapters/slack/digest-blocks.ts';
import { mrkdwn, mrkdwnChunks, plain, safeUrl } from '../../../adapters/slack/limits.ts';
import { commandFromForm, escalateModal, reassignModal, snoozeModal, returnModal } from '../../../adapters/slack/modals.ts';
import { actionsFor, type CardView } from '../../../src/domain/card.ts';
import type { DigestModel } from '../../../src/domain/digest.ts';
import type { StaffMember } from '../../../src/domain/roster.ts';
import { blockProblems } from './fake-slack.ts';

/** Rendering is pure: every surface must stay inside Slack's limits whatever the input. */

const huge = (n: number, unit = 'Lorem ipsum <!channel> & co > ') => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

function card(over: Partial<CardView> = {}): CardView {
  return {
    itemId: '00000000-0000-4000-8000-000000000001',
    ref: 'B-1',
    version: 3,
    title: 'Prescription refill',
    category: 'rx-refill',
    priority: 'routine',
    redFlag: false,
    redFlagLine: null,
    clinicalContent: false,
    state: 'CLAIMED',
    stateLabel: 'Claimed',
    priorityLabel: 'Routine',
    statusLine: 'Claimed: Taylor Brooks, MA',
    onCall: null,
    queue: { key: 'refills', name: 'Refills' },
    owner: { key: 'taylor-brooks', name: 'Taylor Brooks, MA' },
    ownerLabel: 'Taylor Brooks, MA',
    patientToken: 'T.P. …1234',
    age: '2h',
    sla: { label: 'Response due in 3h', breached: false, dueAt: '2026-12-01T20:00:00Z' },
    messageCount: 1,
    escalation: null,
    snooze: null,
    text: null,
    link: 'https://ehr.example.org/inbox/1',
    actions: actionsFor('CLAIMED', 'taylor-brooks'),
    fallbackText: 'Prescription refill (routine) in Refills, B-1: claimed',
    ...over,
  };
}

describe('card rendering', () => {
  it('keeps every limit with absurd inputs: long names, reasons, notes and full message text', () => {
    const c = card({
      title: huge(500),
      queue: { key: 'refills', name: huge(5000) },
      owner: { key: 'x', name: huge(5000) },
      patientToken: huge(3000),
      state: 'ESCALATED',
      stateLabel: 'With a physician',
      escalation: { reason: huge(20_000), by: huge(1000), to: huge(1000) },
      snooze: { until: '2026-12-03T15:00:00Z', untilLabel: huge(500), reason: huge(20_000) },
      text: huge(400_000, 'A patient wrote a very long message with emoji 😷 and <tags> & ampersands.\n'),
      link: 'https://ehr.example.org/' + 'x'.repeat(5000),
      actions: actionsFor('ESCALATED', null),
    });
    const m = cardMessage(c, { intro: huge(10_000), notes: Array.from({ length: 5 }, () => huge(3000)) });
    expect(blockProblems(m.blocks, 50)).toEqual([]);
    expect(m.blocks.length).toBe(50);
    expect(m.blocks.at(-1)!.type).toBe('actions'); // the buttons always survive
    expect(JSON.stringify(m.blocks)).toContain('_(cut: use View message)_');
    expect(m.text).toBe(c.fallbackText);
  });

  it('escapes typed text so it cannot ping a channel or forge a link', () => {
    const m = cardMessage(card({ state: 'ESCALATED', escalation: { reason: '<!channel> see <https://evil.example|here> & now', by: 'Sam', to: 'the physician pool' } }));
    const s = JSON.stringify(m.blocks);
    expect(s).not.toContain('<!channel>');
    expect(s).toContain('&lt;!channel&gt; see &lt;https://evil.example|here&gt; &amp; now');
    expect(threadNoteMessage('<!here> hi').blocks[0]).toMatchObject({ text: { text: '&lt;!here&gt; hi' } });
  });

  it('shows an escalation reason only where the card may, and else says it was recorded', () => {
    const withheld = JSON.stringify(cardMessage(card({ state: 'ESCALATED', escalation: { reason: null, by: 'Dana Reyes, RN', to: 'Dr. Elena Alvarez' } })).blocks);
    expect(withheld).toContain('*Escalated by Dana Reyes, RN to Dr. Elena Alvarez* — reason recorded');
    const shown = JSON.stringify(cardMessage(card({ state: 'ESCALATED', escalation: { reason: 'Swelling after a fall', by: 'Dana Reyes, RN', to: 'Dr. Elena Alvarez' } })).blocks);
    expect(shown).toContain('*Escalated by Dana Reyes, RN to Dr. Elena Alvarez:* Swelling after a fall');
  });

  it('links only http(s) EHR URLs', () => {
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('https://ehr.example.org/a?b=1|2>3')).toBe('https://ehr.example.org/a?b=1%7C2%3E3');
    expect(JSON.stringify(cardMessage(card({ link: 'javascript:alert(1)' })).blocks)).not.toContain('javascript');
  });

  it('buttons carry the item, its version and what the card showed; action ids are the command names', () => {
    const m = cardMessage(card());
    const actions = m.blocks.find((b) => b.type === 'actions') as any;
    expect(actions.elements.map((e: any) => e.action_id)).toEqual(['item.release', 'item.escalate', 'item.reassign', 'item.snooze', 'item.resolve', 'item.view']);
    for (const e of actions.elements) expect(parseButtonValue(e.value)).toEqual({ i: card().itemId, v: 3, s: 'CLAIMED', o: 'taylor-brooks' });
    expect(parseButtonValue('{"i":"x"}')).toBeNull();
    expect(parseButtonValue('not json')).toBeNull();
    expect(buttonValue(card()).length).toBeLessThan(2000);
  });

  it('the notification text never carries the message text, even when the card may show it', () => {
    const m = cardMessage(card({ text: 'My chest hurts since yesterday' }), { notice: 'Escalated to you' });
    expect(m.text).toBe('Escalated to you: Prescription refill (routine) in Refills, B-1: claimed');
    expect(JSON.stringify(m.blocks)).toContain('My chest hurts');
  });

  it('the private View message answer carries the team’s notes after the messages, escaped', () => {
    const m = messageTextAnswer('B-1', [{ subject: null, body: 'hello', sentAt: new Date('2026-12-01T12:00:00Z') }], [{ at: new Date('2026-12-01T13:00:00Z'), by: 'Dr. Grace Cho', what: 'returned', text: 'approve 30 days <!here>' }]);
    expect(blockProblems(m.blocks, 50)).toEqual([]);
    const last = JSON.stringify(m.blocks.at(-1));
    expect(last).toContain('Team notes');
    expect(last).toContain('Dr. Grace Cho (returned): approve 30 days &lt;!here&gt;');
  });

  it('a long patient message view fits in one ephemeral message, newest first kept', () => {
    const messages = Array.from({ length: 30 }, (_, n) => ({ subject: `Subject ${n}`, body: huge(9000), sentAt: new Date(Date.UTC(2026, 11, 1, 12, n)) }));
    const m = messageTextAnswer('B-1', messages);
    expect(blockProblems(m.blocks, 50)).toEqual([]);
    expect(JSON.stringify(m.blocks)).toContain('Subject 29');
    expect(JSON.stringify(m.blocks)).toContain('earlier message(s) are not shown');
    expect(m.text).not.toContain('Lorem');
  });
});

describe('text helpers', () => {
  it('never exceed their limit and never split an emoji or an escape', () => {
    for (const max of [1, 2, 5, 10, 75]) {
      expect(plain('😷'.repeat(100), max).length).toBeLessThanOrEqual(max);
      expect(mrkdwn('&<>'.repeat(100), max).length).toBeLessThanOrEqual(max);
      expect(mrkdwn('&<>'.repeat(100), max)).toMatch(/^(&amp;|&lt;|&gt;)*…?$/);
    }
    const parts = mrkdwnChunks(huge(20_000, 'line with & and 😷\n'), 3000);
    expect(parts.every((p) => p.length <= 3000)).toBe(true);
    expect(parts.join('').replace(/\n/g, '')).toBe(mrkdwn(huge(20_000, 'line with & and 😷\n'), 1e9).replace(/\n/g, ''));
  });
});

describe('modals', () => {
  const meta = { i: 'item-1', v: 3, s: 'CLAIMED' as const, o: 'taylor-brooks', c: 'C0REFILL', t: '1.2' };
  const staff = (n: number, physician = false): StaffMember[] =>
    Array.from({ length: n }, (_, i) => ({ key: `s-${i}`, name: huge(200), roles: [], physician, lead: false, manager: false, active: true }));

  /** The card's pickers offer `people` (as buildCard fills them in from the roster). */
  const offering = (people: StaffMember[]) => {
    const choices = people.map((p) => ({ value: p.key, label: p.name }));
    return card({ actions: actionsFor('CLAIMED', 'taylor-brooks').map((a) => (a.input === 'staff' || a.input === 'physician-and-reason' ? { ...a, choices, defaultChoice: choices[0]?.value } : a.input === 'snooze' ? { ...a, choices: [{ value: '60', label: '1 hour' }], defaultChoice: '60' } : a)) });
  };

  it('stay within view limits with 300 people on the roster', () => {
    for (const v of [escalateModal(offering(staff(300, true)), meta), reassignModal(offering(staff(300)), meta)!, snoozeModal(offering([]), meta), returnModal(card({ state: 'ESCALATED' }), meta)]) {
      expect(blockProblems(v.blocks, 100)).toEqual([]);
      expect(v.title.text.length).toBeLessThanOrEqual(24);
      expect(v.private_metadata!.length).toBeLessThanOrEqual(3000);
      expect(JSON.stringify(v)).not.toContain('T.P.'); // no patient token outside message content
    }
  });

  it('turn submissions into commands, or field errors', () => {
    const now = new Date('2026-12-01T15:00:00Z');
    const sel = (value: string) => ({ value: { selected_option: { value } } });
    const txt = (value: string) => ({ value: { value } });
    expect(commandFromForm('item.escalate', { reason: txt(' dose '), physician: sel('pool') }, now)).toEqual({ ok: true, command: { type: 'escalate', reason: 'dose', to: undefined } });
    expect(commandFromForm('item.escalate', { reason: txt('x'), physician: sel('dr-cho') }, now)).toEqual({ ok: true, command: { type: 'escalate', reason: 'x', to: 'dr-cho' } });
    expect(commandFromForm('item.snooze', { duration: sel('60'), reason: txt('fax') }, now)).toEqual({ ok: true, command: { type: 'snooze', reason: 'fax', until: new Date('2026-12-01T16:00:00Z') } });
    expect(commandFromForm('item.snooze', { duration: sel('61'), reason: txt('') }, now)).toEqual({ ok: false, errors: { duration: 'Choose how long.', reason: 'Say what the item is waiting on.' } });
    expect(commandFromForm('item.reassign', {}, now)).toEqual({ ok: false, errors: { to: 'Choose who takes it.' } });
    expect(commandFromForm('item.return', { instructions: txt('call back') }, now)).toEqual({ ok: true, command: { type: 'return', instructions: 'call back' } });
  });
});

describe('digest', () => {
  it('renders within limits and keeps patient tokens out of the notification text', () => {
    const p = { count: 3, medianMinutes: 42, p90Minutes: 130 };
    const d: DigestModel = {
      at: '2026-12-01 07:30',
      organization: 'Riverside Family Medicine',
      backlog: [{ queue: 'refills', queueName: 'Refills', bands: [1, 2, 3, 4], total: 10 }],
      bandLabels: ['< 4h', '4–24h', '1–3d', '> 3d'],
      pastSla: 2,
      timeToClaim: { last24h: p, last7d: p },
      timeToResolve: { last24h: p, last7d: p },
      resolvedPerPerson: [{ staff: 'taylor-brooks', name: 'Taylor Brooks, MA', last24h: 3, last7d: 12 }],
      workload: [{ staff: 'taylor-brooks', name: 'Taylor Brooks, MA', claimed: 4, snoozed: 1, escalated: 0, open: 5 }],
      escalation: { items: 20, escalated: 4, rate: 0.2 },
      oldest: Array.from({ length: 200 }, (_, n) => ({ ref: `B-${n}`, itemId: `i-${n}`, queue: 'refills', age: '3d', patientToken: 'T.P. …1234' })),
      physicianMinutesSaved: 37,
    };
    const m = digestMessage(d);
    expect(blockProblems(m.blocks, 50)).toEqual([]);
    expect(m.text).toBe('Baton daily digest — Riverside Family Medicine');
    expect(JSON.stringify(m.blocks)).toContain('B-0');
    expect(JSON.stringify(m.blocks)).toContain('Taylor Brooks, MA: 5 open (4 claimed, 1 snoozed)');
  });
});
