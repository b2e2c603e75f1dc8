import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { viewMessage } from '../../src/app/view-message.ts';
import { capturedLogs, postJson, startTestServer, type TestServer } from '../support/server.ts';

const corpusPath = process.env.BATON_DEV_CORPUS ?? path.resolve('..', 'shared', 'corpus', 'dev-messages.ndjson');
const haveCorpus = fs.existsSync(corpusPath);
const corpus = haveCorpus
  ? fs.readFileSync(corpusPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l).message as { externalId: string; patient: { name: string; mrn: string }; body: string; subject?: string })
  : [];

describe.skipIf(!haveCorpus)('logs carry no patient data', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ env: { LOG_LEVEL: 'debug' } });
  });
  afterAll(async () => s?.stop());

  it('after ingesting the dev corpus, bad requests, actions and views, no name, MRN or message text appears in any log line', async () => {
    const itemIds: string[] = [];
    for (const m of corpus) {
      const r = await postJson(`${s.url}/v1/messages`, m);
      expect(r.status).toBe(202);
      itemIds.push(r.json.itemId);
    }
    // Bad input that itself carries PHI must not echo it into the logs.
    await postJson(`${s.url}/v1/messages`, { ...corpus[0], sentAt: 'not a date', extra: corpus[1]!.body });
    await postJson(`${s.url}/v1/messages`, `{"body": "${corpus[2]!.body}"`);
    const ctx = s.baton.ctx;
    for (const id of itemIds.slice(0, 10)) {
      await actOnItem(ctx, { itemId: id, actorKey: 'dana-reyes', platform: 'test', command: { type: 'claim' } });
      await viewMessage(ctx, { itemId: id, actorKey: 'dana-reyes', platform: 'test' });
    }
    await s.baton.worker.drain();
    await fetch(`${s.url}/metrics`).then((r) => r.text()).then((metrics) => {
      for (const m of corpus) expect(metrics).not.toContain(m.patient.name);
    });

    const logs = capturedLogs.join('');
    expect(logs).toContain('message ingested'); // the logs were really captured
    const leaks: string[] = [];
    for (const m of corpus) {
      if (logs.includes(m.patient.name)) leaks.push(`name of ${m.externalId}`);
      if (logs.includes(m.patient.mrn)) leaks.push(`MRN of ${m.externalId}`);
      if (logs.includes(m.body.slice(0, 40))) leaks.push(`body of ${m.externalId}`);
      if (m.subject && m.subject.length > 12 && logs.includes(m.subject)) leaks.push(`subject of ${m.externalId}`);
    }
    expect(leaks).toEqual([]);
  }, 120_000);
});
