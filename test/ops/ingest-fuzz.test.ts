import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Seeded fuzz of the ingestion API on each database (issue 11). Every class of bad input that
 * once gave a 5xx or a half-write is generated, mixed with valid messages, batches and Bundles.
 * Asserted for every request: no 5xx; every 4xx is the API's error shape and lists its problems;
 * a refused request leaves every row count as it was; a 2xx stored each new message it reports.
 * A failure names the request number (the seed is fixed per database), so it can be replayed.
 */
const SEED = 20261129;
const REQUESTS_PER_DATABASE = 800;

/** A seeded generator so a failing case can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

type Rand = () => number;
interface Case {
  cls: string;
  path: string;
  body: string | Buffer;
  headers: Record<string, string>;
  /** 'refused': must be a 4xx; 'stored': must be a 2xx; 'any': either (never a 5xx). */
  expect: 'refused' | 'stored' | 'any';
  /** Text the answer must never contain (a fragment of a malformed body). */
  secret?: string;
  /** Path a problem must name (the entry that was bad). */
  problemAt?: string;
}

const JSON_CT = { 'content-type': 'application/json' };
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const BODIES = [
  'Can I reschedule my appointment to next week?',
  'I ran out of my lisinopril, please send a refill to my pharmacy.',
  'Question about the copay on my last bill.',
  'Are my lab results back yet?',
];
const ASTRAL_NAMES = ['𠮷野 太郎', '😀 Smith', '𝒜lice 𝔅rown', '🧑‍⚕️ Doe', '𐐷 Deseret', '👍'];
const BAD_DATES = ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-14:00', '1899-12-31T23:59:59Z', '2201-01-01T00:00:00Z', '0001-01-01T00:00:00+14:00', '+275760-09-13T00:00:00Z', '2026-02-30T10:00:00Z'];
const CHARSETS_REFUSED = ['utf-16', 'utf-16le', 'shift_jis', 'koi8-r', 'windows-1251', 'x-mac-roman', 'gb2312', 'ucs-2'];
const CHARSETS_LATIN1 = ['latin1', 'iso-8859-1', 'ISO-8859-1', '"iso-8859-1"', 'us-ascii'];
const WEIRD: unknown[] = [null, true, 0, -1, 1e308, '', ' ', 'x'.repeat(3000), [], {}, [1, 2], { a: 1 }, '2026-13-45T99:99:99Z', '\u0000', '🙂', { __proto__: { x: 1 } }, 'constructor'];

