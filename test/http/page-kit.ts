/**
 * What the browser tests of the pages share: a real Chromium on the harness's page, the page's own clock under the
 * test's control, and screenshots of a state at both kiosk sizes in artifacts/ (look at them).
 */
import { mkdirSync } from 'node:fs';
import { afterEach, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import type { Harness } from './harness.js';

const ARTIFACTS = new URL('../../artifacts/', import.meta.url);
// A function, not a string: Playwright evaluates a string predicate with eval in the page, which the page's CSP
// (script-src 'self') refuses, so a string only worked while the predicate ran before the policy applied.
export const PAGE_CONNECTED = (): boolean => (globalThis as unknown as { qrgate?: { connected?: boolean } }).qrgate?.connected === true;
export const SIZES = [
  { width: 1920, height: 1080 },
  { width: 800, height: 480 },
] as const;

let closeBrowser: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeBrowser?.();
  closeBrowser = undefined;
});

export interface OpenOptions {
  readonly path?: string;
  /** The browser's zone, to show that nothing on the page depends on it. */
  readonly timezoneId?: string;
  /** The browser's clock at the start (it then runs); default: the machine's. */
  readonly browserTime?: Date;
}

export async function openPage(h: Harness, options: OpenOptions = {}): Promise<Page> {
  const path = options.path ?? '/';
  const browser = await launchChromium(SIZES[0], options.timezoneId);
  closeBrowser = browser.close;
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // The page's own timers and Date: the test moves past the 8 s a verdict stays fresh without waiting for it.
  await page.clock.install(options.browserTime === undefined ? {} : { time: options.browserTime });
  await page.goto(`${h.app.httpAddress ?? ''}${path}`);
  if (path === '/') await connected(page);
  expect(errors).toEqual([]);
  return page;
}

/** The page has its event stream and has painted the daemon's state. */
export async function connected(page: Page): Promise<void> {
  await page.waitForFunction(PAGE_CONNECTED);
  await page.waitForSelector('#count-in:not(:text("–"))');
}

/** The same state at both kiosk sizes. */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: new URL(`${name}-${size.width}x${size.height}.png`, ARTIFACTS).pathname });
  }
  await page.setViewportSize(SIZES[0]);
}

export const state = (page: Page): Promise<string | null> => page.getAttribute('#scan', 'data-state');
export const tones = (page: Page): Promise<unknown> => page.evaluate('window.qrgate.tones');
export const px = (page: Page, id: string): Promise<number> =>
  page.evaluate<number>(`parseFloat(getComputedStyle(document.getElementById('${id}')).fontSize)`);
