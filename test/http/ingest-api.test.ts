import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign, signRequest } from '../../src/http/signature.ts';
import { DB_KINDS } from '../support/databases.ts';
import { postJson, startTestServer, type TestServer } from '../support/server.ts';

const message = (over: Record<string, unknown> = {}) => ({
  source: 'portal',
  externalId: `h-${Math.random().toString(36).slice(2)}`,
  sentAt: '2026-12-01T14:55:00Z',
  patient: { id: 'pt-9', name: 'Ima Testcase', mrn: '77704321' },
  subject: 'Appointment',
  body: 'Can I reschedule my annual physical to next week?',
  ...over,
});

const communication = (over: Record<string, unknown> = {}) => ({
  resourceType: 'Communication',
  id: `msg-${Math.random().toString(36).slice(2, 10)}`,
  identifier: [{ system: 'urn:example:portal-message-id', value: `MC-${Math.random().toString(36).slice(2)}` }],
  status: 'in-progress',
  subject: { reference: 'Patient/pt-001', display: 'Ima Testcase' },
  topic: { text: 'Refill request' },
  sent: '2026-12-01T13:05:00Z',
  payload: [{ contentString: 'I ran out of my lisinopril yesterday. Can you send a refill?' }],
  ...over,
});

describe.each(DB_KINDS)('ingestion API on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ kind });
  });
  afterAll(async () => s?.stop());

  it('answers 202 with the item, queue and priority once stored, and 200 duplicate for a repeat', async () => {
    const m = message();
    const first = await postJson(`${s.url}/v1/messages`, m);
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ itemId: expect.any(String), queue: 'front-desk', priority: 'routine', duplicate: false });
    const again = await postJson(`${s.url}/v1/messages`, m);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ ...first.json, duplicate: true });
  });

  it('records the ingestion in the audit trail readable through the item API', async () => {
    const { json } = await postJson(`${s.url}/v1/messages`, message());
    const res = await fetch(`${s.url}/v1/items/${json.itemId}`);
    const body = (await res.json()) as any;
    expect(body.item).toMatchObject({ state: 'OPEN', queue: 'front-desk', patientToken: 'I.T. …4321' });
    expect(body.audit[0]).toMatchObject({ action: 'item.created', actor: 'ingest:portal' });
    expect(JSON.stringify(body)).not.toContain('Testcase');
  });

  it("refuses a message that names another patient's thread (409 naming both fields), and stores nothing of its request", async () => {
    const thread = `t-${Math.random().toString(36).slice(2)}`;
    const first = await postJson(`${s.url}/v1/messages`, message({ threadId: thread }));
    await postJson(`${s.url}/v1/messages`, message({ threadId: thread, body: 'Any news?' }));
    const other = await postJson(`${s.url}/v1/messages`, message({ threadId: thread, patient: { id: 'pt-other', name: 'Otto Otherpatient' } }));
    expect(other.status).toBe(409);
    expect(other.json.error).toMatchObject({ code: 'message.thread_of_another_patient' });
    expect(other.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['threadId', 'patient.id']);
    expect(JSON.stringify(other.json)).not.toMatch(/pt-other|pt-9|Otherpatient|Testcase/);
    // In a batch: the entry is named, and the good message beside it is not stored either.
    const fine = message();
    const batch = await postJson(`${s.url}/v1/messages`, [fine, message({ threadId: thread, patient: { id: 'pt-other' } })]);
    expect(batch.status).toBe(409);
    expect(batch.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['[1].threadId', '[1].patient.id']);
    expect((await postJson(`${s.url}/v1/messages`, fine)).status).toBe(202); // new: the batch stored nothing
    const item = (await (await fetch(`${s.url}/v1/items/${first.json.itemId}`)).json()) as any;
    expect(item.item.messageCount).toBe(2);
    // FHIR: a Communication whose partOf names another patient's thread.
    const partOf = [{ reference: `Communication/thread-${thread}` }];
    expect((await postJson(`${s.url}/fhir/r4/Communication`, communication({ partOf }))).status).toBe(202);
    const fhir = await postJson(`${s.url}/fhir/r4/Communication`, communication({ partOf, subject: { reference: 'Patient/pt-002' } }));
    expect(fhir.status).toBe(409);
    expect(fhir.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['partOf', 'subject']);
  });

  it('accepts an array and answers per message', async () => {
    const r = await postJson(`${s.url}/v1/messages`, [message(), message({ body: 'Question about my bill and the copay charge' })]);
    expect(r.status).toBe(202);
    expect(r.json.results.map((x: any) => x.queue)).toEqual(['front-desk', 'billing']);
  });

  it('lists every validation problem with its path and stores nothing', async () => {
    const bad = [message(), { ...message(), sentAt: 'yesterday', body: '', extra: 1, patient: {} }];
    const r = await postJson(`${s.url}/v1/messages`, bad);
    expect(r.status).toBe(400);
    const paths = r.json.error.problems.map((p: any) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['[1].sentAt', '[1].body', '[1].patient.id', '[1]']));
    expect(JSON.stringify(r.json)).toContain('extra');
    const list = await (await fetch(`${s.url}/v1/items?limit=500`)).json() as any;
    expect(list.items.some((i: any) => i.queue === 'front-desk' && i.createdAt && false)).toBe(false);
  });

  it('lists items by state in any case, and answers a bad query with what is wanted, not with storing', async () => {
    await postJson(`${s.url}/v1/messages`, message());
    for (const state of ['OPEN', 'open', 'Open']) {
      const r = await fetch(`${s.url}/v1/items?state=${state}&limit=5`);
      expect(r.status).toBe(200);
      const { items } = (await r.json()) as { items: Array<{ state: string }> };
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((i) => i.state === 'OPEN')).toBe(true);
    }
    const bad = await fetch(`${s.url}/v1/items?state=bogus&limit=abc`);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as any;
    expect(body.error).toEqual({
      code: 'request.invalid',
      message: 'The query has problems.',
      problems: [
        { path: 'state', message: 'must be one of OPEN, CLAIMED, ESCALATED, SNOOZED, RESOLVED (any case)' },
        { path: 'limit', message: 'must be a whole number from 1 to 500 (got "abc")' },
      ],
    });
  });

  it('answers malformed JSON with 400, a non-JSON content type with 415 and an oversize body with 413', async () => {
    expect((await postJson(`${s.url}/v1/messages`, '{"source": ')).status).toBe(400);
    const r415 = await fetch(`${s.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(r415.status).toBe(415);
    const big = await postJson(`${s.url}/v1/messages`, message({ body: 'x'.repeat(1_100_000) }));
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('request.too_large');
  });

  it('maps a FHIR Communication and joins a reply (inResponseTo) to its thread', async () => {
    const c = communication();
    const first = await postJson(`${s.url}/fhir/r4/Communication`, c, { 'content-type': 'application/fhir+json' });
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ queue: 'refills', duplicate: false });
    const reply = communication({ inResponseTo: [{ reference: `Communication/${c.id}` }], payload: [{ contentString: 'Any update on that refill?' }] });
    const second = await postJson(`${s.url}/fhir/r4/Communication`, reply);
    expect(second.json.itemId).toBe(first.json.itemId);
  });

  it('lists FHIR problems (status, subject, payload) with paths', async () => {
    const r = await postJson(`${s.url}/fhir/r4/Communication`, communication({ status: 'sent', subject: { reference: 'Practitioner/1' }, identifier: [] }));
    expect(r.status).toBe(400);
    expect(r.json.error.problems.map((p: any) => p.path).sort()).toEqual(['identifier', 'status', 'subject.reference']);
    const noText = await postJson(`${s.url}/fhir/r4/Communication`, communication({ payload: [] }));
    expect(noText.status).toBe(400);
    expect(noText.json.error.problems).toEqual([{ path: 'payload', message: expect.stringContaining('contentString') }]);
  });

  it('ingests a FHIR Bundle, skipping the thread header and threading children by partOf', async () => {
    const header = { resourceType: 'Communication', id: 'thread-7f3a', identifier: [{ value: `TH-${Math.random()}` }], status: 'in-progress', subject: { reference: 'Patient/pt-001' } };
    const child1 = communication({ partOf: [{ reference: 'Communication/thread-7f3a' }] });
    const child2 = communication({ partOf: [{ reference: 'Communication/thread-7f3a' }], payload: [{ contentString: 'Also my pharmacy changed.' }] });
    const r = await postJson(`${s.url}/fhir/r4`, { resourceType: 'Bundle', type: 'collection', entry: [{ resource: header }, { resource: child1 }, { resource: child2 }] });
    expect(r.status).toBe(202);
    expect(r.json.results).toHaveLength(2);
    expect(r.json.results[0].itemId).toBe(r.json.results[1].itemId);
    expect(r.json.skipped).toEqual([{ path: 'entry[0]', message: expect.stringContaining('thread header') }]);
  });

  it('answers health, readiness and metrics', async () => {
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/baton_messages_ingested_total\{outcome="stored"\} \d+/);
    expect(metrics).toContain('baton_outbox_pending');
  });

  it('answers an unknown endpoint with a JSON 404', async () => {
    const r = await fetch(`${s.url}/v2/nothing`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as any).error.code).toBe('not_found');
  });
});

describe('ingestion API with INGEST_SECRET', () => {
  const secret = 'test-secret-0123456789';
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ env: { INGEST_SECRET: secret } });
  });
  afterAll(async () => s?.stop());

  const signed = (body: string, ts = Math.floor(Date.now() / 1000)) => ({ 'x-baton-timestamp': String(ts), 'x-baton-signature': sign(secret, String(ts), body) });

  it('accepts a correctly signed request', async () => {
    const body = JSON.stringify(message());
    expect((await postJson(`${s.url}/v1/messages`, body, signed(body))).status).toBe(202);
  });

  it('rejects a missing, wrong or tampered signature with 401', async () => {
    const body = JSON.stringify(message());
    expect((await postJson(`${s.url}/v1/messages`, body)).status).toBe(401);
    expect((await postJson(`${s.url}/v1/messages`, body, { ...signed(body), 'x-baton-signature': 'sha256=00' })).status).toBe(401);
    const tampered = body.replace('reschedule', 'cancel');
    expect((await postJson(`${s.url}/v1/messages`, tampered, signed(body))).status).toBe(401);
  });

  it('rejects a replay outside the five-minute window', async () => {
    const body = JSON.stringify(message());
    const old = Math.floor(Date.now() / 1000) - 301;
    const r = await postJson(`${s.url}/v1/messages`, body, signed(body, old));
    expect(r.status).toBe(401);
    expect(r.json.error.message).toContain('5-minute window');
  });

  it('protects the item API too', async () => {
    expect((await fetch(`${s.url}/v1/items`)).status).toBe(401);
    const ts = String(Math.floor(Date.now() / 1000));
    expect((await fetch(`${s.url}/v1/items`, { headers: { 'x-baton-timestamp': ts, 'x-baton-signature': signRequest(secret, { timestamp: ts, method: 'GET', target: '/v1/items', body: '' }) } })).status).toBe(200);
  });
});
