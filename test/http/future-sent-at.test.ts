import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../support/context.ts';
import { postJson, startTestServer, type TestServer } from '../support/server.ts';

const NOW = new Date('2026-12-01T15:00:00Z');
const HOUR = 3_600_000;
const inFuture = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

const message = (over: Record<string, unknown> = {}) => ({
  source: 'portal',
  externalId: `f-${Math.random().toString(36).slice(2)}`,
  sentAt: inFuture(2 * 24 * HOUR),
  patient: { id: 'pt-fut', name: 'Ima Testcase', mrn: '77704321' },
  subject: 'Appointment',
  body: 'Can I reschedule my annual physical to next week?',
  ...over,
});

/**
 * A sender whose clock runs ahead: the message is stored (an acknowledged message is never
 * lost), its age counts from when Baton received it, and the answer, the card and View message
 * say so. Within five minutes it is ordinary clock skew and nothing is said.
 */
describe('a sentAt in the future', () => {
  let s: TestServer;
  let clock: FixedClock;
  beforeAll(async () => {
    clock = new FixedClock(NOW);
    s = await startTestServer({ clock });
  });
  afterAll(async () => s?.stop());

  const item = async (id: string) => (await (await fetch(`${s.url}/v1/items/${id}`)).json()) as any;

  it('is stored as sent, counted from the receive time, and the 202 says so; a repeat is still a plain duplicate', async () => {
    const m = message();
    const r = await postJson(`${s.url}/v1/messages`, m);
    expect(r.status).toBe(202);
    expect(r.json).toEqual({ itemId: expect.any(String), queue: 'front-desk', priority: 'routine', duplicate: false, sentAtInFuture: { sentAt: m.sentAt, countedFrom: NOW.toISOString() } });
    const got = await item(r.json.itemId);
    expect(got.item.firstMessageAt).toBe(NOW.toISOString());
    expect(got.audit[0]).toMatchObject({ action: 'item.created', detail: { sentAtInFuture: m.sentAt } });
    const again = await postJson(`${s.url}/v1/messages`, m);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ itemId: r.json.itemId, queue: 'front-desk', priority: 'routine', duplicate: true });
  });

  it('within five minutes of clock skew is counted from the receive time and not reported', async () => {
    const r = await postJson(`${s.url}/v1/messages`, message({ sentAt: inFuture(3 * 60_000) }));
    expect(r.status).toBe(202);
    expect(r.json.sentAtInFuture).toBeUndefined();
    expect((await item(r.json.itemId)).item.firstMessageAt).toBe(NOW.toISOString());
  });

  it('is reported per message of an array, for a follow-up in a thread, and for FHIR `sent`', async () => {
    const thread = `t-${Math.random().toString(36).slice(2)}`;
    const batch = await postJson(`${s.url}/v1/messages`, [message({ threadId: thread, sentAt: '2026-12-01T14:00:00Z' }), message({ threadId: thread })]);
    expect(batch.status).toBe(202);
    expect(batch.json.results.map((x: any) => x.sentAtInFuture?.countedFrom ?? null)).toEqual([null, NOW.toISOString()]);
    expect((await item(batch.json.results[0].itemId)).audit.map((a: any) => [a.action, a.detail.sentAtInFuture ?? null])).toEqual([
      ['item.created', null],
      ['item.follow_up', expect.stringMatching(/^2026-12-03T15:00/)],
    ]);
    const fhir = await postJson(`${s.url}/fhir/r4/Communication`, {
      resourceType: 'Communication',
      identifier: [{ system: 'urn:example:portal-message-id', value: `MC-${Math.random().toString(36).slice(2)}` }],
      status: 'in-progress',
      subject: { reference: 'Patient/pt-fut' },
      sent: inFuture(HOUR),
      payload: [{ contentString: 'Can I reschedule my appointment?' }],
    });
    expect(fhir.status).toBe(202);
    expect(fhir.json.sentAtInFuture).toEqual({ sentAt: inFuture(HOUR), countedFrom: NOW.toISOString() });
  });

  it('ages the card from the receive time, and the card and View message say the sent time was in the future', async () => {
    const m = message();
    const { json } = await postJson(`${s.url}/v1/messages`, m);
    clock.advance(30 * 60_000);
    const state = (await (await fetch(`${s.url}/sandbox/api/state?as=sam-ortiz`)).json()) as any;
    const card = state.channels.flatMap((c: any) => c.cards).find((c: any) => c.itemId === json.itemId);
    expect(card).toMatchObject({ age: '30m', ageNote: 'sent time was in the future; using received time' });
    const view = await postJson(`${s.url}/sandbox/api/items/${json.itemId}/actions`, { as: 'sam-ortiz', command: 'item.view' });
    expect(view.json.messages).toEqual([expect.objectContaining({
      sentAt: m.sentAt,
      receivedAt: NOW.toISOString(),
      time: { at: NOW.toISOString(), label: '09:00', title: 'Tue 1 Dec, 09:00 CST' },
      timeNote: 'Sent time was in the future (Thu 3 Dec, 09:00 CST); using received time',
    })]);
  });
});
