import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import express from 'express';
import { createSlackAdapter, type SlackAdapterOptions } from '../../../adapters/slack/index.ts';
import type { ChatAdapter } from '../../../src/app/chat-adapter.ts';
import type { AppContext } from '../../../src/app/context.ts';
import { ingestMessage } from '../../../src/app/ingest-message.ts';
import { OutboxWorker } from '../../../src/app/outbox-worker.ts';
import { Roster, type StaffMember } from '../../../src/domain/roster.ts';
import { createHttpApp, listen, type RunningServer } from '../../../src/http/server.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { PrismaStore } from '../../../src/store/prisma-store.ts';
import { contextFor, exampleConfig, FixedClock, portalMessage } from '../../support/context.ts';
import { openTestDb, type TestDb } from '../../support/databases.ts';
import { FakeSlack, waitFor, type StoredMessage } from './fake-slack.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const CHANNELS = { 'front-desk': 'C0FRONT', nursing: 'C0NURSE', refills: 'C0REFILL', billing: 'C0BILL' } as const;
export const POOL_CHANNEL = 'C0POOL';

/** Slack user ids for the example roster (dr-baker deliberately has none). */
export const SLACK_IDS: Record<string, string> = {
  'dr-alvarez': 'U0DRALV',
  'dr-cho': 'U0DRCHO',
  'morgan-lee': 'U0MORGAN',
  'priya-shah': 'U0PRIYA',
  'sam-ortiz': 'U0SAM',
  'dana-reyes': 'U0DANA',
  'jordan-kim': 'U0JORDAN',
  'chris-park': 'U0CHRIS',
  'taylor-brooks': 'U0TAYLOR',
  'robin-patel': 'U0ROBIN',
  'jo-adams': 'U0JOADAMS',
};

/** Roster changes a test needs: queues' Slack user groups, Slack ids for staff the default leaves without. */
export interface RosterTweaks {
  userGroups?: Record<string, string>;
  slackIds?: Record<string, string>;
}

/** The example roster with Slack ids and channels, plus `extraRefills` test-only staff in the refills queue. */
export function testRoster(extraRefills = 0, tweaks: RosterTweaks = {}): Roster {
  const base = exampleConfig().roster;
  const extra: StaffMember[] = Array.from({ length: extraRefills }, (_, n) => {
    const id = String(n + 1).padStart(2, '0');
    return { key: `clicker-${id}`, name: `Clicker ${id}`, roles: ['ma'], physician: false, lead: false, manager: false, active: true, slackUserId: `U0CLK${id}` };
  });
  const staff = [...base.staff.map((s) => ({ ...s, slackUserId: tweaks.slackIds?.[s.key] ?? SLACK_IDS[s.key] })), ...extra];
  const queues = base.queues.map((q) => ({
    ...q,
    slackChannel: CHANNELS[q.key as keyof typeof CHANNELS],
    slackUserGroup: tweaks.userGroups?.[q.key],
    members: q.key === 'refills' ? [...q.members, ...extra.map((e) => e.key)] : q.members,
  }));
  return new Roster(staff, queues);
}

export function sign(rawBody: string, secret = SIGNING_SECRET, ts = Math.floor(Date.now() / 1000)) {
  const sig = 'v0=' + crypto.createHmac('sha256', secret).update(`v0:${ts}:${rawBody}`).digest('hex');
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig };
}

export interface Harness {
  fake: FakeSlack;
  ctx: AppContext;
  /** The fixed clock (unused by the context when `live`). */
  clock: FixedClock;
  /** Ingests a portal message without waiting for its card. */
  ingest(over?: Record<string, unknown>): Promise<string>;
  adapter: ChatAdapter;
  worker: OutboxWorker;
  eventsUrl: string;
  /** Baton's own server (`/readyz`, …). */
  baseUrl: string;
  logs: string[];
  changes: number;
  /** Ingests a portal message and delivers its card. */
  newItem(over?: Record<string, unknown>): Promise<{ itemId: string; card: StoredMessage }>;
  /** The item's card as Slack holds it now. */
  card(itemId: string): Promise<StoredMessage>;
  deliver(): Promise<number>;
  post(raw: string, contentType: string, headers?: Record<string, string>): Promise<{ status: number; text: string; ms: number }>;
  /** Clicks the button `actionId` on a message as Slack would send it (signed block_actions). */
  click(slackUserId: string, message: StoredMessage, actionId: string, opts?: { tag?: string; actionTs?: string; headers?: Record<string, string>; triggerId?: string }): Promise<{ status: number; tag: string; ms: number }>;
  /** The signed request `click` sends, without sending it (for load generators). */
  clickRequest(slackUserId: string, message: StoredMessage, actionId: string, opts?: { tag?: string; actionTs?: string; headers?: Record<string, string>; triggerId?: string }): { raw: string; headers: Record<string, string>; tag: string };
  submitView(slackUserId: string, view: any, values: Record<string, Record<string, any>>): Promise<{ status: number; text: string }>;
  slash(slackUserId: string, text: string, tag?: string): Promise<{ status: number; tag: string }>;
  event(event: Record<string, unknown>, headers?: Record<string, string>, eventId?: string): Promise<{ status: number; text: string }>;
  stop(): Promise<void>;
}

