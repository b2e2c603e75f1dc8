import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { viewMessage } from '../../src/app/view-message.ts';
import { asyncRoute, errorHandler } from '../../src/http/http-errors.ts';
import { listen } from '../../src/http/server.ts';
import { errorFacts } from '../../src/observability/error-facts.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { portalMessage } from '../support/context.ts';
import { DB_KINDS, openTestDb, type TestDb } from '../support/databases.ts';
import { phiFixtures, PhiScanner } from '../support/phi-scan.ts';
import { capturedLogs, postJson, startTestServer, type TestServer } from '../support/server.ts';

const corpusPath = process.env.BATON_DEV_CORPUS ?? path.resolve('..', 'shared', 'corpus', 'dev-messages.ndjson');
const haveCorpus = fs.existsSync(corpusPath);
const corpus = haveCorpus
  ? fs.readFileSync(corpusPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l).message as { externalId: string; patient: { name: string; mrn: string }; body: string; subject?: string })
  : [];

const scanner = new PhiScanner(phiFixtures());

/** A logger that writes only here: planted patient data must not reach the suite's shared sink. */
function isolatedLogger(level = 'info') {
  const lines: string[] = [];
  const tap = process.env.BATON_LOG_TAP;
  delete process.env.BATON_LOG_TAP;
  try {
    return { lines, logger: createLogger({ level, destination: new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }) }) };
  } finally {
    if (tap !== undefined) process.env.BATON_LOG_TAP = tap;
  }
}

describe('the suite-wide log check', () => {
  it('collects this process’s log lines, at every level, even from a logger set to silent', () => {
    const tap = process.env.BATON_LOG_TAP;
    expect(tap, 'test/support/log-tap.setup.ts sets it for every worker').toBeTruthy();
    createLogger({ level: 'silent' }).trace({ probe: 'tap-check-7f3a' }, 'tap check');
    expect(fs.readFileSync(tap!, 'utf8')).toContain('tap-check-7f3a');
  });

  it('knows the fixtures’ patient data: the shared test message, the demo feed and the corpus', () => {
    const values = new Set(phiFixtures().map((p) => p.value));
    const m = portalMessage();
    for (const v of [m.patient.name, m.patient.mrn, m.body, 'Rosa Delgado', '90000112']) expect(values).toContain(v);
    if (haveCorpus) for (const c of corpus.slice(0, 5)) expect(values).toContain(c.patient.name);
  });

  it('finds a name, an MRN, a subject and a body in log lines, JSON-escaped or not, and nothing in clean ones', () => {
    const { lines, logger } = isolatedLogger();
    logger.info({ note2: 'clean' }, 'message ingested');
    expect(scanner.scanText(lines.join(''))).toEqual([]);
    const planted = [
      JSON.stringify({ msg: `lookup failed for Testa  Patientson` }),
      JSON.stringify({ err: { detail: `duplicate key (mrn)=(55501234)` } }),
      JSON.stringify({ msg: `value too long: "I ran out of my blood pressure pills, please send a refill to my pharmacy."` }),
      `{"msg":"cut short by kill -9: Rosa Delgado`,
    ];
    const found = scanner.scanText(planted.join('\n'), 'planted.ndjson');
    const hits = new Set(found.map((l) => `${l.kind}@${l.line}`));
    for (const h of ['name@1', 'mrn@2', 'body@3', 'name@4']) expect(hits).toContain(h);
    expect(found.every((l) => l.file === 'planted.ndjson' && l.source)).toBe(true);
    // An MRN inside a longer number, or a name inside a longer word, is not a hit.
    expect(scanner.scanText(JSON.stringify({ n: '555012345', w: 'Testa Patientsonn' }))).toEqual([]);
  });
});

describe('an unexpected database error', () => {
  const dbs: TestDb[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.cleanup();
  });

  it.each(DB_KINDS)('is logged on %s with its class, code and a reference, never the driver message or the query’s values', async (kind) => {
    const t = await openTestDb(kind);
    dbs.push(t);
    const m = portalMessage();
    // A driver error quotes the failing value; Prisma's validation error prints the whole call.
    const driver = await t.db.prisma.$queryRaw`SELECT ${m.patient.name}::int AS n`.catch((e: unknown) => e);
    const validation = await t.db.prisma.portalMessage.create({ data: { patientName: m.patient.name, patientMrn: m.patient.mrn, body: m.body, bogus: 1 } as never }).catch((e: unknown) => e);
    expect(String((driver as Error).message) + String((validation as Error).message)).toContain(m.patient.name!); // the hazard is real

    const { lines, logger } = isolatedLogger();
    const app = express();
    let n = 0;
    app.get('/boom', asyncRoute(async () => {
      throw n++ === 0 ? driver : validation;
    }));
    app.use(errorHandler(logger));
    const server = await listen(app, '127.0.0.1', 0);
    try {
      for (let i = 0; i < 2; i++) {
        const r = await fetch(`${server.url}/boom`);
        const text = await r.text();
        expect(r.status).toBe(500);
        expect(text).not.toContain(m.patient.name!);
        const ref = /reference ([0-9a-f-]{36})/.exec(text)?.[1];
        const line = JSON.parse(lines[i]!);
        expect(line.ref).toBe(ref);
        expect(line.err.type).toMatch(/Error$/);
        expect(line.err.frames?.length).toBeGreaterThan(0);
      }
    } finally {
      await server.close();
    }
    const all = lines.join('');
    expect(all).not.toContain(m.patient.name!);
    expect(all).not.toContain(m.patient.mrn!);
    expect(all).not.toContain('pressure pills');
    expect(scanner.scanText(all)).toEqual([]);
    expect(errorFacts(driver).code ?? errorFacts(driver).kind).toBeTruthy();
  });

  it('keeps the message of an error that says it is safe, and only that', () => {
    const safe = Object.assign(new Error('Teams card update failed: HTTP 403'), { loggableMessage: true });
    expect(errorFacts(safe).detail).toBe('Teams card update failed: HTTP 403');
    const unsafe = Object.assign(new Error('duplicate key value (55501234)'), { code: '23505' });
    expect(errorFacts(unsafe)).toEqual({ type: 'Error', code: '23505' });
    expect(errorFacts(Object.assign(new Error('x'), { code: 'has spaces: Testa Patientson' }))).toEqual({ type: 'Error' });
  });

  it('is reduced to class and codes wherever a caller passes it to the logger', () => {
    const { lines, logger } = isolatedLogger();
    const e = Object.assign(new Error('insert failed for Testa Patientson'), { code: 'P2002' });
    logger.error({ err: e }, 'outbox worker failed; retrying');
    logger.error({ err: { message: 'Testa Patientson' } }, 'an old-style call');
    logger.error({ errors: [e] }, 'slack sdk');
    expect(lines.join('')).not.toContain('Patientson');
    expect(JSON.parse(lines[0]!).err).toMatchObject({ type: 'Error', code: 'P2002' });
  });
});

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
    expect(scanner.scanText(logs, 'server logs')).toEqual([]);
  }, 120_000);
});
