import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { EXAMPLE_CONFIG, loadConfig, type BatonConfig } from '../../src/config/load.ts';
import { fingerprintsOf, type RestartOnly } from '../../src/config/restart-only.ts';
import { signRequest } from '../../src/http/signature.ts';
import { tempDir } from '../support/databases.ts';
import { capturedLogs, postJson, startTestServer, type TestServer } from '../support/server.ts';

/** The shipped example, edited by `edit`, written where a running server reads it. */
type Doc = Record<string, any>;
const example = (): Doc => YAML.parse(fs.readFileSync(EXAMPLE_CONFIG, 'utf8'));
function writeConfig(file: string, edit: (d: Doc) => void = () => {}) {
  const doc = example();
  edit(doc);
  fs.writeFileSync(file, YAML.stringify(doc));
}
function loaded(file: string): BatonConfig {
  const r = loadConfig(file);
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return r.config;
}

/** A new physician with a recognisable name, on the nursing queue, and other changes a clinic makes. */
const NEW_NAME = 'Dr. Quentin Xylander';
const addPhysician = (d: Doc) => {
  d.staff.push({ key: 'dr-xu', name: NEW_NAME, roles: ['md'], physician: true });
  d.queues.find((q: Doc) => q.key === 'nursing').members.push('dr-xu');
};

const message = (id: string) => ({ source: 'portal', externalId: id, sentAt: '2026-12-01T14:55:00Z', patient: { id: `pt-${id}` }, body: 'Can I get a refill of my lisinopril please?' });
const logsSince = (n: number) => capturedLogs.slice(n).join('');

