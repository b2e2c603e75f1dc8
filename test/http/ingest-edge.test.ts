import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../src/http/signature.ts';
import { DB_KINDS } from '../support/databases.ts';
import { capturedLogs, postJson, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The ingestion edge (issue 11): bad input of every class answers a 4xx that lists its
 * problems and stores nothing; a request is stored whole or not at all; concurrent messages
 * into one thread each land once; every form of FHIR Reference is accepted.
 */

let n = 0;
const uid = () => `${Date.now().toString(36)}-${++n}`;
const message = (over: Record<string, unknown> = {}) => ({
  source: 'portal',
  externalId: `edge-${uid()}`,
  sentAt: '2026-12-01T14:55:00Z',
  patient: { id: 'pt-9', name: 'Ima Testcase', mrn: '77704321' },
  subject: 'Appointment',
  body: 'Can I reschedule my annual physical to next week?',
  ...over,
});
const communication = (over: Record<string, unknown> = {}) => ({
  resourceType: 'Communication',
  id: `c-${uid()}`.replace(/[^A-Za-z0-9.-]/g, '-'),
  identifier: [{ system: 'urn:example:portal-message-id', value: `MC-${uid()}` }],
  status: 'in-progress',
  subject: { reference: 'Patient/pt-001' },
  sent: '2026-12-01T13:05:00Z',
  payload: [{ contentString: 'Can I move my appointment to Friday?' }],
  ...over,
});
const HL7_EXAMPLE = JSON.parse(fs.readFileSync(new URL('../fixtures/hl7-r4-communication-example.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** Random letters: a long string of them does not compress below PostgreSQL's index-row limit. */
const noise = (length: number) => Array.from({ length }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');

async function post(s: TestServer, path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as Record<string, any> };
}

async function counts(s: TestServer) {
  const [r] = await s.baton.db.sql.query(
    `SELECT (SELECT count(*) FROM "PortalMessage")::int AS messages, (SELECT count(*) FROM "WorkItem")::int AS items,
            (SELECT count(*) FROM "AuditEvent")::int AS audit, (SELECT count(*) FROM "Outbox")::int AS outbox,
            (SELECT coalesce(sum(version), 0) FROM "WorkItem")::int AS versions`,
  );
  return r!;
}

/** Expects a 4xx that lists problems, including one at `path` (when given), and that nothing was stored. */
async function refused(s: TestServer, send: () => Promise<{ status: number; json: Record<string, any>; text: string }>, status: number, path?: string | RegExp) {
  const before = await counts(s);
  const r = await send();
  expect(r.status, r.text.slice(0, 400)).toBe(status);
  const problems = r.json.error.problems as Array<{ path: string; message: string }>;
  expect(problems.length).toBeGreaterThan(0);
  for (const p of problems) expect(p).toEqual({ path: expect.any(String), message: expect.any(String) });
  if (path !== undefined) expect(problems.map((p) => p.path)).toContainEqual(typeof path === 'string' ? path : expect.stringMatching(path));
  expect(await counts(s)).toEqual(before);
  return r;
}

describe.each(DB_KINDS)('ingestion edge on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ kind });
    // No sweeps or digests in the background: the row counts before and after a request are the request's alone.
    await s.baton.scheduler.stop();
    // Refuses chosen messages at insert, as a database would refuse a bad value midway through a request.
    await s.baton.db.sql.exec(`
      CREATE FUNCTION baton_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."externalId" LIKE '%refuse-data%' THEN RAISE EXCEPTION 'value refused (test)' USING ERRCODE = '22023'; END IF;
        IF NEW."externalId" LIKE '%refuse-fault%' THEN RAISE EXCEPTION 'store fault (test)'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER baton_test_refuse BEFORE INSERT ON "PortalMessage" FOR EACH ROW EXECUTE FUNCTION baton_test_refuse();`);
  });
  afterAll(async () => s?.stop());

  describe('deep nesting', () => {
    it('answers 400 for 3,000 levels of arrays or objects on every route, naming where', async () => {
      const arrays = '['.repeat(3000) + ']'.repeat(3000);
      const objects = '{"a":'.repeat(3000) + '1' + '}'.repeat(3000);
      for (const path of ['/v1/messages', '/fhir/r4/Communication', '/fhir/r4']) {
        for (const body of [arrays, objects, JSON.stringify(message()).replace('"subject":"Appointment"', `"subject":${arrays}`)]) {
          const r = await refused(s, () => post(s, path, body), 400);
          expect(r.json.error.problems.some((p: any) => /nested more than 64 levels/.test(p.message))).toBe(true);
        }
      }
    });

    it('accepts ordinary FHIR nesting (extensions a dozen levels deep)', async () => {
      let ext: Record<string, unknown> = { url: 'urn:x:leaf', valueString: 'x' };
      for (let i = 0; i < 12; i++) ext = { url: `urn:x:${i}`, extension: [ext] };
      expect((await postJson(`${s.url}/fhir/r4/Communication`, communication({ extension: [ext] }))).status).toBe(202);
    });
  });

  describe('compression and charsets', () => {
    it('answers 400 for bodies that are not what their Content-Encoding says, and 415 for an unknown encoding', async () => {
      const garbage = Buffer.from('definitely not compressed');
      for (const enc of ['gzip', 'deflate', 'br']) {
        const r = await refused(s, () => post(s, '/v1/messages', garbage, { 'content-encoding': enc }), 400, '(body)');
        expect(r.json.error.code).toBe('request.bad_compression');
      }
      const truncated = zlib.gzipSync(JSON.stringify(message())).subarray(0, 20);
      await refused(s, () => post(s, '/fhir/r4', truncated, { 'content-encoding': 'gzip' }), 400);
      await refused(s, () => post(s, '/v1/messages', garbage, { 'content-encoding': 'x-snappy' }), 415, '(header) content-encoding');
    });

    it('still accepts a correctly compressed body', async () => {
      for (const [enc, z] of [['gzip', zlib.gzipSync], ['deflate', zlib.deflateSync], ['br', zlib.brotliCompressSync]] as const) {
        const r = await post(s, '/v1/messages', z(JSON.stringify(message())), { 'content-encoding': enc });
        expect(r.status).toBe(202);
      }
    });

    it('decodes charset=iso-8859-1 (latin1) as ISO-8859-1, not as UTF-8', async () => {
      for (const charset of ['latin1', 'ISO-8859-1', '"iso-8859-1"']) {
        const m = message({ body: 'Me duele la cabeza, ¿qué hago? Señora Muñoz, café', patient: { id: 'pt-lat', name: 'José Peña' } });
        const r = await post(s, '/v1/messages', Buffer.from(JSON.stringify(m), 'latin1'), { 'content-type': `application/json; charset=${charset}` });
        expect(r.status).toBe(202);
        const [stored] = await s.baton.ctx.store.messagesOf(r.json.itemId);
        expect(stored!.body).toBe(m.body);
        expect(stored!.patientName).toBe('José Peña');
      }
    });

    it('refuses any other charset with 415, and bytes that are not UTF-8 with 400', async () => {
      const body = JSON.stringify(message());
      for (const charset of ['utf-16', 'shift_jis', 'windows-1251', 'x-unknown']) {
        const r = await refused(s, () => post(s, '/v1/messages', body, { 'content-type': `application/json; charset=${charset}` }), 415, '(header) content-type');
        expect(r.json.error.code).toBe('request.unsupported_charset');
      }
      const latin1Bytes = Buffer.from(JSON.stringify(message({ body: 'café con leche' })), 'latin1');
      const r = await refused(s, () => post(s, '/v1/messages', latin1Bytes), 400, '(body)');
      expect(r.json.error.code).toBe('request.invalid_encoding');
      expect((await post(s, '/v1/messages', body, { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(202);
    });
  });

  describe('malformed JSON', () => {
    it('answers 400 with where, never a fragment of the body', async () => {
      for (const body of ['{"body": "Ima Testcase has crushing chest pain', '{"body": Ima Testcase}', '[{"body":"secret words"}] trailing', '\u00ff{}']) {
        const r = await refused(s, () => post(s, '/v1/messages', body), 400, '(body)');
        expect(r.json.error.code).toBe('request.malformed_json');
        for (const fragment of ['Ima', 'Testcase', 'chest', 'secret', 'trailing']) expect(r.text).not.toContain(fragment);
      }
    });
  });

  describe('ill-formed strings and astral characters', () => {
    it('answers 400 naming the field for a lone surrogate anywhere, values and keys alike', async () => {
      const lone = (m: object) => JSON.stringify(m).replace('LONE', 'pain \\ud83d');
      await refused(s, () => post(s, '/v1/messages', lone(message({ body: 'LONE' }))), 400, 'body');
      await refused(s, () => post(s, '/v1/messages', lone(message({ patient: { id: 'pt-1', name: 'LONE' } }))), 400, 'patient.name');
      await refused(s, () => post(s, '/v1/messages', lone([message(), message({ subject: 'LONE' })])), 400, '[1].subject');
      await refused(s, () => post(s, '/fhir/r4/Communication', lone(communication({ payload: [{ contentString: 'LONE' }] }))), 400, 'payload[0].contentString');
      await refused(s, () => post(s, '/v1/messages', JSON.stringify(message()).replace('"body"', '"bo\\udc00dy"')), 400, /^bo\?dy$/);
    });

    it('accepts names that start with an astral character and builds the token from the first code point', async () => {
      for (const [name, initials] of [['𠮷野 太郎', '𠮷.太'], ['😀 Smith', '😀.S'], ['𝒜lice 𝔅rown', '𝒜.𝔅']]) {
        const r = await postJson(`${s.url}/v1/messages`, message({ patient: { id: 'pt-astral', name, mrn: '12345678' } }));
        expect(r.status, r.text).toBe(202);
        const item = (await (await fetch(`${s.url}/v1/items/${r.json.itemId}`)).json()) as any;
        expect(item.item.patientToken).toBe(`${initials}. …5678`);
        expect(item.item.patientToken.isWellFormed()).toBe(true);
      }
    });
  });

  describe('dates', () => {
    it("answers 400 for dates outside 1900–2200 (PostgreSQL's and JavaScript's ranges differ beyond)", async () => {
      for (const sentAt of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-14:00', '1899-12-31T23:59:59Z', '2201-01-01T00:00:00Z']) {
        await refused(s, () => postJson(`${s.url}/v1/messages`, message({ sentAt })), 400, 'sentAt');
      }
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ sent: '0000-01-01T00:00:00Z' })), 400, 'sent');
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ sent: undefined, received: '9999-12-31T23:59:59-14:00' })), 400, 'received');
      expect((await postJson(`${s.url}/v1/messages`, message({ sentAt: '2200-12-31T23:59:59Z' }))).status).toBe(202);
    });
  });

  describe('bounded strings and arrays', () => {
    it('answers 400 for 8 KB FHIR identifiers and references instead of overflowing a unique index', async () => {
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ identifier: [{ system: `urn:${noise(8000)}`, value: 'v1' }] })), 400, 'identifier[0].system');
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ identifier: [{ value: noise(8000) }] })), 400, 'identifier[0].value');
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ partOf: [{ reference: `Communication/${noise(8000)}` }] })), 400, 'partOf[0].reference');
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ subject: { reference: `Patient/${noise(8000)}` } })), 400, 'subject.reference');
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ topic: { text: noise(600) } })), 400, 'topic.text');
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ payload: [{ contentString: noise(12_000) }, { contentString: noise(12_000) }] })), 400, 'payload');
    });

    it('answers 400 for over-long generic fields', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ externalId: noise(8000) }, 'externalId'],
        [{ threadId: noise(300) }, 'threadId'],
        [{ patient: { id: noise(300) } }, 'patient.id'],
        [{ patient: { id: 'p', name: noise(201) } }, 'patient.name'],
        [{ subject: noise(501) }, 'subject'],
        [{ body: noise(20_001) }, 'body'],
        [{ link: `https://ehr.example.org/${noise(2100)}` }, 'link'],
      ];
      for (const [over, path] of cases) await refused(s, () => postJson(`${s.url}/v1/messages`, message(over)), 400, path);
    });

    it('answers 400 for arrays over their count, without listing a problem per element', async () => {
      const many = (k: number, f: (i: number) => unknown) => Array.from({ length: k }, (_, i) => f(i));
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ identifier: many(21, (i) => ({ value: `v${i}` })) })), 400, 'identifier');
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ payload: many(51, () => ({ contentString: 'x' })) })), 400, 'payload');
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ partOf: many(21, (i) => ({ reference: `Communication/p${i}` })) })), 400, 'partOf');
      const r = await refused(s, () => postJson(`${s.url}/v1/messages`, many(5000, () => ({}))), 400, '(body)');
      expect(r.json.error.problems).toHaveLength(1);
      await refused(s, () => postJson(`${s.url}/fhir/r4`, { resourceType: 'Bundle', entry: many(501, () => ({ resource: communication() })) }), 400, 'entry');
    });
  });

  describe('one request, one transaction', () => {
    it('stores nothing from a batch whose third message the database refuses, and says which', async () => {
      const threadId = `atomic-${uid()}`;
      const first = await postJson(`${s.url}/v1/messages`, message({ threadId }));
      expect(first.status).toBe(202);
      // A new item, a follow-up to the existing one, then a refused message: none of it stays.
      const batch = [message({ threadId: `new-${uid()}` }), message({ threadId }), message({ externalId: `refuse-data-${uid()}` })];
      const r = await refused(s, () => postJson(`${s.url}/v1/messages`, batch), 400, '[2]');
      expect(r.json.error.code).toBe('request.unstorable');
      expect(r.json.error.message).toContain('nothing from this request was stored');
      const item = (await (await fetch(`${s.url}/v1/items/${first.json.itemId}`)).json()) as any;
      expect(item.item).toMatchObject({ messageCount: 1, version: 1 });
      // The same batch without the refused message stores all of it.
      expect((await postJson(`${s.url}/v1/messages`, batch.slice(0, 2))).status).toBe(202);
    });

    it('rolls back a Bundle when storing an entry fails on the server side, naming the entry', async () => {
      const thread = `bt-${uid()}`.replace(/[^A-Za-z0-9.-]/g, '-');
      const entries = [
        communication({ partOf: [{ reference: `Communication/${thread}` }] }),
        communication({ partOf: [{ reference: `Communication/${thread}` }] }),
        communication({ identifier: [{ system: 'urn:x', value: `refuse-fault-${uid()}` }] }),
      ];
      const before = await counts(s);
      const r = await postJson(`${s.url}/fhir/r4`, { resourceType: 'Bundle', type: 'collection', entry: entries.map((resource) => ({ resource })) });
      expect(r.status).toBe(500);
      expect(r.json.error.problems).toEqual([{ path: 'entry[2]', message: expect.stringContaining('nothing from this request was stored') }]);
      expect(await counts(s)).toEqual(before);
    });

    it('keeps idempotency: a batch repeating stored messages is not a failure', async () => {
      const a = message();
      const b = message();
      expect((await postJson(`${s.url}/v1/messages`, [a])).status).toBe(202);
      const r = await postJson(`${s.url}/v1/messages`, [a, b, b]);
      expect(r.status).toBe(202);
      expect(r.json.results.map((x: any) => x.duplicate)).toEqual([true, false, true]);
      const again = await postJson(`${s.url}/v1/messages`, [a, b]);
      expect(again.status).toBe(200);
    });
  });

  describe('concurrent messages in one thread', () => {
    const fire = (threadId: string, k: number) =>
      Promise.all(Array.from({ length: k }, (_, i) => postJson(`${s.url}/v1/messages`, message({ threadId, body: `Follow-up number ${i}: is there any news on my results?` }))));

    it('stores 20 concurrent follow-ups into one existing thread, each exactly once, on one item', async () => {
      for (let round = 0; round < 3; round++) {
        const threadId = `conc-${uid()}`;
        const first = await postJson(`${s.url}/v1/messages`, message({ threadId }));
        const answers = await fire(threadId, 20);
        expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
        expect(new Set(answers.map((a) => a.json.itemId))).toEqual(new Set([first.json.itemId]));
        const item = (await (await fetch(`${s.url}/v1/items/${first.json.itemId}`)).json()) as any;
        expect(item.item).toMatchObject({ messageCount: 21, version: 21 });
        expect(await s.baton.ctx.store.messagesOf(first.json.itemId)).toHaveLength(21);
        expect(item.audit.filter((a: any) => a.action === 'item.follow_up')).toHaveLength(20);
      }
    }, 120_000);

    it('makes one item for 20 concurrent first messages of a new thread', async () => {
      const threadId = `conc-new-${uid()}`;
      const answers = await fire(threadId, 20);
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
      const ids = new Set(answers.map((a) => a.json.itemId));
      expect(ids.size).toBe(1);
      const item = (await (await fetch(`${s.url}/v1/items/${[...ids][0]}`)).json()) as any;
      expect(item.item.messageCount).toBe(20);
    }, 120_000);
  });

  describe('FHIR References', () => {
    it('ingests the HL7 R4 Communication example (partOf with only a display)', async () => {
      const r = await postJson(`${s.url}/fhir/r4/Communication`, HL7_EXAMPLE, { 'content-type': 'application/fhir+json' });
      expect(r.status, r.text).toBe(202);
      const [stored] = await s.baton.ctx.store.messagesOf(r.json.itemId);
      expect(stored).toMatchObject({
        source: 'fhir',
        externalId: 'urn:oid:1.3.4.5.6.7|2345678901',
        resourceId: 'example',
        patientId: 'example',
        body: 'Patient 1 has a very high serum potassium value (7.2 mmol/L on 2014-Dec-12 at 5:55 pm)',
        categoryHint: 'Alert',
        sentAt: new Date('2014-12-13T02:01:10Z'),
      });
      // A display names no thread: the message starts its own.
      expect(stored!.threadKey).toBe('fhir:example');
      const again = await postJson(`${s.url}/fhir/r4/Communication`, HL7_EXAMPLE, { 'content-type': 'application/fhir+json' });
      expect(again).toMatchObject({ status: 200, json: { itemId: r.json.itemId, duplicate: true } });
    });

    it('threads partOf by reference, else by identifier; a display alone joins nothing', async () => {
      const byIdent = { identifier: { system: 'urn:example:thread', value: `T-${uid()}` } };
      const a = await postJson(`${s.url}/fhir/r4/Communication`, communication({ partOf: [byIdent] }));
      const b = await postJson(`${s.url}/fhir/r4/Communication`, communication({ partOf: [{ ...byIdent, display: 'Lab question' }] }));
      expect(a.status).toBe(202);
      expect(b.json.itemId).toBe(a.json.itemId);
      const ref = `Communication/r-${uid()}`.replace(/[^A-Za-z0-9/.-]/g, '-');
      const c = await postJson(`${s.url}/fhir/r4/Communication`, communication({ partOf: [{ reference: ref, identifier: byIdent.identifier }] }));
      const d = await postJson(`${s.url}/fhir/r4/Communication`, communication({ partOf: [{ reference: ref }] }));
      expect(d.json.itemId).toBe(c.json.itemId);
      expect(c.json.itemId).not.toBe(a.json.itemId);
      const e = await postJson(`${s.url}/fhir/r4/Communication`, communication({ partOf: [{ display: 'Serum Potassium Observation' }] }));
      const f = await postJson(`${s.url}/fhir/r4/Communication`, communication({ partOf: [{ display: 'Serum Potassium Observation' }] }));
      expect([e.status, f.status]).toEqual([202, 202]);
      expect(f.json.itemId).not.toBe(e.json.itemId);
    });

    it('joins an inResponseTo given by identifier to the thread of the message it answers', async () => {
      const ident = { system: 'urn:example:portal-message-id', value: `Q-${uid()}` };
      const q = await postJson(`${s.url}/fhir/r4/Communication`, communication({ identifier: [ident] }));
      const reply = await postJson(`${s.url}/fhir/r4/Communication`, communication({ inResponseTo: [{ identifier: ident, display: 'the question' }] }));
      expect(reply.json.itemId).toBe(q.json.itemId);
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ inResponseTo: [{ reference: 'Patient/1' }] })), 400, 'inResponseTo[0].reference');
    });

    it('takes the patient from subject.identifier when there is no literal reference, and refuses a display alone', async () => {
      const r = await postJson(`${s.url}/fhir/r4/Communication`, communication({ subject: { identifier: { system: 'urn:mrn', value: 'MRN-55501234' }, display: 'Ima Testcase' } }));
      expect(r.status, r.text).toBe(202);
      const [stored] = await s.baton.ctx.store.messagesOf(r.json.itemId);
      expect(stored!.patientId).toBe('MRN-55501234');
      await refused(s, () => postJson(`${s.url}/fhir/r4/Communication`, communication({ subject: { display: 'Ima Testcase' } })), 400, 'subject');
    });
  });
});

