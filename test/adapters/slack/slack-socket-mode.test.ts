import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapterHandle } from '../../../adapters/slack/index.ts';
import type { AppContext } from '../../../src/app/context.ts';
import { ingestMessage } from '../../../src/app/ingest-message.ts';
import { OutboxWorker } from '../../../src/app/outbox-worker.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';
import { contextFor, FixedClock, portalMessage } from '../../support/context.ts';
import { FakeSlack, waitFor } from './fake-slack.ts';
import { FakeSocketMode } from './fake-socket.ts';
import { CHANNELS, testRoster } from './harness.ts';

/** Socket Mode (SLACK_APP_TOKEN): the same listeners over Slack's WebSocket instead of HTTP. */

let fake: FakeSlack;
let socket: FakeSocketMode;
let ctx: AppContext;
let store: MemoryStore;
let handle: SlackAdapterHandle;
let worker: OutboxWorker;

beforeAll(async () => {
  fake = await new FakeSlack().start();
  socket = await new FakeSocketMode().start();
  fake.socketUrl = socket.url;
  store = new MemoryStore();
  ctx = { ...contextFor(store, new FixedClock(), ['slack']), roster: testRoster() };
  const logger = createLogger({ level: 'warn', destination: new Writable({ write(_c, _e, cb) { cb(); } }) });
  handle = createSlackAdapter({ ctx: () => ({ ...ctx, pool: { ...ctx.pool, slackChannel: 'C0POOL' } }), logger, botToken: fake.token, appToken: fake.appToken, apiUrl: fake.apiUrl });
  worker = new OutboxWorker(() => ctx, new Map([['slack', handle.adapter]]), { paceMs: { slack: 0 } });
  await handle.adapter.start();
});

afterAll(async () => {
  await handle?.adapter.stop();
  await socket?.stop();
  await fake?.stop();
});

it('connects over Socket Mode with the app token, serves no HTTP route, and is ready', async () => {
  expect(handle.router).toBeUndefined();
  await waitFor(() => handle.adapter.connected(), 5_000, 'socket connected');
  expect(socket.connections).toBe(1);
  expect(fake.callsOf('apps.connections.open')[0]!.auth).toBe('Bearer xapp-test');
});

it('a claim arrives as an envelope, is acked on the socket, applied once, and a redelivery is not applied again', async () => {
  const { itemId } = await ingestMessage(ctx, portalMessage({ externalId: 'sock-1' }));
  await worker.drain();
  const card = fake.topLevel(CHANNELS.refills).at(-1)!;
  const actions = card.blocks.find((b) => b.type === 'actions');
  const claim = actions.elements.find((e: any) => e.action_id === 'item.claim');
  const payload = {
    type: 'block_actions',
    api_app_id: 'A0BATON',
    trigger_id: 'trig-sock',
    team: { id: 'T0CLINIC', domain: 'clinic' },
    user: { id: 'U0TAYLOR', username: 'taylor', name: 'taylor', team_id: 'T0CLINIC' },
    container: { type: 'message', message_ts: card.ts, channel_id: card.channel, is_ephemeral: false },
    channel: { id: card.channel, name: 'refills' },
    message: { type: 'message', ts: card.ts, text: card.text, blocks: card.blocks },
    response_url: fake.responseUrl('sock-claim'),
    actions: [{ type: 'button', action_id: 'item.claim', block_id: actions.block_id, value: claim.value, text: claim.text, action_ts: '1800000000.777' }],
  };
  socket.send({ envelope_id: 'env-1', type: 'interactive', payload, accepts_response_payload: false });
  await waitFor(() => socket.acks.find((a) => a.envelope_id === 'env-1'), 5_000, 'ack on the socket');
  await waitFor(async () => (await store.findItem(itemId))?.ownerId === 'taylor-brooks', 5_000, 'claimed');
  socket.send({ envelope_id: 'env-1b', type: 'interactive', payload, retry_attempt: 1, retry_reason: 'timeout' });
  await waitFor(() => socket.acks.find((a) => a.envelope_id === 'env-1b'), 5_000, 'ack of the redelivery');
  await new Promise((r) => setTimeout(r, 200));
  expect(store.audit.filter((e) => e.itemId === itemId && e.action.startsWith('item.') && e.action !== 'item.created').map((e) => e.action)).toEqual(['item.claim']);
  await worker.drain();
  expect(JSON.stringify(fake.message(card.channel, card.ts)!.blocks)).toContain('Claimed: Taylor Brooks, MA');
});

it('a slash command arrives as an envelope and is answered privately', async () => {
  socket.send({
    envelope_id: 'env-2',
    type: 'slash_commands',
    payload: { command: '/baton', text: 'help', user_id: 'U0TAYLOR', channel_id: 'C0REFILL', team_id: 'T0CLINIC', response_url: fake.responseUrl('sock-slash'), trigger_id: 't', api_app_id: 'A0BATON' },
    accepts_response_payload: true,
  });
  const [resp] = await waitFor(() => (fake.responsesFor('sock-slash').length ? fake.responsesFor('sock-slash') : null), 5_000, 'slash answer');
  expect(resp!.body.response_type).toBe('ephemeral');
  expect(JSON.stringify(resp!.body.blocks)).toContain('/baton mine');
});

it('stops cleanly: the socket closes and the adapter reports not connected', async () => {
  await handle.adapter.stop();
  await waitFor(() => socket.open === 0, 5_000, 'socket closed');
  expect(handle.adapter.connected()).toBe(false);
});