describe('config reload in a running Baton', () => {
  let dir: string;
  let file: string;
  let s: TestServer;
  beforeAll(async () => {
    dir = tempDir();
    file = path.join(dir, 'baton.yaml');
    writeConfig(file);
    s = await startTestServer({ config: loaded(file) });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies a valid change to the next request, the adapters included, and logs the changed keys without their values', async () => {
    expect((await fetch(`${s.url}/sandbox/api/state?as=dr-xu`)).status).toBe(400); // not on the roster yet
    const before = s.baton.ctx;
    writeConfig(file, (d) => {
      addPhysician(d);
      d.queues.find((q: Doc) => q.key === 'front-desk').name = 'Reception and Scheduling Desk';
      d.sla[1].claimWithin = '77m';
    });
    const mark = capturedLogs.length;
    const r = s.baton.reload({ trigger: 'test' });
    expect(r).toMatchObject({ ok: true, needsRestart: [] });
    expect(r.ok && r.changes).toEqual(expect.arrayContaining(['staff.added: [dr-xu]', 'queues.nursing.members changed', 'queues.front-desk.name changed', 'sla[1].claimWithin changed']));
    const log = logsSince(mark);
    expect(log).toContain('staff.added: [dr-xu]');
    expect(log).toContain('sla[1].claimWithin changed');
    // `77m` as a value, not the digits of a log line's timestamp.
    expect(log).not.toMatch(/Quentin|Xylander|Reception and Scheduling|\b77m?\b/);

    // The running context was replaced, not changed: work that holds the old one finishes on it.
    expect(before.roster.member('dr-xu')).toBeUndefined();
    expect(s.baton.ctx.roster.member('dr-xu')?.physician).toBe(true);
    const state = await fetch(`${s.url}/sandbox/api/state?as=dr-xu`);
    expect(state.status).toBe(200);
    expect(((await state.json()) as { channels: Array<{ name: string }> }).channels.map((c) => c.name)).toContain('Physician escalations');
  });

  it('refuses an invalid file, lists every problem, and keeps the config it runs on', async () => {
    const running = s.baton.config;
    writeConfig(file, (d) => {
      d.organization.timezone = 'Mars/Olympus';
      d.queues[0].members.push('nobody-here');
      d.sla = 'soon';
    });
    const mark = capturedLogs.length;
    const r = s.baton.reload({ trigger: 'test' });
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining('organization.timezone: unknown timezone "Mars/Olympus"'),
      'queues[0].members[2]: no staff member "nobody-here"',
      expect.stringMatching(/^sla: /),
    ]));
    expect(s.baton.config).toBe(running);
    const log = logsSince(mark);
    for (const p of problems) expect(log).toContain(JSON.stringify(p).slice(1, -1));
    // Still served by the config it had.
    expect((await fetch(`${s.url}/sandbox/api/state?as=dr-xu`)).status).toBe(200);
    writeConfig(file, addPhysician);
    expect(s.baton.reload({ trigger: 'test' }).ok).toBe(true);
  });

  it('lets a request under way finish on the config it started with; the next one sees the new config', async () => {
    writeConfig(file, addPhysician);
    s.baton.reload({ trigger: 'test' });
    const { json } = await postJson(`${s.url}/v1/messages`, message('in-flight'));
    // Hold the claim inside its first read of the item, after it took the context.
    const store = s.baton.ctx.store;
    const read = store.findItem.bind(store);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    store.findItem = async (id: string) => {
      if (id === json.itemId) {
        entered();
        await held;
      }
      return read(id);
    };
    const claim = (as: string) => postJson(`${s.url}/sandbox/api/items/${json.itemId}/actions`, { as, command: 'item.claim' });
    try {
      const underWay = claim('taylor-brooks');
      await inside;
      // Taylor leaves the roster while her claim is under way.
      writeConfig(file, (d) => {
        addPhysician(d);
        d.staff = d.staff.filter((m: Doc) => m.key !== 'taylor-brooks');
        for (const q of d.queues) q.members = q.members.filter((m: string) => m !== 'taylor-brooks');
      });
      expect(s.baton.reload({ trigger: 'test' })).toMatchObject({ ok: true, changes: expect.arrayContaining(['staff.removed: [taylor-brooks]']) });
      store.findItem = read;
      release();
      const done = await underWay;
      expect(done.status).toBe(200);
      expect(done.json.card.owner.key).toBe('taylor-brooks');
      expect((await claim('taylor-brooks')).status).toBe(400); // a new request: not on the roster any more
    } finally {
      store.findItem = read;
      release();
    }
  });

  it('drops no request while the config is reloaded again and again', async () => {
    let flip = false;
    const reloads = setInterval(() => {
      flip = !flip;
      writeConfig(file, (d) => {
        addPhysician(d);
        if (flip) d.sla[0].claimWithin = '20m';
      });
      s.baton.reload({ trigger: 'test' });
    }, 10);
    try {
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => postJson(`${s.url}/v1/messages`, message(`during-${i}`))));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    } finally {
      clearInterval(reloads);
    }
  }, 60_000);

  it('never moves the deadline already stored on an item; items that arrive afterwards get the new target', async () => {
    writeConfig(file, addPhysician);
    s.baton.reload({ trigger: 'test' });
    const first = await postJson(`${s.url}/v1/messages`, message('sla-before'));
    const stored = async (id: string) => (await fetch(`${s.url}/v1/items/${id}`).then((r) => r.json()) as { item: { claimDueAt: string; queue: string } }).item;
    const was = await stored(first.json.itemId);
    writeConfig(file, (d) => {
      addPhysician(d);
      // Every policy (the refills queue's included) now gives 100 (business) days to claim.
      for (const p of d.sla) p.claimWithin = '100d';
    });
    const r = s.baton.reload({ trigger: 'test' });
    expect(r.ok && r.changes).toEqual(expect.arrayContaining([expect.stringMatching(/^sla\[\d+\]\.claimWithin changed$/)]));
    await s.baton.scheduler.tick(); // a sweep reads the deadlines, it does not recompute them
    expect((await stored(first.json.itemId)).claimDueAt).toBe(was.claimDueAt);
    const later = await postJson(`${s.url}/v1/messages`, message('sla-after'));
    const next = await stored(later.json.itemId);
    expect(next.queue).toBe(was.queue);
    expect(new Date(next.claimDueAt).getTime() - new Date(was.claimDueAt).getTime()).toBeGreaterThan(60 * 86_400_000);
  });

  it('reschedules the scheduler when scheduler.cron changes', () => {
    expect(s.baton.scheduler.cronExpression).toBe('* * * * *');
    writeConfig(file, (d) => {
      addPhysician(d);
      d.scheduler = { cron: '*/5 * * * *' };
    });
    const r = s.baton.reload({ trigger: 'test' });
    expect(r.ok && r.changes).toContain('scheduler.cron changed');
    expect(s.baton.scheduler.cronExpression).toBe('*/5 * * * *');
  });

  describe('POST /v1/config/reload', () => {
    it('answers on loopback with what changed, and names the settings that need a restart', async () => {
      writeConfig(file, (d) => {
        addPhysician(d);
        d.card = { excerptLength: 90 };
      });
      // As `baton config reload` sends them: this caller's HOST is the server's, its PORT is not.
      const mine = { HOST: '127.0.0.1', PORT: '1' } as Record<RestartOnly, string | undefined>;
      const environment = fingerprintsOf(mine, ['PORT', 'HOST'], 'a1'.repeat(16));
      const r = await postJson(`${s.url}/v1/config/reload`, { environment });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ ok: true, file: s.baton.config.file, needsRestart: ['PORT'] });
      expect(r.json.changes).toContain('card.excerptLength changed');
      expect(r.json.restartNote).toMatch(/read at start only/);
    });

    it('lists every problem of an invalid file in a 422, and the config stays', async () => {
      writeConfig(file, (d) => {
        d.staff = [];
        d.routing.defaultQueue = 'triage';
      });
      const r = await postJson(`${s.url}/v1/config/reload`, {});
      expect(r.status).toBe(422);
      expect(r.json.error.code).toBe('config.invalid');
      const problems = r.json.error.problems.map((p: { message: string }) => p.message);
      expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^staff: /), 'routing.defaultQueue: no queue "triage"']));
      expect(s.baton.ctx.roster.member('dr-xu')).toBeDefined();
    });

    it('refuses a request that came through a proxy', async () => {
      const r = await postJson(`${s.url}/v1/config/reload`, {}, { 'x-forwarded-for': '203.0.113.9' });
      expect(r.status).toBe(403);
      expect(r.json.error.code).toBe('config.proxied');
    });
  });
});

describe('config reload with INGEST_SECRET set', () => {
  const secret = 'reload-test-secret-0123456789';
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ env: { INGEST_SECRET: secret } });
  }, 60_000);
  afterAll(async () => s?.stop());

  it('answers only a request signed with the secret (v2), and refuses a replay', async () => {
    expect((await postJson(`${s.url}/v1/config/reload`, {})).status).toBe(401);
    const body = '{}';
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = { 'x-baton-timestamp': ts, 'x-baton-signature': signRequest(secret, { timestamp: ts, method: 'POST', target: '/v1/config/reload', body }) };
    const ok = await postJson(`${s.url}/v1/config/reload`, body, headers);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ ok: true, changes: [] });
    expect((await postJson(`${s.url}/v1/config/reload`, body, headers)).status).toBe(401);
  });
});
