import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { renderCard } from '../../../adapters/teams/adaptive-card.ts';
import { cardForItem } from '../../../src/app/item-card.ts';
import { createTeamsAdapter, type TeamsAdapterOptions } from '../../../adapters/teams/index.ts';
import type { ChatAdapter } from '../../../src/app/chat-adapter.ts';
import type { AppContext } from '../../../src/app/context.ts';
import { ingestMessage } from '../../../src/app/ingest-message.ts';
import { OutboxWorker } from '../../../src/app/outbox-worker.ts';
import { Roster, type QueueDef, type StaffMember } from '../../../src/domain/roster.ts';
import { createHttpApp, listen, type RunningServer } from '../../../src/http/server.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { PrismaStore } from '../../../src/store/prisma-store.ts';
import { contextFor, exampleConfig, FixedClock, portalMessage } from '../../support/context.ts';
import { openTestDb, type TestDb } from '../../support/databases.ts';
import { FakeConnector, type HeldMessage } from './fake-connector.ts';

export const TENANT = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
/** A team's id is also its General channel's id. */
export const TEAM = '19:general-team@thread.tacv2';
export const BOT = { id: '28:baton-test-bot', name: 'Baton' };
export const CHANNELS = {
  'front-desk': '19:front-desk@thread.tacv2',
  nursing: '19:nursing@thread.tacv2',
  refills: '19:refills@thread.tacv2',
  billing: '19:billing@thread.tacv2',
} as const;
export const POOL_CHANNEL = '19:physicians@thread.tacv2';

/** AAD object ids for the example roster (dr-baker deliberately has none). */
export const AAD: Record<string, string> = {
  'dr-alvarez': '0a1b2c3d-0001-4000-8000-000000000001',
  'dr-cho': '0a1b2c3d-0003-4000-8000-000000000003',
  'morgan-lee': '0a1b2c3d-0004-4000-8000-000000000004',
  'priya-shah': '0a1b2c3d-0005-4000-8000-000000000005',
  'sam-ortiz': '0a1b2c3d-0006-4000-8000-000000000006',
  'dana-reyes': '0a1b2c3d-0007-4000-8000-000000000007',
  'jordan-kim': '0a1b2c3d-0008-4000-8000-000000000008',
  'chris-park': '0a1b2c3d-0009-4000-8000-000000000009',
  'taylor-brooks': '0a1b2c3d-0010-4000-8000-000000000010',
  'robin-patel': '0a1b2c3d-0011-4000-8000-000000000011',
  'jo-adams': '0a1b2c3d-0012-4000-8000-000000000012',
};
/** Someone in the tenant who is not on Baton's roster. */
export const STRANGER_AAD = '0a1b2c3d-0099-4000-8000-000000000099';

/** Test-only refills staff `clicker-01…`, for many people clicking at once. */
export const clickerAad = (n: number) => `0a1b2c3d-1${String(n).padStart(3, '0')}-4000-8000-000000000000`;

/** The example roster with Teams ids and channels, plus `extraRefills` clickers in the refills queue; `editQueue` changes queues (a tag, a lead who is not a member). */
export function teamsRoster(extraRefills = 0, editQueue: (q: QueueDef) => QueueDef = (q) => q): Roster {
  const base = exampleConfig().roster;
  const extra: StaffMember[] = Array.from({ length: extraRefills }, (_, i) => {
    const id = String(i + 1).padStart(2, '0');
    return { key: `clicker-${id}`, name: `Clicker ${id}`, roles: ['ma'], physician: false, lead: false, manager: false, active: true, teamsAadId: clickerAad(i + 1) };
  });
  for (const e of extra) AAD[e.key] = e.teamsAadId!;
  return new Roster(
    [...base.staff.map((s) => ({ ...s, teamsAadId: AAD[s.key] })), ...extra],
    base.queues.map((q) => editQueue({
      ...q,
      teamsChannel: CHANNELS[q.key as keyof typeof CHANNELS],
      members: q.key === 'refills' ? [...q.members, ...extra.map((e) => e.key)] : q.members,
    })),
  );
}

/** The Teams account a person clicks with: `29:` user id, display name, AAD object id. */
export function teamsUser(key: string) {
  const aad = key === 'stranger' ? STRANGER_AAD : AAD[key];
  if (!aad) throw new Error(`no AAD id for ${key} in the test roster`);
  return { id: `29:${key}`, name: key, aadObjectId: aad };
}

