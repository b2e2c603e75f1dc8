import { describe, expect, it } from 'vitest';
import { actionsBlock, answer, cardMessage, messageTextAnswer, threadNoteMessage } from '../../../adapters/slack/blocks.ts';
import { digestMessage } from '../../../adapters/slack/digest-blocks.ts';
import { homeView, slashAnswer } from '../../../adapters/slack/home.ts';
import { escalateModal, reassignModal, returnModal, snoozeModal, type ModalMeta } from '../../../adapters/slack/modals.ts';
import { failureText } from '../../../adapters/slack/interactions.ts';
import { actOnCard } from '../../../src/app/act-on-card.ts';
import { ingestMessage } from '../../../src/app/ingest-message.ts';
import { cardForItem } from '../../../src/app/item-card.ts';
import { actionsFor, type CardView } from '../../../src/domain/card.ts';
import { buildDigest } from '../../../src/domain/digest.ts';
import { Roster } from '../../../src/domain/roster.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';
import { contextFor, exampleConfig, FixedClock, portalMessage } from '../../support/context.ts';

/**
 * Typed and configured text (staff and queue names, notes, reasons) must never become a Slack
 * control sequence: `<!channel>` pages a whole channel, `<@U1>` pings someone, `<url|label>`
 * forges a link, and a bare `&` breaks the escapes. Every mrkdwn surface Baton renders is checked:
 * its only `<…>` sequences are Baton's own (dates, channel links, the EHR link), and every `&` is
 * an escape.
 */

const HOSTILE = '<!channel> <@U1> & <https://evil.example|click>';

/** Every mrkdwn string in a rendered surface, and the notification `text` (Slack parses it as mrkdwn too). */
function mrkdwnTexts(x: unknown, out: string[] = []): string[] {
  if (Array.isArray(x)) x.forEach((v) => mrkdwnTexts(v, out));
  else if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    for (const v of Object.values(o)) mrkdwnTexts(v, out);
  }
  return out;
}

