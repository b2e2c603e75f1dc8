import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { startConsoleRig, type ConsoleRig } from '../adapters/console/harness.ts';
import { postJson } from '../support/server.ts';
import { seededAudit, seededHistory, seedHistory } from '../support/seeded-history.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = 'test-artifacts';
const BODY = 'The rash on my arm is spreading and now it is warm to the touch.';

describe.skipIf(!fs.existsSync(CHROMIUM))(`console in real Chromium (skipped without ${CHROMIUM})`, () => {
  let rig: ConsoleRig;
  let browser: Browser;
  let itemId: string;
  beforeAll(async () => {
    [rig, browser] = await Promise.all([startConsoleRig(), chromium.launch({ executablePath: CHROMIUM, args: ARGS })]);
    const ctx = rig.baton.baton.ctx;
    const items = await seedHistory(ctx.store, seededHistory(rig.clock.now(), 600, 31));
    await ctx.store.appendAudit(seededAudit(rig.clock.now(), items, 300, 9));
    const r = await postJson(`${rig.url}/v1/messages`, { source: 'portal', externalId: 'e2e-console-1', sentAt: rig.clock.now().toISOString(), patient: { id: 'pt-e2e', name: 'Rhea Testperson', mrn: '55509876' }, subject: 'Rash', body: BODY });
    itemId = r.json.itemId;
    await actOnItem(ctx, { itemId, actorKey: 'dana-reyes', platform: 'teams', command: { type: 'claim' } });
    fs.mkdirSync(OUT, { recursive: true });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await rig?.stop();
  });

  async function signedIn(width: number, height: number, email = 'morgan.lee@riverside.example'): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true, ...(width < 500 ? { isMobile: true, hasTouch: true } : {}) });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // Failed loads are counted by their responses below (the test IdP's page has no favicon: Chromium's own request for one is not the console's).
    page.on('console', (m) => void (m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text())));
    page.on('response', (r) => void (r.status() >= 400 && problems.push(`${r.status()} ${new URL(r.url()).pathname}`)));
    await page.goto(`${rig.url}/console`);
    // The identity provider's own page: the browser went there and back through real redirects.
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    return { context, page, problems };
  }

  const chartsDrawn = (page: Page) => page.evaluate('Object.keys(window.Chart.instances).length') as Promise<number>;
  const overflow = (page: Page) => page.evaluate('document.documentElement.scrollWidth - innerWidth') as Promise<number>;

  it('signs in, draws every dashboard chart with its table, prints, searches the audit trail and exports it as CSV (1280 px)', async () => {
    const { context, page, problems } = await signedIn(1280, 900);
    expect(new URL(page.url()).pathname).toBe('/console/dashboard');
    await page.waitForFunction('window.Chart && Object.keys(window.Chart.instances).length === 7');
    expect(await chartsDrawn(page)).toBe(7);
    for (const id of ['daily', 'claim', 'resolve', 'breach', 'backlog', 'physician', 'people']) {
      const canvas = page.locator(`canvas[data-chart="${id}"]`);
      expect((await canvas.boundingBox())!.height).toBeGreaterThan(150);
      expect(await page.locator(`#${id}-table tbody tr`).count()).toBeGreaterThan(0);
    }
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${OUT}/console-dashboard-1280.png`, fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.evaluate("window.dispatchEvent(new Event('beforeprint'))");
    expect(await page.locator('nav.nav').isVisible()).toBe(false);
    await page.screenshot({ path: `${OUT}/console-dashboard-print.png`, fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    // One queue, a shorter period: the form is the address (no patient data in it).
    await page.locator('select[name=queue]').selectOption('nursing');
    await page.getByLabel('From', { exact: true }).fill('2026-11-18');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('.period', { hasText: '14 days' }).waitFor();
    expect(new URL(page.url()).search).toBe('?from=2026-11-18&to=2026-12-01&queue=nursing');

    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await page.locator('select[name=action]').selectOption('item.claim');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('table.audit tbody tr').first().waitFor();
    const whats = await page.locator('table.audit tbody tr td:nth-child(5)').allTextContents();
    expect(whats.length).toBeGreaterThan(0);
    expect(new Set(whats)).toEqual(new Set(['item.claim']));
    await page.screenshot({ path: `${OUT}/console-audit-1280.png`, fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('baton-audit-2026-12-01.csv');
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('time_utc,item,item_id,queue,actor,actor_name,platform,action,from_state,to_state');
    expect(csv.trimEnd().split('\r\n').slice(1).every((l) => l.includes(',item.claim,'))).toBe(true);
    expect(csv).not.toContain('Rhea');

    // The item, its thread, and View message (audited).
    await page.goto(`${rig.url}/console/items/${itemId}`);
    await page.getByRole('heading', { name: 'Audit thread' }).waitFor();
    expect(await page.content()).not.toContain(BODY);
    await page.getByRole('button', { name: 'View message' }).click();
    await page.locator('.message .body', { hasText: BODY }).waitFor();
    await page.screenshot({ path: `${OUT}/console-item-1280.png`, fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);

  it('works on a phone: one column, nothing wider than the screen, charts drawn (390 px)', async () => {
    const { context, page, problems } = await signedIn(390, 844, 'dana.reyes@riverside.example');
    await page.waitForFunction('window.Chart && Object.keys(window.Chart.instances).length === 7');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    const [a, b] = [await page.locator('#claim').boundingBox(), await page.locator('#resolve').boundingBox()];
    expect(b!.y).toBeGreaterThan(a!.y + a!.height - 1); // stacked, not side by side
    await page.screenshot({ path: `${OUT}/console-dashboard-390.png`, fullPage: true });
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.locator('table.audit tbody tr').first().waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${OUT}/console-audit-390.png`, fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('shows a clear refusal to someone who is not a manager or lead', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 700 } });
    const page = await context.newPage();
    await page.goto(`${rig.url}/console`);
    await page.getByLabel('Email', { exact: true }).fill('sam.ortiz@riverside.example');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'No access to the Baton console' }).waitFor();
    await page.screenshot({ path: `${OUT}/console-refused-1280.png` });
    await context.close();
  });
});