let counter = 0;

export interface HarnessOptions {
  extraRefills?: number;
  roster?: RosterTweaks;
  poolChannel?: string | null;
  adapter?: Partial<SlackAdapterOptions>;
  messageText?: 'none' | 'excerpt' | 'full';
  /** Wall-clock time and a running outbox worker (polling), as in production. Default: a fixed clock and `deliver()` by hand. */
  live?: boolean;
  /** Server-side time from a request's arrival at /slack/events to its HTTP answer (the ack). */
  onAnswered?: (ms: number) => void;
  /** Runs before the adapter starts (e.g. to mark a channel as shared in the fake). */
  beforeStart?: (fake: FakeSlack) => void;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const fake = await new FakeSlack().start();
  const tdb: TestDb = await openTestDb('pglite');
  const clock = new FixedClock();
  const base = contextFor(new PrismaStore(tdb.db), opts.live ? { now: () => new Date() } : clock, ['slack']);
  const ctx: AppContext = {
    ...base,
    roster: testRoster(opts.extraRefills ?? 0, opts.roster),
    card: { ...base.card, messageText: opts.messageText ?? base.card.messageText },
    pool: { ...base.pool, slackChannel: opts.poolChannel === null ? undefined : (opts.poolChannel ?? POOL_CHANNEL) },
  };
  const logs: string[] = [];
  const logger = createLogger({ level: 'info', destination: new Writable({ write(c, _e, cb) { logs.push(String(c)); cb(); } }) });
  const h = { changes: 0 } as Harness;
  const { adapter, router } = createSlackAdapter({
    ctx: () => ctx,
    logger,
    botToken: fake.token,
    signingSecret: SIGNING_SECRET,
    apiUrl: fake.apiUrl,
    onChange: () => {
      h.changes += 1;
    },
    timeoutMs: 5_000,
    ...opts.adapter,
  });
  const worker = new OutboxWorker(() => ctx, new Map([['slack', adapter]]), { pollMs: 50, ...(opts.live ? {} : { paceMs: { slack: 0 } }) });
  const app = createHttpApp({
    app: () => ctx,
    logger,
    metrics: createMetrics(),
    ingestSecret: undefined,
    ops: { dbReady: async () => ({ ok: true, detail: 'ok' }), adapters: () => ({ slack: adapter.connected() }), refreshGauges: async () => {} },
    extraRoutes: [
      ...(opts.onAnswered
        ? [express.Router().use('/slack/events', (_req, res, next) => {
            const t0 = performance.now();
            res.once('finish', () => opts.onAnswered!(performance.now() - t0));
            next();
          })]
        : []),
      ...(router ? [router] : []),
    ],
  });
  const server: RunningServer = await listen(app, '127.0.0.1', 0);
  opts.beforeStart?.(fake);
  await adapter.start();
  if (opts.live) worker.start();
  const eventsUrl = `${server.url}/slack/events`;