function generator(r: Rand, kind: string) {
  let serial = 0;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const noise = (length: number) => Array.from({ length }, () => LETTERS[Math.floor(r() * 26)]).join('');
  const uid = () => `${kind}-${SEED}-${++serial}`;
  // A thread belongs to one patient (another patient's message naming it is refused with 409):
  // each patient's follow-ups go to that patient's thread. Few patients, so threads get long.
  const threadOf = (patientId: unknown) => (typeof patientId === 'string' && /^pt-[a-z0-9]+$/.test(patientId) ? `fz-${kind}-${patientId}` : undefined);

  const generic = (over: Record<string, unknown> = {}): Record<string, any> => {
    const threaded = r() < 0.4;
    const m: Record<string, any> = {
      source: 'portal',
      externalId: `fz-${uid()}`,
      sentAt: '2026-12-01T14:55:00Z',
      patient: { id: `pt-${int(1, 10)}`, name: 'Fuzz Patient', mrn: String(int(10_000_000, 99_999_999)) },
      subject: 'Question',
      body: pick(BODIES),
      ...over,
    };
    const thread = threaded && !('threadId' in over) ? threadOf(m.patient?.id) : undefined;
    return thread ? { ...m, threadId: thread } : m;
  };
  const fhir = (over: Record<string, unknown> = {}): Record<string, any> => {
    const threaded = r() < 0.3;
    const how = int(0, 2);
    const c: Record<string, any> = {
      resourceType: 'Communication',
      id: `c-${uid()}`,
      identifier: [{ system: 'urn:example:fuzz', value: `FZ-${uid()}` }],
      status: 'completed',
      subject: { reference: `Patient/pt-${int(1, 10)}` },
      sent: '2026-12-01T13:05:00Z',
      payload: [{ contentString: pick(BODIES) }],
      ...over,
    };
    const thread = threaded && !('partOf' in over) ? threadOf(String(c.subject?.reference ?? '').replace(/^Patient\//, '')) : undefined;
    if (!thread) return c;
    return { ...c, partOf: [[{ reference: `Communication/${thread}` }, { identifier: { system: 'urn:t', value: thread } }, { display: 'Thread' }][how]] };
  };
  const bundle = (resources: unknown[]) => ({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) });
  const json = (cls: string, path: string, value: unknown, expect: Case['expect'], extra: Partial<Case> = {}): Case => ({ cls, path, body: JSON.stringify(value), headers: JSON_CT, expect, ...extra });

  /** A value nested `depth` levels deep, as arrays or objects. */
  const deep = (depth: number) => (r() < 0.5 ? '['.repeat(depth) + '1' + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
  /** One field of a generic message made invalid in a way the schema catches. */
  const badGeneric = (m: Record<string, any>) => {
    const mutation = int(0, 4);
    if (mutation === 0) delete m.body;
    else if (mutation === 1) m.sentAt = 'yesterday';
    else if (mutation === 2) m.extra = 1;
    else if (mutation === 3) m.patient = {};
    else m.source = 'not a source!';
    return m;
  };

  const classes: Record<string, () => Case> = {
    valid: () => {
      const v = int(0, 3);
      if (v === 0) return json('valid', '/v1/messages', generic(), 'stored');
      if (v === 1) return json('valid', '/v1/messages', Array.from({ length: int(1, 3) }, () => generic()), 'stored');
      if (v === 2) return { ...json('valid', '/fhir/r4/Communication', fhir(), 'stored'), headers: { 'content-type': 'application/fhir+json' } };
      return json('valid', '/fhir/r4', bundle(Array.from({ length: int(1, 3) }, () => fhir())), 'stored');
    },
    deepNesting: () => {
      const d = deep(int(65, 4000));
      const where = int(0, 3);
      const body = where === 0 ? d : where === 1 ? JSON.stringify(generic()).replace('"subject":"Question"', `"subject":${d}`) : where === 2 ? JSON.stringify(fhir()).replace('"status"', `"extension":${d},"status"`) : `[${JSON.stringify(generic())},${d}]`;
      return { cls: 'deepNesting', path: pick(['/v1/messages', '/fhir/r4/Communication', '/fhir/r4']), body, headers: JSON_CT, expect: 'refused' };
    },
    badCompression: () => {
      const enc = pick(['gzip', 'deflate', 'br', 'gzip', 'x-zip', 'compress']);
      const valid = Buffer.from(JSON.stringify(generic()));
      const squeezed = enc === 'gzip' ? zlib.gzipSync(valid) : enc === 'deflate' ? zlib.deflateSync(valid) : enc === 'br' ? zlib.brotliCompressSync(valid) : valid;
      const v = int(0, 2);
      const body = v === 0 ? Buffer.from(Array.from({ length: int(1, 200) }, () => int(0, 255))) : v === 1 ? squeezed.subarray(0, int(1, Math.max(1, squeezed.length - 2))) : Buffer.concat([squeezed.subarray(0, 10), Buffer.from(noise(30))]);
      return { cls: 'badCompression', path: pick(['/v1/messages', '/fhir/r4/Communication', '/fhir/r4']), body, headers: { ...JSON_CT, 'content-encoding': enc }, expect: 'refused' };
    },
    charset: () => {
      if (r() < 0.4) {
        const m = generic({ body: 'Me duele la cabeza, ¿qué hago? Gracias, señora Muñoz.' });
        return { cls: 'charset', path: '/v1/messages', body: Buffer.from(JSON.stringify(m), 'latin1'), headers: { 'content-type': `application/json; charset=${pick(CHARSETS_LATIN1)}` }, expect: 'stored' };
      }
      const cs = r() < 0.8 ? pick(CHARSETS_REFUSED) : `x-${noise(int(1, 20))}`;
      return { cls: 'charset', path: pick(['/v1/messages', '/fhir/r4/Communication', '/fhir/r4']), body: JSON.stringify(generic()), headers: { 'content-type': `application/json; charset=${cs}` }, expect: 'refused' };
    },
    loneSurrogate: () => {
      const lone = pick(['\\ud83d', '\\udc00', '\\udbff', 'pain \\ud83d', '\\ude00x']);
      const v = int(0, 4);
      const mark = (s: string) => s.replace('LONE', lone);
      if (v === 0) return { cls: 'loneSurrogate', path: '/v1/messages', body: mark(JSON.stringify(generic({ body: 'LONE' }))), headers: JSON_CT, expect: 'refused', problemAt: 'body' };
      if (v === 1) return { cls: 'loneSurrogate', path: '/v1/messages', body: mark(JSON.stringify(generic({ patient: { id: 'p1', name: 'LONE' } }))), headers: JSON_CT, expect: 'refused', problemAt: 'patient.name' };
      if (v === 2) return { cls: 'loneSurrogate', path: '/v1/messages', body: mark(JSON.stringify([generic(), generic({ subject: 'LONE' })])), headers: JSON_CT, expect: 'refused', problemAt: '[1].subject' };
      if (v === 3) return { cls: 'loneSurrogate', path: '/fhir/r4/Communication', body: mark(JSON.stringify(fhir({ topic: { text: 'LONE' } }))), headers: JSON_CT, expect: 'refused', problemAt: 'topic.text' };
      return { cls: 'loneSurrogate', path: '/fhir/r4', body: mark(JSON.stringify(bundle([fhir(), fhir({ payload: [{ contentString: 'LONE' }] })]))), headers: JSON_CT, expect: 'refused', problemAt: 'entry[1].resource.payload[0].contentString' };
    },
    astralName: () =>
      r() < 0.5
        ? json('astralName', '/v1/messages', generic({ patient: { id: 'pt-a', name: pick(ASTRAL_NAMES), mrn: '12345678' } }), 'stored')
        : json('astralName', '/fhir/r4/Communication', fhir({ subject: { reference: 'Patient/pt-a', display: pick(ASTRAL_NAMES) } }), 'stored'),
    badDate: () => {
      const d = pick(BAD_DATES);
      const v = int(0, 2);
      if (v === 0) return json('badDate', '/v1/messages', generic({ sentAt: d }), 'refused', { problemAt: 'sentAt' });
      if (v === 1) return json('badDate', '/fhir/r4/Communication', fhir({ sent: d }), 'refused', { problemAt: 'sent' });
      return json('badDate', '/fhir/r4/Communication', fhir({ sent: undefined, received: d }), 'refused', { problemAt: 'received' });
    },
    hugeString: () => {
      const v = int(0, 14);
      const big = (min: number) => noise(int(min, Math.max(min, 9000)));
      const g: Array<[Record<string, unknown>, string]> = [
        [{ externalId: big(257) }, 'externalId'], [{ threadId: big(257) }, 'threadId'], [{ patient: { id: big(257) } }, 'patient.id'],
        [{ patient: { id: 'p', name: big(201) } }, 'patient.name'], [{ patient: { id: 'p', mrn: big(65) } }, 'patient.mrn'], [{ subject: big(501) }, 'subject'],
        [{ body: noise(int(20_001, 30_000)) }, 'body'], [{ category: big(65) }, 'category'], [{ link: `https://ehr.example.org/${big(2100)}` }, 'link'],
      ];
      if (v < g.length) return json('hugeString', '/v1/messages', generic(g[v]![0]), 'refused', { problemAt: g[v]![1] });
      const f: Array<[Record<string, unknown>, string]> = [
        [{ identifier: [{ system: `urn:${big(300)}`, value: 'v' }] }, 'identifier[0].system'], [{ identifier: [{ value: big(257) }] }, 'identifier[0].value'],
        [{ partOf: [{ reference: `Communication/${big(300)}` }] }, 'partOf[0].reference'], [{ subject: { reference: `Patient/${big(300)}` } }, 'subject.reference'],
        [{ inResponseTo: [{ reference: `Communication/${big(300)}` }] }, 'inResponseTo[0].reference'], [{ topic: { text: big(501) } }, 'topic.text'],
      ];
      const [over, at] = f[v - g.length]!;
      return json('hugeString', '/fhir/r4/Communication', fhir(over), 'refused', { problemAt: at });
    },
    hugeArray: () => {
      const v = int(0, 5);
      const many = (k: number, f: () => unknown) => Array.from({ length: k }, f);
      if (v === 0) return json('hugeArray', '/v1/messages', many(int(501, 3000), () => generic()), 'refused', { problemAt: '(body)' });
      if (v === 1) return json('hugeArray', '/fhir/r4', bundle(many(int(501, 1200), () => fhir())), 'refused', { problemAt: 'entry' });
      if (v === 2) return json('hugeArray', '/fhir/r4/Communication', fhir({ identifier: many(int(21, 200), () => ({ value: noise(8) })) }), 'refused', { problemAt: 'identifier' });
      if (v === 3) return json('hugeArray', '/fhir/r4/Communication', fhir({ payload: many(int(51, 300), () => ({ contentString: 'x' })) }), 'refused', { problemAt: 'payload' });
      if (v === 4) return json('hugeArray', '/fhir/r4/Communication', fhir({ partOf: many(int(21, 200), () => ({ display: 'x' })) }), 'refused', { problemAt: 'partOf' });
      return json('hugeArray', '/fhir/r4/Communication', fhir({ category: many(int(21, 200), () => ({ text: 'x' })) }), 'refused', { problemAt: 'category' });
    },
    malformedJson: () => {
      const secret = `Zq${noise(10)}`;
      const s = JSON.stringify(r() < 0.5 ? generic({ body: `${secret} has chest pain` }) : fhir({ payload: [{ contentString: `${secret} needs a refill` }] }));
      const cut = int(1, s.length - 1);
      const body = r() < 0.6 ? s.slice(0, cut) : s.slice(0, s.indexOf(secret)) + secret + pick(['"', '', '\\', '}']) + noise(3) + ' ' + s.slice(s.indexOf(secret) + secret.length + 1, cut);
      return { cls: 'malformedJson', path: pick(['/v1/messages', '/fhir/r4/Communication', '/fhir/r4']), body, headers: JSON_CT, expect: 'refused', secret };
    },
    batchOneBadEntry: () => {
      const k = int(2, 8);
      const bad = int(0, k - 1);
      if (r() < 0.5) return json('batchOneBadEntry', '/v1/messages', Array.from({ length: k }, (_, i) => (i === bad ? badGeneric(generic()) : generic())), 'refused', { problemAt: `[${bad}]` });
      const entries = Array.from({ length: k }, (_, i) => (i === bad ? fhir(pick([{ status: 'sent' }, { subject: { display: 'no id' } }, { identifier: [] }, { payload: [{ contentString: '  ' }], partOf: [{ reference: 'Communication/t' }] }])) : fhir()));
      return json('batchOneBadEntry', '/fhir/r4', bundle(entries), 'refused', { problemAt: `entry[${bad}]` });
    },
    batchRefusedMidway: () => {
      // Valid as far as the schema goes: the database refuses entry `bad` while storing (a test trigger).
      const k = int(2, 4);
      const bad = int(0, k - 1);
      if (r() < 0.5) return json('batchRefusedMidway', '/v1/messages', Array.from({ length: k }, (_, i) => generic(i === bad ? { externalId: `refuse-data-${uid()}` } : {})), 'refused', { problemAt: `[${bad}]` });
      const entries = Array.from({ length: k }, (_, i) => fhir(i === bad ? { identifier: [{ system: 'urn:x', value: `refuse-data-${uid()}` }] } : {}));
      return json('batchRefusedMidway', '/fhir/r4', bundle(entries), 'refused', { problemAt: `entry[${bad}]` });
    },
    weird: () => {
      // The original mutation fuzz: random fields set to odd values or removed, odd content types.
      const path = pick(['/v1/messages', '/fhir/r4/Communication', '/fhir/r4']);
      const contentType = pick(['application/json', 'application/json', 'application/fhir+json', 'text/plain', 'application/json; charset=latin1', '']);
      const obj: Record<string, unknown> = generic();
      const keys = ['source', 'externalId', 'threadId', 'sentAt', 'patient', 'subject', 'body', 'category', 'link', 'resourceType', 'entry', 'payload', 'identifier', 'status', 'extra'];
      for (let i = 0, k = int(1, 4); i < k; i++) {
        const key = pick(keys);
        if (r() < 0.3) delete obj[key];
        else obj[key] = pick(WEIRD);
      }
      const body = r() < 0.1 ? JSON.stringify(Array.from({ length: int(1, 3) }, () => obj)) : JSON.stringify(obj);
      const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
      return { cls: 'weird', path, body, headers, expect: 'any' };
    },
  };
  const names = Object.keys(classes);
  return { names, next: (i: number) => classes[names[i % names.length]!]!() };
}

async function counts(s: TestServer) {
  const [row] = await s.baton.db.sql.query(
    `SELECT (SELECT count(*) FROM "PortalMessage")::int AS messages, (SELECT count(*) FROM "WorkItem")::int AS items,
            (SELECT count(*) FROM "AuditEvent")::int AS audit, (SELECT count(*) FROM "Outbox")::int AS outbox,
            (SELECT coalesce(sum(version), 0) FROM "WorkItem")::int AS versions`,
  );
  return row as { messages: number; items: number; audit: number; outbox: number; versions: number };
}

describe.each(DB_KINDS)('ingestion API fuzz on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ kind });
    // Only the requests change rows: no sweeps or digests in the background.
    await s.baton.scheduler.stop();
    await s.baton.db.sql.exec(`
      CREATE FUNCTION baton_fuzz_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."externalId" LIKE '%refuse-data%' THEN RAISE EXCEPTION 'value refused (fuzz)' USING ERRCODE = '22023'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER baton_fuzz_refuse BEFORE INSERT ON "PortalMessage" FOR EACH ROW EXECUTE FUNCTION baton_fuzz_refuse();`);
  });
  afterAll(async () => s?.stop());

  it(`answers ${REQUESTS_PER_DATABASE} generated requests of every bad-input class without a 5xx or a half-write`, async () => {
    const seed = SEED + (kind === 'postgres' ? 1 : 0);
    const gen = generator(rng(seed), kind);
    const failures: string[] = [];
    const byClass = new Map<string, Map<number, number>>();
    let fiveXx = 0;
    let halfWrites = 0;
    let before = await counts(s);
    for (let i = 0; i < REQUESTS_PER_DATABASE; i++) {
      const c = gen.next(i);
      const res = await fetch(`${s.url}${c.path}`, { method: 'POST', headers: c.headers, body: c.body });
      const text = await res.text();
      const after = await counts(s);
      const statuses = byClass.get(c.cls) ?? new Map<number, number>();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      byClass.set(c.cls, statuses);
      const fail = (why: string) => failures.length < 20 && failures.push(`#${i} ${c.cls} ${c.path} → ${res.status}: ${why} | body ${String(c.body).slice(0, 160)} | answer ${text.slice(0, 240)}`);

      if (res.status >= 500) {
        fiveXx++;
        fail('5xx');
      } else if (res.status >= 400) {
        let problems: unknown;
        try {
          const e = JSON.parse(text).error;
          if (typeof e.code !== 'string' || typeof e.message !== 'string') fail('error without code or message');
          problems = e.problems;
        } catch {
          fail('answer is not JSON');
        }
        if (!Array.isArray(problems) || !problems.length || !problems.every((p) => typeof p?.path === 'string' && typeof p?.message === 'string')) fail('4xx without a problems list');
        else if (c.problemAt && !problems.some((p) => p.path === c.problemAt || p.path.startsWith(`${c.problemAt}.`) || p.path.startsWith(`${c.problemAt}[`))) fail(`no problem at ${c.problemAt}`);
        if (c.secret && text.includes(c.secret)) fail('the answer echoes the body');
        if (JSON.stringify(after) !== JSON.stringify(before)) {
          halfWrites++;
          fail(`a refused request changed rows: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
        }
        if (c.expect === 'stored') fail('expected 2xx');
      } else {
        // Stored: every message reported new is there (all of the request, not part of it).
        const body = JSON.parse(text) as { duplicate?: boolean; results?: Array<{ duplicate: boolean }> };
        const fresh = (body.results ?? [body]).filter((x) => !x.duplicate).length;
        if (after.messages - before.messages !== fresh) fail(`stored ${after.messages - before.messages} messages, reported ${fresh} new`);
        if (c.expect === 'refused') fail('expected 4xx');
      }
      before = after;
    }
    const summary = Object.fromEntries([...byClass].map(([k, v]) => [k, Object.fromEntries([...v].sort())]));
    console.log(`ingest fuzz on ${kind}: ${REQUESTS_PER_DATABASE} requests (seed ${seed}), ${fiveXx} 5xx, ${halfWrites} half-writes; statuses by class ${JSON.stringify(summary)}`);
    expect(failures).toEqual([]);
    expect([...byClass.keys()].sort()).toEqual([...gen.names].sort());
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  }, 300_000);
});
