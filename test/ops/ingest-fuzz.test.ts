import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

/** A seeded generator so a failing case can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const valid = { source: 'portal', externalId: 'f-1', sentAt: '2026-12-01T14:55:00Z', patient: { id: 'pt-1' }, body: 'Please refill my inhaler' };
const weird: unknown[] = [null, true, 0, -1, 1e308, '', ' ', 'x'.repeat(3000), [], {}, [1, 2], { a: 1 }, '2026-13-45T99:99:99Z', '\u0000', '🙂', { __proto__: { x: 1 } }, 'constructor'];

function mutate(r: () => number): { body: string; contentType: string; path: string } {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const path = pick(['/v1/messages', '/fhir/r4/Communication', '/fhir/r4']);
  const contentType = pick(['application/json', 'application/json', 'application/fhir+json', 'text/plain', 'application/json; charset=latin1', '']);
  const kind = r();
  if (kind < 0.15) {
    // Broken JSON: truncated or with random bytes spliced in.
    const s = JSON.stringify(valid);
    const cut = Math.floor(r() * s.length);
    return { body: s.slice(0, cut) + (r() < 0.5 ? '' : String.fromCharCode(Math.floor(r() * 65536))) + s.slice(cut + 1), contentType, path };
  }
  const obj: Record<string, unknown> = structuredClone(valid);
  obj.externalId = `f-${Math.floor(r() * 1e9)}`;
  const keys = ['source', 'externalId', 'threadId', 'sentAt', 'patient', 'subject', 'body', 'category', 'link', 'resourceType', 'entry', 'payload', 'identifier', 'status', 'subject', 'extra'];
  for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) {
    const k = pick(keys);
    if (r() < 0.3) delete obj[k];
    else obj[k] = pick(weird);
  }
  const body = r() < 0.1 ? JSON.stringify(Array.from({ length: 1 + Math.floor(r() * 3) }, () => obj)) : JSON.stringify(obj);
  return { body, contentType, path };
}

describe('ingestion API fuzz', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => s?.stop());

  it('answers thousands of malformed requests without a 5xx, and keeps serving', async () => {
    const r = rng(20261129);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const m = mutate(r);
      const res = await fetch(`${s.url}${m.path}`, { method: 'POST', headers: m.contentType ? { 'content-type': m.contentType } : {}, body: m.body });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) throw new Error(`5xx for ${m.path} ${m.contentType} ${m.body.slice(0, 300)}: ${text}`);
      if (res.status >= 400) expect(JSON.parse(text).error.code).toBeTypeOf('string');
    }
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  }, 180_000);
});