  const post = async (raw: string, contentType: string, headers: Record<string, string> = {}) => {
    const t0 = performance.now();
    const r = await fetch(eventsUrl, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: raw });
    const text = await r.text();
    return { status: r.status, text, ms: performance.now() - t0 };
  };
  const form = (payload: unknown) => 'payload=' + encodeURIComponent(JSON.stringify(payload));

  const card = async (itemId: string) => {
    const ref = await ctx.store.findPlatformPost(itemId, 'slack', 'card');
    if (!ref) throw new Error(`no Slack card for ${itemId}`);
    const m = fake.message(ref.channel, ref.messageId);
    if (!m) throw new Error('card not in the fake');
    return m;
  };

  Object.assign(h, {
    fake,
    ctx,
    clock,
    adapter,
    worker,
    eventsUrl,
    baseUrl: server.url,
    logs,
    deliver: () => worker.drain(),
    async ingest(over: Record<string, unknown> = {}) {
      const r = await ingestMessage(ctx, portalMessage({ externalId: `slack-${++counter}-${Date.now()}`, ...over }));
      worker.kick();
      return r.itemId;
    },
    post,
    card,
    async newItem(over: Record<string, unknown> = {}) {
      const r = await ingestMessage(ctx, portalMessage({ externalId: `slack-${++counter}-${Date.now()}`, ...over }));
      if (opts.live) {
        worker.kick();
        await waitFor(() => ctx.store.findPlatformPost(r.itemId, 'slack', 'card'), 15_000, 'card post');
      } else await worker.drain();
      return { itemId: r.itemId, card: await card(r.itemId) };
    },
    clickRequest(slackUserId: string, message: StoredMessage, actionId: string, o: { tag?: string; actionTs?: string; headers?: Record<string, string>; triggerId?: string } = {}) {
      const actions = message.blocks.find((b) => b.type === 'actions');
      const button = actions?.elements.find((e: any) => e.action_id === actionId);
      if (!button) throw new Error(`no ${actionId} button on the message (has ${actions?.elements.map((e: any) => e.action_id).join(', ')})`);
      const tag = o.tag ?? `${slackUserId}-${actionId}-${++counter}`;
      const payload = {
        type: 'block_actions',
        api_app_id: 'A0BATON',
        token: 'legacy-verification-token',
        trigger_id: o.triggerId ?? `trig-${tag}`,
        team: { id: 'T0CLINIC', domain: 'clinic' },
        user: { id: slackUserId, username: slackUserId.toLowerCase(), name: slackUserId.toLowerCase(), team_id: 'T0CLINIC' },
        container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
        channel: { id: message.channel, name: 'queue' },
        message: { type: 'message', ts: message.ts, text: message.text, bot_id: 'B0BATON', user: 'U0BATON', blocks: message.blocks },
        response_url: fake.responseUrl(tag),
        actions: [{ type: 'button', action_id: actionId, block_id: actions.block_id, value: button.value, text: button.text, action_ts: o.actionTs ?? `${Date.now() / 1000}${++counter}` }],
      };
      const raw = form(payload);
      return { raw, headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(raw), ...o.headers }, tag };
    },
    async click(slackUserId: string, message: StoredMessage, actionId: string, o: { tag?: string; actionTs?: string; headers?: Record<string, string>; triggerId?: string } = {}) {
      const req = h.clickRequest(slackUserId, message, actionId, o);
      const { 'content-type': ct, ...headers } = req.headers;
      const r = await post(req.raw, ct!, headers);
      return { status: r.status, tag: req.tag, ms: r.ms };
    },
    async submitView(slackUserId: string, view: any, values: Record<string, Record<string, any>>) {
      const payload = {
        type: 'view_submission',
        team: { id: 'T0CLINIC', domain: 'clinic' },
        user: { id: slackUserId, name: slackUserId.toLowerCase(), team_id: 'T0CLINIC' },
        api_app_id: 'A0BATON',
        token: 'legacy-verification-token',
        trigger_id: `trig-view-${++counter}`,
        view: { ...view, id: `V0VIEW${counter}`, team_id: 'T0CLINIC', hash: `h${counter}`, state: { values } },
      };
      const raw = form(payload);
      return post(raw, 'application/x-www-form-urlencoded', sign(raw));
    },
    async slash(slackUserId: string, text: string, tag = `slash-${++counter}`) {
      const raw = new URLSearchParams({
        token: 'legacy',
        team_id: 'T0CLINIC',
        team_domain: 'clinic',
        channel_id: 'C0REFILL',
        channel_name: 'refills',
        user_id: slackUserId,
        user_name: slackUserId.toLowerCase(),
        command: '/baton',
        text,
        api_app_id: 'A0BATON',
        response_url: fake.responseUrl(tag),
        trigger_id: `trig-${tag}`,
      }).toString();
      const r = await post(raw, 'application/x-www-form-urlencoded', sign(raw));
      return { status: r.status, tag };
    },
    async event(event: Record<string, unknown>, headers: Record<string, string> = {}, eventId = `Ev${++counter}`) {
      const raw = JSON.stringify({ token: 'legacy', team_id: 'T0CLINIC', api_app_id: 'A0BATON', type: 'event_callback', event_id: eventId, event_time: Math.floor(Date.now() / 1000), event });
      return post(raw, 'application/json', { ...sign(raw), ...headers });
    },
    async stop() {
      await adapter.stop();
      await server.close();
      await worker.stop();
      await tdb.cleanup();
      await fake.stop();
    },
  });
  return h;
}

export { waitFor };