describe('ingestion edge: metrics and start-up', () => {
  const secret = 'edge-secret-0123456789';
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ env: { INGEST_SECRET: secret } });
  });
  afterAll(async () => s?.stop());

  const metric = async (outcome: string) => {
    const text = await (await fetch(`${s.url}/metrics`)).text();
    return Number(new RegExp(`baton_messages_ingested_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  };

  it('counts an unsigned request once, as unauthorized, on every route', async () => {
    for (const [path, body] of [['/fhir/r4/Communication', communication()], ['/fhir/r4', { resourceType: 'Bundle', entry: [{ resource: communication() }] }], ['/v1/messages', message()]] as const) {
      const [u0, i0] = [await metric('unauthorized'), await metric('invalid')];
      const r = await postJson(`${s.url}${path}`, body);
      expect(r.status).toBe(401);
      expect(r.json.error.problems.length).toBeGreaterThan(0);
      expect([await metric('unauthorized') - u0, await metric('invalid') - i0]).toEqual([1, 0]);
    }
  });

  it('counts a signed but invalid request once, as invalid', async () => {
    const body = JSON.stringify(communication({ status: 'nope' }));
    const ts = String(Math.floor(Date.now() / 1000));
    const i0 = await metric('invalid');
    const r = await postJson(`${s.url}/fhir/r4/Communication`, body, { 'x-baton-timestamp': ts, 'x-baton-signature': sign(secret, ts, body) });
    expect(r.status).toBe(400);
    expect(await metric('invalid') - i0).toBe(1);
  });

  it('says at start-up when INGEST_SECRET is unset, and not when it is set', async () => {
    const open = await startTestServer();
    try {
      const lines = capturedLogs.filter((l) => l.includes('INGEST_SECRET is not set'));
      expect(lines.some((l) => l.includes(open.url))).toBe(true);
      expect(lines.some((l) => l.includes(s.url))).toBe(false);
      expect(lines.join('')).toContain('staff free text');
    } finally {
      await open.stop();
    }
  }, 120_000); // starts a second server: slow on a loaded 2-core machine
});