const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.js');

/** Parses a card with Microsoft's Adaptive Cards library and returns every parse and validation problem. */
export function cardProblems(card: unknown): string[] {
  const ac = new AC.AdaptiveCard();
  const sc = new AC.SerializationContext();
  ac.parse(card, sc);
  const problems: string[] = [];
  for (let i = 0; i < sc.eventCount; i++) problems.push(`parse: ${sc.getEventAt(i).message}`);
  for (const e of ac.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  return problems;
}

export function expectValidCard(card: any) {
  expect(card?.type).toBe('AdaptiveCard');
  expect(card.version).toBe('1.5');
  expect(cardProblems(card)).toEqual([]);
  expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
}

/** The Adaptive Card inside a held message or an activity. */
export const cardOf = (m: HeldMessage | { activity: any } | any): any => (m.activity ?? m).attachments?.[0]?.content;

/** Every visible string of a card, for "does it say …" checks. */
export function cardText(card: any): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    // A RichTextBlock reads as one line: its runs (some bold, e.g. highlighted findings) side by side.
    else if (v && typeof v === 'object' && (v as any).type === 'RichTextBlock') out.push(((v as any).inlines ?? []).map((i: any) => i.text ?? '').join(''));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'text' || k === 'title' || k === 'value' || k === 'label') && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(card);
  return out.join('\n');
}

/** All `Action.Execute` buttons of a card: its action row, `Action.ShowCard` forms and ActionSets in the body. */
export function executeActions(card: any): any[] {
  const found: any[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if ((v as any).type === 'Action.Execute') found.push(v);
      for (const [k, x] of Object.entries(v)) if (k !== 'fallback') walk(x);
    }
  };
  walk(card);
  return found;
}

export interface InvokeResult {
  status: number;
  body: any;
  card: any;
}

export interface TeamsHarness {
  fake: FakeConnector;
  ctx: AppContext;
  clock: FixedClock;
  adapter: ChatAdapter;
  worker: OutboxWorker;
  url: string;
  logs: string[];
  /** POSTs one activity to `/api/messages` as the Bot Framework would (no Authorization header). */
  post(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; text: string; json: any }>;
  /** Bot added to the team (conversationUpdate in the General channel). */
  install(): Promise<void>;
  /** A base activity in a channel (or a card thread of it). */
  inChannel(channelId: string, fromKey: string, threadRoot?: string): Record<string, any>;
  /** A base activity in a person's 1:1 chat with Baton. */
  inChat(conversationId: string, fromKey: string): Record<string, any>;
  newItem(over?: Record<string, unknown>): Promise<{ itemId: string; card: HeldMessage }>;
  /**
   * An item whose card is placed straight into the fake's channel, as if posted, without going
   * through the outbox (whose pacing would dominate a latency benchmark).
   */
  seededItem(over?: Record<string, unknown>): Promise<{ itemId: string; card: HeldMessage }>;
  deliver(): Promise<number>;
  /** Clicks the `verb` button found on the held card (Universal Actions invoke), with typed inputs. */
  click(fromKey: string, held: HeldMessage, verb: string, inputs?: Record<string, string>): Promise<InvokeResult>;
  stop(): Promise<void>;
}

let n = 0;

