import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPageCard } from '../../adapters/sandbox/cards.ts';
import { cardMessage } from '../../adapters/slack/blocks.ts';
import * as slackModals from '../../adapters/slack/modals.ts';
import { renderCard } from '../../adapters/teams/adaptive-card.ts';
import { buildCard, snoozeLine, type CardAction, type CardChoice, type CardView } from '../../src/domain/card.ts';
import { Roster, type StaffMember } from '../../src/domain/roster.ts';
import type { ItemState, WorkItem } from '../../src/domain/work-item.ts';
import { exampleConfig } from '../support/context.ts';
import { cardText as teamsText } from './teams/harness.ts';

/**
 * One card contract, every renderer: Slack's Block Kit message and modals, Teams' Adaptive Card,
 * and the browser sandbox's card (the JSON its server sends, drawn by its page's own scripts in
 * Chromium). Each is handed the same cards, built by the real `buildCard`, and must show what
 * the card says — not wording of its own — and offer exactly the card's choices in its pickers.
 */

const NOW = new Date('2026-12-01T15:00:00Z');
const PUBLIC = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../adapters/sandbox/public');
const CHROMIUM = '/usr/bin/chromium';

// ---- The cards -----------------------------------------------------------------------------

const LONG_MA = 'Alexandra Konstantinopoulou-Vanderberg, LPN';
const LONG_DOC = 'Dr. Maximiliano Fernández de la Cruz-Whitmore';
const PATIENT_TEXT = 'My chest feels tight when I climb the stairs and my ankles are swollen again.';
const REASON = 'Ankle swelling with exertional tightness: needs a same-day look?';
const SNOOZE_REASON = 'waiting on the patient’s home BP log';

/**
 * The example roster, with two long names, and a Refills lead who supervises without being a
 * listed member: Reassign must still offer the lead (every platform's list comes from the card).
 */
const roster = (() => {
  const base = exampleConfig().roster;
  const extra: StaffMember[] = [
    { key: 'alex-kv', name: LONG_MA, roles: ['lpn'], physician: false, lead: false, manager: false, active: true },
    { key: 'dr-fdlc', name: LONG_DOC, roles: ['physician'], physician: true, lead: false, manager: false, active: true },
  ];
  const queues = base.queues.map((q) => (q.key === 'refills' ? { ...q, members: [...q.members.filter((m) => m !== q.lead), 'alex-kv'] } : q));
  return new Roster([...base.staff, ...extra], queues);
})();

function item(state: ItemState, over: Partial<WorkItem> = {}): WorkItem {
  return {
    id: `00000000-0000-4000-8000-${String(over.seq ?? 7).padStart(12, '0')}`, seq: 7, threadKey: 'portal:t-7', queue: 'refills', category: 'rx-refill', priority: 'routine',
    redFlags: [], clinicalContent: false, state, resumeState: null, ownerId: null, escalatedBy: null, escalationReason: null, onCallId: null, poolFallbackAt: null, snoozedUntil: null,
    patientId: 'pt-7', patientToken: 'V.T. …4321', patientPcp: 'dr-cho', link: 'https://ehr.example.org/inbox/MC-7', version: 4, messageCount: 2,
    everEscalated: state === 'ESCALATED', firstMessageAt: new Date('2026-12-01T13:10:00Z'), lastMessageAt: new Date('2026-12-01T14:40:00Z'),
    createdAt: new Date('2026-12-01T13:10:00Z'), updatedAt: NOW, claimedAt: null, resolvedAt: null,
    claimDueAt: new Date('2026-12-01T17:00:00Z'), resolveDueAt: new Date('2026-12-02T17:00:00Z'), nextReminderAt: null, reminderLevel: 0,
    ...over,
  };
}

interface Fixture {
  name: string;
  item: WorkItem;
  card: CardView;
  /** Patient data and staff free text the card may show but no notification may carry. */
  secrets: string[];
}

