import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type SandboxServer } from '../adapters/sandbox/harness.ts';
import { act, ingest } from '../adapters/sandbox/helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const BODY = 'My right knee gave way on the stairs twice this week and it is swollen. Do I need to be seen?';
/** Triage sends this to the front desk, a queue the scenario above leaves alone. */
const SCHEDULING = { subject: 'Appointment', body: 'Can I reschedule my annual physical to next week?' };

describe.skipIf(!fs.existsSync(CHROMIUM))(`browser sandbox in real Chromium (skipped without ${CHROMIUM}: install Debian's chromium package; CI does)`, () => {
  let s: SandboxServer;
  let browser: Browser;
  beforeAll(async () => {
    [s, browser] = await Promise.all([startSandboxServer(), chromium.launch({ executablePath: CHROMIUM, args: ARGS })]);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  const open = async (as: string) => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
    page.setDefaultTimeout(8_000); // a stuck step fails with its locator, well inside the test's budget
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${s.url}/?as=${as}`);
    await page.locator('#live', { hasText: 'Live' }).waitFor();
    return { page, errors };
  };
  const card = (p: Page, itemId: string) => p.locator(`article[data-item-id="${itemId}"]`);
  const owner = (p: Page, itemId: string, name: string) => card(p, itemId).locator('[data-field="status"]', { hasText: name }).waitFor();

  it('carries one message from ingestion through claim, a lost race, escalation and a physician’s resolve, live on every page', async () => {
    const [dana, jordan] = [await open('dana-reyes'), await open('jordan-kim')];
    // Some company on the board, as on a real morning; then the message the scenario follows.
    await ingest(s, { subject: 'Chest pain', body: 'Chest pain and pressure since this morning, my left arm feels heavy.' });
    const itemId = await ingest(s, { body: BODY });
    await card(dana.page, itemId).waitFor();
    await card(jordan.page, itemId).waitFor();

    // Jordan's click on Claim is on its way as Dana's lands: his card is the one he saw before the update.
    const stale = await card(jordan.page, itemId).getByRole('button', { name: 'Claim', exact: true }).elementHandle();
    await card(dana.page, itemId).getByRole('button', { name: 'Claim', exact: true }).click();
    await owner(jordan.page, itemId, 'Dana Reyes, RN');
    await card(jordan.page, itemId).getByRole('button', { name: 'Claim', exact: true }).waitFor({ state: 'detached' });
    await stale!.dispatchEvent('click');
    await jordan.page.locator('#private', { hasText: 'Already claimed by Dana Reyes, RN.' }).waitFor();
    expect(await dana.page.locator('#private').textContent()).not.toContain('Already claimed');

    // Dana escalates to Dr. Alvarez from the keyboard. The picker is the card's: physicians, then
    // the pool, the patient's PCP preselected.
    await card(dana.page, itemId).getByRole('button', { name: 'Escalate to physician' }).press('Enter');
    const picker = dana.page.getByLabel('Escalate to', { exact: true });
    expect(await picker.locator('option').allTextContents()).toEqual(['Dr. Elena Alvarez', 'Dr. Marcus Baker', 'Dr. Grace Cho', 'Physician pool (first available)']);
    expect(await picker.inputValue()).toBe('dr-cho');
    await dana.page.getByLabel('Escalate to', { exact: true }).selectOption('dr-alvarez');
    await dana.page.getByLabel('Reason for the physician', { exact: true }).fill('Knee gave way twice: imaging?');
    await dana.page.keyboard.press('Control+Enter');
    await owner(dana.page, itemId, 'Dr. Elena Alvarez');
    await owner(jordan.page, itemId, 'Dr. Elena Alvarez');
    // The reason is staff free text: the queue's channel card says only that it was recorded.
    await card(dana.page, itemId).locator('.escalation', { hasText: 'Escalated by Dana Reyes, RN to Dr. Elena Alvarez — reason recorded' }).waitFor();
    expect(await card(jordan.page, itemId).textContent()).not.toContain('Knee gave way');

    // Jordan's tab now acts as the physician: the item is in "My DMs", and nothing private carried over.
    await jordan.page.locator('#acting-as').selectOption('dr-alvarez');
    await jordan.page.locator('#channel-title', { hasText: 'My DMs' }).waitFor();
    const doc = card(jordan.page, itemId);
    await doc.locator('.escalation', { hasText: 'Knee gave way twice: imaging?' }).waitFor();
    await doc.locator('.team-notes li', { hasText: 'Dana Reyes, RN (escalated): Knee gave way twice: imaging?' }).waitFor();
    expect(await card(dana.page, itemId).locator('.team-notes').count()).toBe(0);
    expect(await jordan.page.locator('#private').textContent()).not.toContain('Already claimed');

    await doc.getByRole('button', { name: 'View message' }).click();
    await jordan.page.locator('#private', { hasText: BODY }).waitFor();
    expect(await dana.page.content()).not.toContain(BODY);

    await doc.getByRole('button', { name: 'Resolve', exact: true }).click();
    await doc.getByLabel('Note (optional)', { exact: true }).fill('Ordered an X-ray; nurse to call');
    await doc.locator('form').getByRole('button', { name: 'Resolve' }).click();
    await doc.locator('.badge.state', { hasText: 'Resolved' }).waitFor();
    await card(dana.page, itemId).locator('.badge.state', { hasText: 'Resolved' }).waitFor();

    // Dana's thread is the audit trail, read back from the database: the physician's note is staff free text, so it says "recorded".
    await card(dana.page, itemId).locator('summary').click();
    await card(dana.page, itemId).locator('.thread li', { hasText: 'Dr. Elena Alvarez resolved it — note recorded' }).waitFor();
    expect(await card(dana.page, itemId).textContent()).not.toContain('Ordered an X-ray');
    fs.mkdirSync('test-artifacts', { recursive: true });
    await dana.page.screenshot({ path: 'test-artifacts/sandbox.png', fullPage: true });
    await jordan.page.screenshot({ path: 'test-artifacts/sandbox-physician.png', fullPage: true });
    expect([...dana.errors, ...jordan.errors]).toEqual([]);
  }, 60_000); // generous for loaded CI machines; each step above fails on its own after 8 s

  it('works on a phone: nothing wider than the screen, filters that count, stay across a reload and answer the keyboard, a compact view, and no failed requests', async () => {
    // Sam's front desk: one card his, one past its claim target, one whose sender's clock ran ahead, two more waiting.
    const [mine, overdue, future] = await Promise.all([
      ingest(s, SCHEDULING), ingest(s, SCHEDULING), ingest(s, { ...SCHEDULING, sentAt: new Date(Date.now() + 86_400_000).toISOString() }), ingest(s, SCHEDULING), ingest(s, SCHEDULING),
    ]);
    expect((await act(s, mine!, { as: 'sam-ortiz', command: 'item.claim' })).status).toBe(200);
    const late = (await s.ctx.store.findItem(overdue!))!;
    await s.ctx.store.applyTransition(late.id, late.version, { claimDueAt: new Date(Date.now() - 60_000) }, [], []);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => void (r.status() >= 400 && problems.push(`${r.status()} ${new URL(r.url()).pathname}`)));
    await page.goto(`${s.url}/?as=sam-ortiz`);
    await page.locator('#live', { hasText: 'Live' }).waitFor();
    const shown = () => page.locator('ul.cards article').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { itemId: string } }).dataset.itemId));
    // Runs in the page (this project compiles without the DOM library): how far the page scrolls sideways.
    const overflow = () => page.evaluate('document.documentElement.scrollWidth - innerWidth') as Promise<number>;
    const filter = (name: string) => page.getByRole('radio', { name: new RegExp(`^${name} `) });
    await page.locator('ul.cards article').nth(4).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await page.locator('.filters label > span:first-of-type').allTextContents()).toEqual(['All', 'Mine', 'Unclaimed', 'Overdue']);
    expect(await page.locator('.filters .count').allTextContents()).toEqual(['5', '1', '4', '1']);
    await card(page, future!).locator('[data-field="age"]', { hasText: 'sent time was in the future; using received time' }).waitFor();

    await filter('Mine').check();
    expect(await shown()).toEqual([mine]);
    await filter('Overdue').check();
    expect(await shown()).toEqual([overdue]);
    await page.locator('.summary', { hasText: 'Showing 1 of 5 cards (Overdue).' }).waitFor();
    // A radio group: the arrow keys move the choice.
    await filter('Overdue').press('ArrowLeft');
    expect(await filter('Unclaimed').isChecked()).toBe(true);
    const unclaimed = await shown();
    expect(unclaimed).toHaveLength(4);
    expect(unclaimed).toEqual(expect.arrayContaining([overdue, future]));
    expect(unclaimed).not.toContain(mine);

    // Remembered in this browser, never in the address (no patient data, not even a filter, in URLs).
    await page.reload();
    await page.locator('#live', { hasText: 'Live' }).waitFor();
    await page.locator('ul.cards article').nth(3).waitFor();
    expect(await filter('Unclaimed').isChecked()).toBe(true);
    expect(await shown()).toHaveLength(4);
    expect(new URL(page.url()).search).toBe('?as=sam-ortiz');

    await filter('All').check();
    const full = (await page.locator('ul.cards').boundingBox())!.height;
    fs.mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/sandbox-390.png', fullPage: true });
    await page.getByRole('button', { name: 'Compact view' }).click();
    expect(await page.getByRole('button', { name: 'Compact view' }).getAttribute('aria-pressed')).toBe('true');
    expect((await page.locator('ul.cards').boundingBox())!.height).toBeLessThan(full * 0.8);
    expect(await shown()).toHaveLength(5);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'test-artifacts/sandbox-390-compact.png', fullPage: true });
    // Every button on a card is big enough to tap (44 px; 40 in compact view).
    const heights = await page.locator('ul.cards .actions button').evaluateAll((els) => els.map((e) => (e as unknown as { getBoundingClientRect(): { height: number } }).getBoundingClientRect().height));
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(40);

    await page.setViewportSize({ width: 1280, height: 860 });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'test-artifacts/sandbox-1280-compact.png', fullPage: true });

    // Acting as a physician, who sees none of the front desk's work: a new front-desk card changes nothing here, and no request fails.
    await page.locator('#acting-as').selectOption('dr-baker');
    await page.locator('#channel-title', { hasText: 'My DMs' }).waitFor();
    const reread = page.waitForResponse((r) => r.url().includes('/sandbox/api/cards?'));
    await ingest(s, SCHEDULING);
    expect(await (await reread).json()).toMatchObject({ items: [], gone: [expect.any(String)] });
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