export async function startTeamsHarness(o: { platforms?: string[]; options?: Partial<TeamsAdapterOptions>; messageText?: 'none' | 'excerpt' | 'full'; extraRefills?: number; editQueue?: (q: QueueDef) => QueueDef; openDb?: () => Promise<TestDb> } = {}): Promise<TeamsHarness> {
  const fake = await new FakeConnector().start();
  const testDb: TestDb = await (o.openDb ?? (() => openTestDb('pglite')))();
  const clock = new FixedClock();
  const base = contextFor(new PrismaStore(testDb.db), clock, o.platforms ?? ['teams']);
  const ctx: AppContext = {
    ...base,
    roster: teamsRoster(o.extraRefills ?? 0, o.editQueue),
    card: { ...base.card, messageText: o.messageText ?? base.card.messageText },
    pool: { ...base.pool, teamsChannel: POOL_CHANNEL },
  };
  const logs: string[] = [];
  const logger = createLogger({ level: 'info', destination: new Writable({ write(c, _e, cb) { logs.push(String(c)); cb(); } }) });
  const teams = createTeamsAdapter({ ctx: () => ctx, logger, authDisabled: true, ...o.options });
  await teams.adapter.start();
  const adapters = new Map<string, ChatAdapter>([['teams', teams.adapter]]);
  // Teams' own pacing (500 ms a call per conversation) stays on: the adapter's rate gate enforces
  // 60 calls per 30 s per conversation, and a faster outbox would only meet its refusals.
  const worker = new OutboxWorker(() => ctx, adapters);
  const app = createHttpApp({
    app: () => ctx,
    logger,
    metrics: createMetrics(),
    ingestSecret: undefined,
    ops: { dbReady: async () => ({ ok: true, detail: 'test' }), adapters: () => ({ teams: teams.adapter.connected() }), refreshGauges: async () => {} },
    extraRoutes: [teams.router],
  });
  const server: RunningServer = await listen(app, '127.0.0.1', 0);

  const common = (fromKey: string) => ({
    channelId: 'msteams',
    serviceUrl: fake.url,
    from: teamsUser(fromKey),
    recipient: BOT,
    timestamp: new Date().toISOString(),
    locale: 'en-US',
  });
  const h: TeamsHarness = {
    fake, ctx, clock, adapter: teams.adapter, worker, url: server.url, logs,
    async post(activity, headers = {}) {
      const res = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
      const text = await res.text();
      let json: any;
      try { json = JSON.parse(text); } catch { json = undefined; }
      return { status: res.status, text, json };
    },
    inChannel(channelId, fromKey, threadRoot) {
      return {
        ...common(fromKey),
        id: `act-in-${++n}`,
        conversation: { id: threadRoot ? `${channelId};messageid=${threadRoot}` : channelId, conversationType: 'channel', isGroup: true, tenantId: TENANT },
        channelData: { tenant: { id: TENANT }, team: { id: TEAM }, channel: { id: channelId } },
      };
    },
    inChat(conversationId, fromKey) {
      return {
        ...common(fromKey),
        id: `act-in-${++n}`,
        conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT },
        channelData: { tenant: { id: TENANT } },
      };
    },
    async install() {
      const r = await h.post({ ...h.inChannel(TEAM, 'priya-shah'), type: 'conversationUpdate', membersAdded: [BOT] });
      expect(r.status).toBe(200);
    },
    async newItem(over = {}) {
      const r = await ingestMessage(ctx, portalMessage({ externalId: `t-${++n}`, ...over }));
      await worker.drain();
      const post = await ctx.store.findPlatformPost(r.itemId, 'teams', 'card');
      if (!post) throw new Error('the card was not posted to Teams');
      const card = fake.messages.get(post.messageId);
      if (!card) throw new Error('the fake connector does not hold the card');
      return { itemId: r.itemId, card };
    },
    async seededItem(over = {}) {
      const r = await ingestMessage(ctx, portalMessage({ externalId: `s-${++n}`, ...over }));
      const item = (await ctx.store.findItem(r.itemId))!;
      const content = renderCard(await cardForItem(ctx, item), { timeZone: ctx.sla.calendar.timezone });
      const channel = ctx.roster.queue(item.queue)!.teamsChannel!;
      const id = String(1_800_000_000_000 + ++n);
      const card: HeldMessage = { conversationId: channel, id, activity: { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content }] }, updates: 0 };
      fake.messages.set(id, card);
      return { itemId: r.itemId, card };
    },
    deliver: () => worker.drain(),
    async click(fromKey, held, verb, inputs = {}) {
      const action = executeActions(cardOf(held)).find((a) => a.verb === verb);
      if (!action) throw new Error(`the card has no ${verb} button`);
      // A channel card is the root of its thread; Teams sends its invokes from that thread.
      const where = held.conversationId.startsWith('19:')
        ? h.inChannel(held.conversationId.split(';')[0]!, fromKey, held.id)
        : h.inChat(held.conversationId, fromKey);
      const r = await h.post({
        ...where,
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: held.id,
        value: { action: { type: 'Action.Execute', id: `btn-${verb}`, verb, data: { ...action.data, ...inputs } }, trigger: 'manual' },
      });
      return { status: r.status, body: r.json, card: r.json?.value };
    },
    async stop() {
      await worker.stop();
      await teams.adapter.stop();
      await server.close();
      await fake.stop();
      await testDb.cleanup();
    },
  };
  return h;
}