const labels = new Map([['chest-pain', 'chest pain'], ['low-oxygen', 'low oxygen level']]);
function fixture(name: string, i: WorkItem, o: { text?: string; reasonShown?: boolean; snoozeReason?: string } = {}): Fixture {
  const card = buildCard(i, {
    roster, now: NOW, timezone: 'America/Chicago', messageText: o.text ? 'full' : 'none', excerptLength: 200, latestText: o.text, redFlagLabels: labels,
    staffText: o.reasonShown ? 'show' : 'summary', snoozeReason: o.snoozeReason,
  });
  return { name, item: i, card, secrets: [i.patientToken, ...(o.text ? [o.text] : []), ...(i.escalationReason ? [i.escalationReason] : []), ...(o.snoozeReason ? [o.snoozeReason] : [])] };
}

/** The same card with every word it carries changed: a renderer that draws its own wording shows the old words. */
function relabelled(f: Fixture): Fixture {
  const mark = (s: string) => `${s} (card)`;
  const c = f.card;
  const actions: CardAction[] = c.actions.map((a) => ({ ...a, label: mark(a.label), ...(a.choices ? { choices: a.choices.map((x) => ({ ...x, label: mark(x.label) })) } : {}) }));
  return { ...f, name: `${f.name}, every label as the card words it`, card: { ...c, priorityLabel: mark(c.priorityLabel), statusLine: mark(c.statusLine), stateLabel: mark(c.stateLabel), actions } };
}

const claimed = fixture('claimed by a long-named team member', item('CLAIMED', { seq: 2, ownerId: 'alex-kv', claimedAt: NOW }));
const poolEscalation = fixture('escalated to the pool with the reason shown', item('ESCALATED', { seq: 3, queue: 'nursing', category: 'clinical-question', escalatedBy: 'dana-reyes', escalationReason: REASON }), { reasonShown: true });
const FIXTURES: Fixture[] = [
  fixture('open', item('OPEN', { seq: 1 })),
  claimed,
  poolEscalation,
  fixture('escalated to the pool, offered to the long-named physician on call first', item('ESCALATED', { seq: 12, queue: 'nursing', category: 'clinical-question', escalatedBy: 'dana-reyes', escalationReason: REASON, onCallId: 'dr-fdlc', poolFallbackAt: new Date('2026-12-01T16:00:00Z') })),
  fixture('escalated to a named physician, no reason recorded', item('ESCALATED', { seq: 4, queue: 'nursing', ownerId: 'dr-fdlc', escalatedBy: 'jordan-kim', patientPcp: 'dr-fdlc' })),
  fixture('escalated to a physician, reason recorded but not shown', item('ESCALATED', { seq: 5, queue: 'nursing', ownerId: 'dr-cho', escalatedBy: 'jordan-kim', escalationReason: REASON })),
  fixture('snoozed', item('SNOOZED', { seq: 6, ownerId: 'taylor-brooks', snoozedUntil: new Date('2026-12-01T19:00:00Z'), resumeState: 'CLAIMED' }), { snoozeReason: SNOOZE_REASON }),
  fixture('snoozed, the reason shown (the owner’s view)', item('SNOOZED', { seq: 11, snoozedUntil: new Date('2026-12-03T15:00:00Z'), resumeState: 'OPEN' }), { snoozeReason: SNOOZE_REASON, reasonShown: true }),
  fixture('resolved', item('RESOLVED', { seq: 8, ownerId: 'taylor-brooks', resolvedAt: NOW })),
  fixture('escalated to a covering physician (the one addressed is away)', item('ESCALATED', { seq: 12, queue: 'nursing', ownerId: 'dr-baker', coveringFor: 'dr-alvarez', escalatedBy: 'jordan-kim', escalationReason: REASON })),
  fixture('claimed by a cover for someone away', item('CLAIMED', { seq: 13, ownerId: 'chris-park', coveringFor: 'taylor-brooks', claimedAt: NOW })),
  fixture('a STAT red flag', item('OPEN', { seq: 9, queue: 'nursing', category: 'red-flag', priority: 'stat', redFlags: ['chest-pain', 'low-oxygen'], patientPcp: null })),
  fixture('clinical content, with the message text on the card', item('CLAIMED', { seq: 10, queue: 'nursing', category: 'scheduling', priority: 'urgent', clinicalContent: true, ownerId: 'jordan-kim' }), { text: PATIENT_TEXT }),
  relabelled(claimed),
  relabelled(poolEscalation),
];

// ---- What a renderer drew ------------------------------------------------------------------

