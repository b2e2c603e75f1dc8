import { Writable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { createSlackAdapter } from '../../../adapters/slack/index.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';
import { contextFor, FixedClock } from '../../support/context.ts';
import { FakeSlack, waitFor } from './fake-slack.ts';
import { testRoster } from './harness.ts';

/** Start-up: a wrong bot token stops Baton; Slack being unreachable does not. */

const fakes: FakeSlack[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.stop();
});

async function setup() {
  const fake = await new FakeSlack().start();
  fakes.push(fake);
  const logs: string[] = [];
  const logger = createLogger({ level: 'info', destination: new Writable({ write(c, _e, cb) { logs.push(String(c)); cb(); } }) });
  const ctx = { ...contextFor(new MemoryStore(), new FixedClock(), ['slack']), roster: testRoster() };
  return { fake, logs, make: (token = fake.token) => createSlackAdapter({ ctx: () => ctx, logger, botToken: token, signingSecret: 'secret', apiUrl: fake.apiUrl, reconnectMs: 100 }) };
}

it('refuses to start with a bot token Slack rejects', async () => {
  const { make } = await setup();
  const { adapter } = make('xoxb-wrong');
  await expect(adapter.start()).rejects.toThrow('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
  expect(adapter.connected()).toBe(false);
});

it('starts while Slack is unreachable, reports not connected, and connects when Slack answers', async () => {
  const { fake, make, logs } = await setup();
  fake.program('auth.test', { status: 503, times: 6 });
  const { adapter } = make();
  await adapter.start();
  expect(adapter.connected()).toBe(false);
  expect(logs.join('')).toContain('Slack is unreachable; retrying in the background');
  await waitFor(() => adapter.connected(), 10_000, 'connected after retries');
  expect(fake.callsOf('auth.test').length).toBeGreaterThan(1);
  await adapter.stop();
});

it('HTTP mode needs the signing secret', async () => {
  const { fake } = await setup();
  const ctx = { ...contextFor(new MemoryStore(), new FixedClock(), ['slack']), roster: testRoster() };
  expect(() => createSlackAdapter({ ctx: () => ctx, logger: createLogger({ level: 'silent' }), botToken: fake.token, apiUrl: fake.apiUrl })).toThrow('SLACK_SIGNING_SECRET is required');
});
