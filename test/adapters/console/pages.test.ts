import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnItem } from '../../../src/app/act-on-item.ts';
import { dashboardFor } from '../../../src/app/dashboard.ts';
import { AUDIT_CSV_COLUMNS } from '../../../src/domain/audit-csv.ts';
import { capturedLogs, postJson } from '../../support/server.ts';
import { seededAudit, seededHistory, seedHistory } from '../../support/seeded-history.ts';
import { startConsoleRig, type ConsoleRig } from './harness.ts';
import { signInAs, WebClient } from './web-client.ts';

const BODY = 'My left ankle is purple and I cannot put weight on it since the fall on Sunday.';
const REASON = 'Testa Patientson says the ankle is purple: x-ray today?';
const NAME = 'Testa Patientson';
const MRN = '55507788';

describe('console pages: dashboard, audit search and export, item thread and View message', () => {
  let rig: ConsoleRig;
  let manager: WebClient;
  let itemId: string;
  let seq: number;
  beforeAll(async () => {
    rig = await startConsoleRig();
    const ctx = rig.baton.baton.ctx;
    const items = await seedHistory(ctx.store, seededHistory(rig.clock.now(), 200, 22));
    await ctx.store.appendAudit(seededAudit(rig.clock.now(), items, 150, 5));
    // One real message through the API, escalated with a reason that quotes the patient.
    const r = await postJson(`${rig.url}/v1/messages`, { source: 'portal', externalId: 'console-1', sentAt: rig.clock.now().toISOString(), patient: { id: 'pt-c1', name: NAME, mrn: MRN }, subject: 'Ankle after a fall', body: BODY });
    expect(r.status).toBe(202);
    itemId = r.json.itemId;
    expect((await actOnItem(ctx, { itemId, actorKey: 'dana-reyes', platform: 'slack', command: { type: 'claim' } })).ok).toBe(true);
    expect((await actOnItem(ctx, { itemId, actorKey: 'dana-reyes', platform: 'slack', command: { type: 'escalate', reason: REASON, to: 'dr-cho' } })).ok).toBe(true);
    seq = (await ctx.store.findItem(itemId))!.seq;
    manager = new WebClient();
    const page = await signInAs(manager, `${rig.url}/console/dashboard`, 'morgan.lee@riverside.example');
    expect(page.res.status).toBe(200);
  }, 60_000);
  afterAll(async () => rig?.stop());

  it('shows the dashboard’s numbers in tables beside its charts, the same numbers the use case computes', async () => {
    const { text } = await manager.follow(`${rig.url}/console/dashboard?from=2026-11-10&to=2026-11-30`);
    const out = await dashboardFor(rig.baton.baton.ctx, { all: true }, { from: '2026-11-10', to: '2026-11-30' }, { timezone: 'America/Chicago', physicianMinutesPerMessage: 2.3 });
    if (!out.ok) throw new Error('dashboard refused');
    const m = out.model;
    expect(m.period.days).toHaveLength(21);
    for (const id of ['daily', 'claim', 'resolve', 'breach', 'backlog', 'physician', 'people']) {
      expect(text).toContain(`<canvas data-chart="${id}" role="img"`);
      expect(text).toContain(`id="${id}-table"`);
    }
    // Each queue's row of the daily table sums to its created count.
    const nursing = m.daily.created.find((s) => s.queue === 'nursing')!;
    expect(nursing.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(text).toContain(`<p class="label">New messages</p><p class="value">${m.totals.created}</p>`);
    expect(text).toContain(`${m.physician.resolvedWithoutPhysician} resolved by the team × 2.3 min`);
    const data = JSON.parse(/id="dashboard-data">(.*?)<\/script>/s.exec(text)![1]!);
    expect(data.daily.created.find((s: { label: string }) => s.label === 'Nursing').data).toEqual(nursing.counts);
    expect(data.people.labels).toEqual(m.people.map((p) => p.name));
  });

  it.each([
    ['a date that is not one', '?from=2026-13-01', 'expected a date like 2026-12-01 (got &#34;2026-13-01&#34;)'],
    ['a period that ends before it starts', '?from=2026-11-20&to=2026-11-10', 'must be on or before the end of the period (2026-11-10)'],
    ['a period over a year', '?from=2024-01-01&to=2026-11-10', 'the period may be at most 366 days'],
    ['an unknown queue', '?queue=radiology', 'no queue &#34;radiology&#34;'],
  ])('answers %s with 400 and the problem, never a crash', async (_what, query, says) => {
    const r = await manager.follow(`${rig.url}/console/dashboard${query}`);
    expect(r.res.status).toBe(400);
    expect(r.text).toContain(says);
    expect(r.text).toContain('Please correct:');
  });

  it('searches the audit trail by item, staff member, action and dates, newest first, with paging', async () => {
    const byItem = await manager.follow(`${rig.url}/console/audit?item=B-${seq}`);
    expect(byItem.res.status).toBe(200);
    expect(byItem.text).toContain('Dana Reyes, RN escalated it to Dr. Grace Cho — reason recorded');
    expect(byItem.text).toContain('Dana Reyes, RN claimed it');
    expect(byItem.text).not.toContain('x-ray today');
    const byStaff = await manager.follow(`${rig.url}/console/audit?staff=jordan-kim&action=item.claim&from=2026-11-01&to=2026-11-30`);
    const rows = [...byStaff.text.matchAll(/<tr><td data-label="Time">/g)].length;
    const hits = await rig.baton.baton.ctx.store.searchAudit({ queues: null, actor: 'jordan-kim', action: 'item.claim', from: new Date('2026-11-01T06:00:00Z'), to: new Date('2026-12-01T06:00:00Z'), limit: 100 });
    expect(rows).toBe(Math.min(hits.length, 50));
    expect(rows).toBeGreaterThan(0);
    const all = await manager.follow(`${rig.url}/console/audit`);
    const older = /href="(\/console\/audit\?before=\d+)"/.exec(all.text);
    expect(older).not.toBeNull();
    const next = await manager.follow(`${rig.url}${older![1]}`);
    expect(next.res.status).toBe(200);
    expect([...next.text.matchAll(/<tr><td data-label="Time">/g)].length).toBeGreaterThan(0);
  });

  it.each([
    ['item=chest', 'expected an item number like B-12'],
    ['staff=nobody-here', 'no staff member &#34;nobody-here&#34; on the roster'],
    ['from=yesterday', 'expected a date like 2026-12-01'],
    ['from=2026-11-20&to=2026-11-10', 'must be on or before the &#34;to&#34; date'],
  ])('answers a bad search (%s) with 400 listing the problem', async (query, says) => {
    const r = await manager.follow(`${rig.url}/console/audit?${query}`);
    expect(r.res.status).toBe(400);
    expect(r.text).toContain(says);
  });

  it('exports the matching events as CSV with staff and item references only — no message text, no staff free text, no patient names — and audits the export', async () => {
    const res = await manager.request(`${rig.url}/console/audit.csv?item=B-${seq}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="baton-audit-2026-12-01\.csv"$/);
    const csv = await res.text();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(lines.some((l) => l.includes(`B-${seq},${itemId},nursing,dana-reyes,"Dana Reyes, RN",slack,item.escalate,CLAIMED,ESCALATED`))).toBe(true);
    for (const phi of [BODY, REASON, 'x-ray', NAME, MRN, 'Ankle after a fall']) expect(csv).not.toContain(phi);
    const whole = await (await manager.request(`${rig.url}/console/audit.csv`)).text();
    expect(whole.split('\r\n').length).toBeGreaterThan(150);
    expect(whole).not.toContain('free text');
    const exported = await rig.baton.baton.ctx.store.searchAudit({ queues: null, action: 'console.export', limit: 5 });
    expect(exported[1]).toMatchObject({ actor: 'morgan-lee', detail: { itemSeq: seq, rows: lines.length - 1 } });
  });

  it('shows an item’s thread without free text, and its message text only after View message, which is audited', async () => {
    const page = await manager.follow(`${rig.url}/console/items/${itemId}`);
    expect(page.res.status).toBe(200);
    expect(page.text).toContain(`B-${seq}`);
    expect(page.text).toContain('reason recorded');
    expect(page.text).not.toContain(BODY);
    expect(page.text).not.toContain('x-ray');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const viewed = await manager.request(`${rig.url}/console/items/${itemId}/view`, { form: { _csrf: csrf } });
    expect(viewed.status).toBe(200);
    expect(viewed.headers.get('cache-control')).toBe('no-store');
    const text = await viewed.text();
    expect(text).toContain(BODY);
    expect(text).toContain('x-ray today?');
    const views = await rig.baton.baton.ctx.store.searchAudit({ queues: null, action: 'item.view', itemSeq: seq, limit: 5 });
    expect(views[0]).toMatchObject({ actor: 'morgan-lee', platform: 'console', itemId });
    // Without the form's token, nothing is shown and nothing is viewed.
    const forged = await manager.request(`${rig.url}/console/items/${itemId}/view`, { form: {} });
    expect(forged.status).toBe(403);
    expect(await forged.text()).not.toContain(BODY);
  });

  it('answers an unknown item or page with 404, and sends pages with strict headers', async () => {
    expect((await manager.request(`${rig.url}/console/items/00000000-0000-4000-8000-00000000ffff`)).status).toBe(404);
    expect((await manager.request(`${rig.url}/console/items/not-a-uuid`)).status).toBe(404);
    expect((await manager.request(`${rig.url}/console/nothing`)).status).toBe(404);
    const res = await manager.request(`${rig.url}/console/dashboard`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('serves Chart.js from Baton itself, no CDN', async () => {
    const res = await fetch(`${rig.url}/console/assets/chart.umd.min.js`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Chart.js v4');
    const { text } = await manager.follow(`${rig.url}/console/dashboard`);
    expect([...text.matchAll(/(?:src|href)="(https?:)?\/\//g)]).toHaveLength(0);
  });

  it('keeps patient data out of every console URL visited and out of the logs', async () => {
    for (const u of manager.visited) for (const phi of [NAME, MRN, 'ankle', 'Ankle']) expect(decodeURIComponent(u)).not.toContain(phi);
    const logs = capturedLogs.join('\n');
    for (const phi of [NAME, MRN, BODY, REASON]) expect(logs).not.toContain(phi);
  });
});