const OWN = [/^<!date\^\d+\^\{date_short_pretty\} \{time\}\|[\d-]+ [\d:]+ UTC>$/, /^<#[CG][A-Z0-9]+>$/, /^<https:\/\/ehr\.example\.org\/[^|<>\s]*\|Open in the EHR>$/];

function controlProblems(surface: { text?: string; blocks?: unknown } | Record<string, unknown>): string[] {
  const texts = mrkdwnTexts(surface);
  if (typeof (surface as { text?: unknown }).text === 'string') texts.push((surface as { text: string }).text);
  const problems: string[] = [];
  for (const t of texts) {
    for (const seq of t.match(/<[^>]*>?/g) ?? []) if (!OWN.some((r) => r.test(seq))) problems.push(`control sequence ${seq} in ${JSON.stringify(t.slice(0, 120))}`);
    if (/&(?!amp;|lt;|gt;)/.test(t)) problems.push(`bare & in ${JSON.stringify(t.slice(0, 120))}`);
  }
  return problems;
}

function hostileCard(over: Partial<CardView> = {}): CardView {
  return {
    itemId: '00000000-0000-4000-8000-000000000001',
    ref: 'B-1',
    version: 3,
    title: `Refill ${HOSTILE}`,
    category: 'rx-refill',
    priority: 'routine',
    redFlag: true,
    redFlagLine: `Red flag: ${HOSTILE}`,
    clinicalContent: false,
    state: 'ESCALATED',
    stateLabel: 'With a physician',
    priorityLabel: 'Routine',
    statusLine: `With a physician: ${HOSTILE}`,
    onCall: null,
    queue: { key: 'refills', name: `Refills ${HOSTILE}` },
    owner: { key: 'x', name: `Sam ${HOSTILE}` },
    ownerLabel: `Sam ${HOSTILE} (covering for ${HOSTILE})`,
    patientToken: `T.P. ${HOSTILE}`,
    age: '2h',
    sla: { label: `Response overdue ${HOSTILE}`, breached: true, dueAt: '2026-12-01T20:00:00Z' },
    messageCount: 2,
    escalation: { by: `Dana ${HOSTILE}`, to: `Dr. ${HOSTILE}`, reason: `Reason ${HOSTILE}` },
    snooze: { until: '2026-12-03T15:00:00Z', untilLabel: 'Thu 3 Dec, 09:00 CST', reason: `Waiting on ${HOSTILE}` },
    text: `Patient wrote ${HOSTILE}`,
    link: 'https://ehr.example.org/inbox/1?a=1&b=<2>',
    actions: actionsFor('ESCALATED', 'x'),
    fallbackText: `Refill in Refills ${HOSTILE}, B-1: with a physician`,
    ...over,
  };
}

describe('no unescaped control sequence reaches a rendered surface', () => {
  it('the checker itself catches raw sequences and bare ampersands', () => {
    expect(controlProblems({ text: '<!channel>', blocks: [] })).toHaveLength(1);
    expect(controlProblems({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'a & b <@U1>' } }] })).toHaveLength(2);
    expect(controlProblems({ text: 'a &amp; b &lt;@U1&gt; <!date^1^{date_short_pretty} {time}|2026-12-01 20:00 UTC> <#C0ABC>' })).toEqual([]);
  });

  it('cards (with intro and notes), thread notes, private answers and the message view', () => {
    const c = hostileCard();
    expect(controlProblems(cardMessage(c, { intro: `For ${HOSTILE}`, notes: [`note ${HOSTILE}`], notice: 'Escalated to you' }))).toEqual([]);
    expect(controlProblems(cardMessage(hostileCard({ state: 'OPEN', owner: null, ownerLabel: null, escalation: null })))).toEqual([]);
    expect(controlProblems(threadNoteMessage(`Claimed by ${HOSTILE}`))).toEqual([]);
    expect(controlProblems(answer(`Already claimed by ${HOSTILE}.`))).toEqual([]);
    expect(controlProblems(answer(failureText({ ok: false, code: 'item.not_authorized', message: `Not yours: ${HOSTILE}` } as never, 'U0X')))).toEqual([]);
    const view = messageTextAnswer(`B-1 ${HOSTILE}`, [{ subject: `Subject ${HOSTILE}`, body: `Body ${HOSTILE}`, sentAt: new Date('2026-12-01T14:00:00Z'), highlights: [{ field: 'body', start: 0, end: 4 }] }], [
      { at: new Date('2026-12-01T14:30:00Z'), by: `Dana ${HOSTILE}`, what: `escalation ${HOSTILE}`, text: `because ${HOSTILE}` },
    ]);
    expect(controlProblems(view)).toEqual([]);
    expect(JSON.stringify(cardMessage(c).blocks)).toContain('&lt;!channel&gt; &lt;@U1&gt; &amp;');
  });

  it('modals', () => {
    const c = hostileCard({ state: 'CLAIMED' });
    const meta: ModalMeta = { i: c.itemId, v: 3, s: 'CLAIMED', o: 'x', c: 'C0REFILL', t: '1.2' };
    // The pickers' names come from the card's choices (the roster's names): hostile ones too.
    const choices = [{ value: 'dr-x', label: `Dr. ${HOSTILE}` }];
    c.actions = actionsFor('CLAIMED', 'x').map((a) => (a.input === 'staff' || a.input === 'physician-and-reason' ? { ...a, choices, defaultChoice: 'dr-x' } : a));
    const views = [escalateModal(c, meta), reassignModal(c, meta), snoozeModal(c, meta), returnModal(c, meta)];
    expect(views.every((v) => v !== null)).toBe(true);
    for (const v of views) expect(controlProblems(v as never)).toEqual([]);
  });

  it('the daily digest', () => {
    const clock = new FixedClock();
    const d = buildDigest({ items: [], now: clock.now(), organization: `Clinic ${HOSTILE}`, queues: [{ key: 'refills', name: `Refills ${HOSTILE}` }], staffName: (k) => `${k} ${HOSTILE}`, physicianMinutesPerMessage: 2 });
    const withPeople = { ...d, resolvedPerPerson: [{ name: `Sam ${HOSTILE}`, last24h: 1, last7d: 2 }], workload: [{ staff: 'sam', name: `Sam ${HOSTILE}`, claimed: 1, snoozed: 0, escalated: 0, open: 1 }], oldest: [{ ref: 'B-1', queue: `Refills ${HOSTILE}`, age: '2h', patientToken: `T.P. ${HOSTILE}` }] } as typeof d;
    expect(controlProblems(digestMessage(withPeople))).toEqual([]);
  });

  it('the App Home tab and /baton answers, for a roster and queues with hostile names', async () => {
    const base = exampleConfig().roster;
    const staff = base.staff.map((s) => ({ ...s, name: `${s.name} ${HOSTILE}`, slackUserId: s.key === 'taylor-brooks' ? 'U0TAYLOR' : s.key === 'dr-cho' ? 'U0DRCHO' : undefined }));
    const queues = base.queues.map((q) => ({ ...q, name: `${q.name} ${HOSTILE}`, slackChannel: q.key === 'refills' ? 'C0REFILL' : `not-an-id ${HOSTILE}` }));
    const clock = new FixedClock();
    const ctx = { ...contextFor(new MemoryStore(), clock, ['slack']), roster: new Roster(staff, queues) };
    const open = await ingestMessage(ctx, portalMessage({ externalId: 'esc-1' }));
    const mine = await ingestMessage(ctx, portalMessage({ externalId: 'esc-2', threadId: 'esc-thread-2' }));
    const item = (await ctx.store.findItem(mine.itemId))!;
    await actOnCard(ctx, { itemId: item.id, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'claim' }, seen: { state: 'OPEN', ownerId: null } });
    clock.advance(3 * 24 * 3_600_000); // everything is overdue now
    const card = await cardForItem(ctx, (await ctx.store.findItem(open.itemId))!, 'channel');
    expect(controlProblems({ blocks: [actionsBlock(card)] })).toEqual([]);

    const home = await homeView(ctx, 'U0TAYLOR');
    expect(home.items.length).toBeGreaterThan(0);
    expect(controlProblems(home.view as never)).toEqual([]);
    expect(JSON.stringify(home.view)).toContain('<#C0REFILL>');
    expect(controlProblems((await homeView(ctx, 'U0DRCHO')).view as never)).toEqual([]);
    expect(controlProblems((await homeView(ctx, `U0<!channel>`)).view as never)).toEqual([]);
    for (const words of ['mine', 'queue refills', `queue ${HOSTILE}`, 'queue', 'stats', 'help', HOSTILE, `away until ${HOSTILE} cover ${HOSTILE}`, `away for ${HOSTILE}`, `away ${HOSTILE}`]) {
      expect(controlProblems(await slashAnswer(ctx, '/baton', 'U0TAYLOR', words)), words).toEqual([]);
    }
    expect(controlProblems(await slashAnswer(ctx, '/baton<!here>', 'U0NOBODY', 'mine'))).toEqual([]);
  });
});