type PickerInput = 'staff' | 'physician' | 'physician-and-reason' | 'snooze';
interface Picker { choices: CardChoice[]; defaultChoice: string | undefined }
interface Drawn {
  /** Every word the card shows. */
  text: string;
  /** The notification / fallback text (Slack `text`, Teams `fallbackText`); null where the platform has none. */
  notification: string | null;
  /** The labels of the card's buttons. */
  buttons: string[];
  /** The labels of the buttons drawn filled (the platform's primary style). */
  primary: string[];
  /** The options of the form each button that needs input opens, by the action's label. */
  pickers: Map<string, Picker>;
}

interface Renderer {
  name: string;
  draw(f: Fixture): Promise<Drawn>;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  skip?: string;
  /** False for a platform with no notification text of its own. */
  notification?: false;
}

const PICKERS: readonly PickerInput[] = ['staff', 'physician', 'physician-and-reason', 'snooze'];
const isPicker = (a: CardAction): a is CardAction & { input: PickerInput } => PICKERS.includes(a.input as PickerInput);

/** Every string at a `text` key of Block Kit JSON (text objects, button labels, options). */
function blockText(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => blockText(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (k === 'text' && typeof x === 'string' ? out.push(x) : blockText(x, out));
  return out;
}

type SlackOption = { text: { text: string }; value: string };
type SlackSelect = { type: 'input'; block_id: string; element: { options: SlackOption[]; initial_option?: SlackOption } };

/** The modal Slack opens for a button, built as adapters/slack/interactions.ts builds it today. */
function slackModal(f: Fixture, a: CardAction & { input: PickerInput }) {
  const meta = { i: f.card.itemId, v: f.card.version, s: f.card.state, o: f.card.owner?.key ?? null, c: null, t: null };
  switch (a.input) {
    case 'physician-and-reason': return { block: 'physician', view: slackModals.escalateModal(f.card, meta) };
    case 'snooze': return { block: 'duration', view: slackModals.snoozeModal(f.card, meta) };
    default: return { block: 'to', view: slackModals.reassignModal(f.card, meta) };
  }
}

const slack: Renderer = {
  name: 'Slack (Block Kit message and modals)',
  async draw(f) {
    const msg = cardMessage(f.card);
    const elements = msg.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    const buttons = elements.map((e) => ('text' in e && e.text ? e.text.text : ''));
    const primary = elements.filter((e) => 'style' in e && e.style === 'primary').map((e) => ('text' in e && e.text ? e.text.text : ''));
    const pickers = new Map<string, Picker>();
    for (const a of f.card.actions.filter(isPicker)) {
      const { block, view } = slackModal(f, a);
      // No modal when the card offers nobody to hand it to: Slack answers that privately instead.
      const select = view ? (view.blocks as SlackSelect[]).find((b) => b.type === 'input' && b.block_id === block) : undefined;
      pickers.set(a.label, {
        choices: select?.element.options.map((o) => ({ value: o.value, label: o.text.text })) ?? [],
        defaultChoice: select?.element.initial_option?.value,
      });
    }
    return { text: blockText(msg.blocks).join('\n'), notification: msg.text, buttons, primary, pickers };
  },
};

type TeamsChoiceSet = { type: 'Input.ChoiceSet'; choices: Array<{ title: string; value: string }>; value?: string };
type TeamsAction = { type: string; title: string; style?: string; card?: { body: Array<{ type: string }> } };

const teams: Renderer = {
  name: 'Teams (Adaptive Card)',
  async draw(f) {
    const card = renderCard(f.card, { timeZone: 'America/Chicago' }) as unknown as { fallbackText: string; body: unknown[]; actions: TeamsAction[] };
    const reading = (card.body as Array<{ type: string; actions?: TeamsAction[] }>).filter((b) => b.type === 'ActionSet').flatMap((b) => b.actions ?? []);
    const all = [...reading, ...card.actions];
    const pickers = new Map<string, Picker>();
    for (const a of all) {
      const set = a.card?.body.find((b): b is TeamsChoiceSet => b.type === 'Input.ChoiceSet');
      if (set) pickers.set(a.title, { choices: set.choices.map((c) => ({ value: c.value, label: c.title })), defaultChoice: set.value });
    }
    const buttons = all.filter((a) => a.type !== 'Action.OpenUrl').map((a) => a.title);
    const primary = all.filter((a) => a.style === 'positive').map((a) => a.title);
    return { text: teamsText({ body: card.body }), notification: card.fallbackText, buttons, primary, pickers };
  },
};

/** A page that loads the sandbox's renderers as the real page does (ES modules from /assets) and hands them to the test. */
const PAGE = `<!doctype html><html lang="en"><body><script type="module">
import { cardElement } from '/assets/card-view.js';
import { actionForm } from '/assets/action-form.js';
window.views = { cardElement, actionForm };
</script></body></html>`;

let browser: Browser | undefined;
let page: Page | undefined;

/** The sandbox page's own scripts (card-view.js, action-form.js) in Chromium, on a page that serves nothing else. */
async function openPage() {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  page = await browser.newPage();
  await page.route('http://sandbox.test/**', (route) => {
    const file = new URL(route.request().url()).pathname.slice('/assets/'.length);
    if (!file) return route.fulfill({ contentType: 'text/html', body: PAGE });
    const p = path.join(PUBLIC, path.basename(file));
    return fs.existsSync(p) ? route.fulfill({ contentType: 'text/javascript', body: fs.readFileSync(p) }) : route.fulfill({ status: 404, body: '' });
  });
  await page.goto('http://sandbox.test/');
  await page.waitForFunction(() => (globalThis as any).views !== undefined);
}

const sandbox: Renderer = {
  name: 'browser sandbox (server JSON drawn by the page)',
  skip: fs.existsSync(CHROMIUM) ? undefined : `no ${CHROMIUM}`,
  notification: false,
  setup: openPage,
  teardown: async () => browser?.close(),
  async draw(f) {
    // What GET /sandbox/api/state and /items/{id} send: the page card, as JSON.
    const json = JSON.parse(JSON.stringify(toPageCard(f.card)));
    // Runs in the page: the browser's own DOM (typed loosely here, as this project compiles without the DOM library).
    return page!.evaluate(async (card) => {
      const { cardElement, actionForm } = (globalThis as any).views;
      const el = cardElement(card, { readOnly: false, onAction: () => {}, onThread: () => {} });
      (globalThis as any).document.body.replaceChildren(el);
      const pickers: Array<[string, { choices: Array<{ value: string; label: string }>; defaultChoice: string | undefined }]> = [];
      for (const a of card.actions) {
        const select = actionForm(card, a, { submit: () => {}, cancel: () => {} }).querySelector('select');
        if (!select) continue;
        const options: any[] = [...select.options];
        pickers.push([a.label, {
          choices: options.filter((o) => o.value !== '').map((o) => ({ value: o.value, label: o.textContent ?? '' })),
          defaultChoice: options.find((o) => o.defaultSelected)?.value,
        }]);
      }
      const buttons = [...el.querySelectorAll('.actions button')].map((b: any) => b.textContent ?? '');
      const primary = [...el.querySelectorAll('.actions button.primary')].map((b: any) => b.textContent ?? '');
      return { text: el.innerText, buttons, primary, pickers };
    }, json).then((d) => ({ text: d.text, notification: null, buttons: d.buttons, primary: d.primary, pickers: new Map(d.pickers) }));
  },
};

// ---- The contract --------------------------------------------------------------------------

describe.each([slack, teams, sandbox])('card renderer: $name', (r) => {
  const drawn = new Map<string, Drawn>();
  beforeAll(async () => {
    if (r.skip) return;
    await r.setup?.();
    for (const f of FIXTURES) drawn.set(f.name, await r.draw(f));
  });
  afterAll(async () => r.teardown?.());

  /** One check over every card. */
  const check = (what: string, body: (f: Fixture, d: Drawn) => void) => {
    const test = r.skip ? it.skip : it;
    test(`shows the card's ${what} on every card`, () => {
      for (const f of FIXTURES) {
        const d = drawn.get(f.name)!;
        try {
          body(f, d);
        } catch (e) {
          throw new Error(`${f.name}: ${(e as Error).message}`);
        }
      }
    });
  };

  check('ref and title', (f, d) => {
    expect(d.text).toContain(f.card.ref);
    expect(d.text).toContain(f.card.title);
  });
  check('priority label', (f, d) => expect(d.text).toContain(f.card.priorityLabel));
  check('status line', (f, d) => expect(d.text).toContain(f.card.statusLine));
  check('red-flag line and clinical-content badge', (f, d) => {
    if (f.card.redFlagLine) expect(d.text).toContain(f.card.redFlagLine);
    if (f.card.clinicalContent) expect(d.text).toContain('Clinical content');
    if (!f.card.redFlag) expect(d.text).not.toMatch(/red flag/i);
  });
  check('action labels', (f, d) => expect([...d.buttons].sort()).toEqual(f.card.actions.map((a) => a.label).sort()));
  check('emphasis (only its primary actions filled)', (f, d) => expect(d.primary).toEqual(f.card.actions.filter((a) => a.style === 'primary').map((a) => a.label)));
  check('snoozed line', (f, d) => {
    if (f.card.snooze) expect(d.text).toContain(snoozeLine(f.card.snooze));
    else expect(d.text).not.toContain('Snoozed until');
  });
  for (const input of PICKERS) {
    check(`${input} picker`, (f, d) => {
      for (const a of f.card.actions.filter((x) => x.input === input)) {
        expect(d.pickers.get(a.label), a.label).toEqual({ choices: a.choices, defaultChoice: a.defaultChoice });
      }
    });
  }

  // The sandbox has no notification text: its event stream says only "item <id> changed"
  // (test/adapters/sandbox/adapter.test.ts checks that it carries no patient data).
  const notifies = r.skip || r.notification === false ? it.skip : it;
  notifies('puts no patient data and no staff free text in the notification text', () => {
    for (const f of FIXTURES) {
      const n = drawn.get(f.name)!.notification!;
      expect(n).toBe(f.card.fallbackText);
      for (const secret of f.secrets) expect(n, f.name).not.toContain(secret);
    }
  });
});

describe('the cards the renderers are checked with', () => {
  it('cover every state, a red flag, clinical content, an escalation reason shown and withheld, and pickers with the lead', () => {
    expect(new Set(FIXTURES.map((f) => f.card.state))).toEqual(new Set(['OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED', 'RESOLVED']));
    expect(FIXTURES.some((f) => f.card.redFlagLine === 'Red flag: chest pain · low oxygen level')).toBe(true);
    expect(FIXTURES.some((f) => f.card.clinicalContent && f.card.text === PATIENT_TEXT)).toBe(true);
    expect(FIXTURES.filter((f) => f.card.escalation).map((f) => f.card.escalation!.reason)).toEqual(expect.arrayContaining([REASON, null]));
    const reassign = claimed.card.actions.find((a) => a.input === 'staff')!;
    expect(reassign.choices!.map((c) => c.value)).toContain('chris-park'); // the Refills lead, not a listed member
    expect(FIXTURES.flatMap((f) => f.card.actions).filter((a) => a.input === 'snooze').every((a) => a.choices!.length === 7 && a.defaultChoice === '60')).toBe(true);
    // The escalate picker defaults to the patient's PCP where one is on the roster, else to the pool: both are drawn.
    const escalateDefaults = FIXTURES.flatMap((f) => f.card.actions).filter((a) => a.input === 'physician-and-reason').map((a) => a.defaultChoice);
    expect(escalateDefaults).toEqual(expect.arrayContaining(['dr-cho', 'pool']));
    // Snoozed cards with Wake now, their reason both withheld and shown; an unclaimed card with Claim, not Resolve, filled.
    expect(FIXTURES.filter((f) => f.card.snooze).map((f) => f.card.snooze!.reason)).toEqual(expect.arrayContaining([null, SNOOZE_REASON]));
    expect(FIXTURES.filter((f) => f.card.snooze).every((f) => f.card.actions.some((a) => a.command === 'item.wake'))).toBe(true);
    expect(FIXTURES[0]!.card.actions.filter((a) => a.style === 'primary').map((a) => a.command)).toEqual(['item.claim']);
    // Owners covering for someone away: the status line (which every renderer shows) says so.
    expect(FIXTURES.map((f) => f.card.statusLine)).toEqual(expect.arrayContaining([
      'With a physician: Dr. Marcus Baker (covering for Dr. Elena Alvarez)',
      'Claimed: Chris Park, MA (covering for Taylor Brooks, MA)',
    ]));
  });
});
