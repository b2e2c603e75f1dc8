import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forRun, parseInterval, readDemoMessages, runFeed } from '../../../demo/send-messages.ts';
import { triage } from '../../../src/domain/triage/index.ts';
import { genericMessageSchema } from '../../../src/formats/generic.ts';
import { exampleConfig } from '../../support/context.ts';
import { startSandboxServer, type SandboxServer } from './harness.ts';

const FILE = fileURLToPath(new URL('../../../demo/messages.ndjson', import.meta.url));

describe('demo messages', () => {
  const messages = readDemoMessages(FILE);

  it('are valid generic portal messages with synthetic patients', () => {
    expect(messages.length).toBeGreaterThanOrEqual(25);
    for (const m of messages) {
      const r = genericMessageSchema.safeParse(m);
      expect(r.success, `${m.externalId}: ${JSON.stringify(r.error?.issues)}`).toBe(true);
      expect((m.patient as any).mrn).toMatch(/^9000\d{4}$/);
    }
  });

  it('mix categories, follow-ups and a few red flags', () => {
    const rules = exampleConfig().triageRules;
    const t = messages.map((m) => triage({ subject: m.subject as string, body: m.body as string, categoryHint: m.category as string | undefined }, rules));
    expect(new Set(t.map((x) => x.category)).size).toBeGreaterThanOrEqual(8);
    const flagged = t.filter((x) => x.redFlags.length).length;
    expect(flagged).toBeGreaterThanOrEqual(3);
    expect(flagged).toBeLessThanOrEqual(8);
    const threads = new Map<string, number>();
    for (const m of messages) if (m.threadId) threads.set(m.threadId, (threads.get(m.threadId) ?? 0) + 1);
    expect([...threads.values()].filter((n) => n >= 2).length).toBeGreaterThanOrEqual(3);
  });

  it('get fresh external and thread ids per run, follow-ups still sharing theirs', () => {
    const followUps = messages.filter((m) => m.threadId === 't-okafor-bp');
    const now = new Date('2026-12-02T10:00:00Z');
    const [a, b] = followUps.map((m) => forRun(m, 'run1', now));
    expect(a!.externalId).toBe(`run1-${followUps[0]!.externalId}`);
    expect(a!.threadId).toBe('run1-t-okafor-bp');
    expect(b!.threadId).toBe(a!.threadId);
    expect(a!.sentAt).toBe(now.toISOString());
  });

  it.each([['5s', 5_000], ['500ms', 500], ['2m', 120_000], ['0', 0], ['1.5', 1_500], ['soon', null], ['-1s', null]])(
    'reads the interval %s as %s ms',
    (text, ms) => expect(parseInterval(text)).toBe(ms),
  );
});

describe('demo feed through the ingestion API', () => {
  let s: SandboxServer;
  beforeAll(async () => {
    s = await startSandboxServer();
  });
  afterAll(async () => s?.stop());

  it('stores every message, joins follow-ups to their thread, and a second run adds new items', async () => {
    const log: string[] = [];
    const first = await runFeed({ url: s.url, everyMs: 0, file: FILE, runId: 'r1', log: (l) => log.push(l) });
    const total = readDemoMessages(FILE).length;
    expect(first.sent).toBe(total);
    const items = new Set(first.results.map((r) => r.itemId));
    expect(items.size).toBeLessThan(total);
    expect(first.results.some((r) => r.priority === 'stat')).toBe(true);
    expect(log.join('\n')).not.toMatch(/Delgado|Okafor|chest/i);
    const second = await runFeed({ url: s.url, everyMs: 0, file: FILE, runId: 'r2', limit: 3, log: () => {} });
    expect(second.results.every((r) => !r.duplicate && !items.has(r.itemId))).toBe(true);
  });

  it('explains a server that cannot be reached', async () => {
    await expect(runFeed({ url: 'http://127.0.0.1:9', everyMs: 0, file: FILE, limit: 1, log: () => {} })).rejects.toThrow(/Is it running\? Start it with: npm start/);
  });
});
