/**
 * The receptionist's page in a real browser (Debian's Chromium through playwright-core): live updates pushed to the
 * screen (the 200 ms budget is logged), hostile card text shown as text, the language switch, manual entry, and screenshots in artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cccd } from '../helpers/payloads.js';
import { launchChromium } from './chromium.js';
import { startApp, type Harness } from './harness.js';

const ARTIFACTS = new URL('../../artifacts/', import.meta.url);
/** The receptionist's budget from commit to screen: measured and logged, not asserted (see LIVE_MS). */
const BUDGET_MS = 200;
/**
 * What the test asserts: the scan was pushed to the open page, under the page's 2 s EventSource reconnect (a scan seen
 * only after a reconnect or a reload fails it). Wide enough for Chromium's scheduling with the other core busy.
 */
const LIVE_MS = 1500;
// Code run inside the page is given as text: the test project is typed without the DOM library.
// A function, not a string: Playwright evaluates a string predicate with eval in the page, which the page's CSP
// (script-src 'self') refuses, so a string only worked while the predicate ran before the policy applied.
const PAGE_CONNECTED = (): boolean => (globalThis as unknown as { qrgate?: { connected?: boolean } }).qrgate?.connected === true;
const MARK_SHOWN_AT = `(() => {
  const panel = document.getElementById('scan');
  new MutationObserver(() => {
    if (panel.dataset.seq && !panel.dataset.shownAt) panel.dataset.shownAt = String(performance.timeOrigin + performance.now());
  }).observe(panel, { attributes: true, attributeFilter: ['data-seq'] });
})()`;

let closeBrowser: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeBrowser?.();
  closeBrowser = undefined;
});

async function openPage(h: Harness, viewport?: { width: number; height: number }): Promise<Page> {
  const browser = await launchChromium(viewport);
  closeBrowser = browser.close;
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(h.app.httpAddress ?? '');
  await page.waitForFunction(PAGE_CONNECTED);
  await page.waitForSelector('#count-in:not(:text("–"))');
  // A CSP violation or a script error would show up here.
  expect(errors).toEqual([]);
  return page;
}

function screenshot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return page.screenshot({ path: new URL(name, ARTIFACTS).pathname });
}

describe('status page in Chromium', () => {
  it(`pushes a scan committed through the pipeline to the open page (within ${LIVE_MS} ms; budget ${BUDGET_MS} ms)`, async () => {
    const h = await startApp();
    const page = await openPage(h);
    // The page marks the verdict panel when it shows a new check-in; the test times commit → mark seen on its own
    // monotonic clock (an upper bound: it includes the browser's report back). Two processes' wall clocks are not
    // comparable (under faketime the browser's is not shifted at all).
    await page.evaluate(MARK_SHOWN_AT);
    let committedAt = 0;
    h.app.pipeline.once('checkin', () => (committedAt = performance.now()));
    h.scanners.get('gate')?.scan(cccd());
    await page.waitForSelector('#scan[data-shown-at]');
    const latency = performance.now() - committedAt;
    console.log(`status page latency, commit → DOM seen by the test (an upper bound): ${latency.toFixed(1)} ms (budget ${BUDGET_MS} ms)`);
    expect(committedAt).toBeGreaterThan(0);
    expect(latency).toBeLessThanOrEqual(LIVE_MS);
    await expect.poll(() => page.textContent('#verdict')).toBe('ĐÃ GHI NHẬN');
    expect(await page.textContent('#direction')).toBe('VÀO');
    expect(await page.textContent('#name')).toBe('Nguyễn T. M.');
    expect(await page.textContent('#number')).toBe('•••• •••• 2345');
    expect(await page.getAttribute('#scan', 'class')).toContain('accepted');
    await expect.poll(() => page.textContent('#count-in')).toBe('1');
    await screenshot(page, 'status-accepted-1920x1080.png');
  });

  it('renders a card whose name is HTML as text, and runs nothing', async () => {
    const h = await startApp();
    const page = await openPage(h);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // No digit in it: a name with digits is refused as shifted columns (E_CCCD_LAYOUT).
    const hostile = '<img src=x onerror=alert(document.domain)>';
    h.scanners.get('gate')?.scan(cccd({ name: hostile }));
    await expect.poll(() => page.getAttribute('#scan', 'data-seq')).toBe('1');
    await expect.poll(() => page.locator('#inside li .who').count()).toBe(1);
    // The mask keeps the first word and initials: "<img" survives, shown literally.
    expect(await page.textContent('#name')).toBe('<img S. O.');
    expect(await page.textContent('#inside li .who')).toBe('<img S. O.');
    expect(await page.locator('img').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });

  it('shows a refusal in red with the reason, and switches language (remembered after a reload)', async () => {
    const h = await startApp();
    const page = await openPage(h, { width: 800, height: 480 });
    h.scanners.get('gate')?.scan('https://example.com/not-an-id');
    await expect.poll(() => page.textContent('#verdict')).toBe('KHÔNG GHI NHẬN');
    expect(await page.getAttribute('#scan', 'class')).toContain('rejected');
    expect(await page.textContent('#reason')).toContain('không phải giấy tờ tùy thân');
    await screenshot(page, 'status-rejected-800x480-vi.png');

    await page.click('#lang');
    expect(await page.textContent('#verdict')).toBe('NOT ACCEPTED');
    expect(await page.textContent('#reason')).toContain('not an identity document');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.reload();
    await page.waitForFunction(PAGE_CONNECTED);
    await expect.poll(() => page.textContent('#count-rejected')).toBe('1');
    expect(await page.textContent('[data-t="countIn"]')).toBe('Arrivals today');
    await screenshot(page, 'status-rejected-800x480-en.png');
  });

  it('records a manual entry typed on the page', async () => {
    const h = await startApp();
    const page = await openPage(h, { width: 390, height: 844 });
    await page.click('#manual-box summary');
    await page.fill('#manual-number', '079203001234');
    await page.fill('#manual-name', 'Lê Văn Khách');
    await page.selectOption('#manual-direction', 'in');
    await page.click('#manual-submit');
    await expect.poll(() => page.textContent('#manual-result')).toBe('Đã ghi nhận.');
    await expect.poll(() => page.textContent('#name')).toBe('Lê V. K.');
    expect(await page.textContent('#meta')).toContain('nhập tay');
    const inside = h.app.store.insideNow();
    expect(inside).toHaveLength(1);
    expect(inside[0]).toMatchObject({ manual: true, document: { type: 'id-number', number: '079203001234' } });

    await page.fill('#manual-number', '123');
    // Past the browser's own check, to see the daemon's refusal.
    await page.evaluate("document.getElementById('manual-number').removeAttribute('pattern')");
    await page.click('#manual-submit');
    await expect.poll(() => page.textContent('#manual-result')).toContain('12 chữ số');
    await screenshot(page, 'status-manual-phone.png');
  });
});
