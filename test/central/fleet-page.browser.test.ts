/**
 * The fleet page in real Chromium (playwright-core, as test/http/page.browser.test.ts): login, the fleet with an
 * offline and a silent kiosk listed apart, Vietnamese first and English on the switch, the tracer's search, and
 * screenshots at 1920×1080 and on a phone in artifacts/central/.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../http/chromium.js';
import { startCentral, startKiosk, T0, until, type CentralHarness } from './harness.js';

const ARTIFACTS = new URL('../../artifacts/central/', import.meta.url);
let closeBrowser: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeBrowser?.();
  closeBrowser = undefined;
});

async function fleetWithProblems(): Promise<CentralHarness> {
  const h = await startCentral({ fleet: { silentAfterMinutes: 30, resendAfterSec: 1 } });
  const a = await startKiosk(h, 'van-phong-ha-noi', 'cong-chinh');
  const b = await startKiosk(h, 'van-phong-ha-noi', 'cong-sau');
  const c = await startKiosk(h, 'chi-nhanh-da-nang', 'sanh');
  await until(() => h.app.tracker.all().filter((s) => s.state === 'online').length === 3, 'three online');
  for (let i = 1; i <= 12; i++) a.checkin(i, new Date(T0 + i * 60_000));
  for (let i = 20; i <= 24; i++) c.checkin(i, new Date(T0 + i * 60_000));
  await until(async () => (await h.app.store.findCheckins({ limit: 100 })).length === 17, 'stored');
  // cong-sau goes away without a goodbye... as far as central can tell: its graceful stop says offline.
  await b.stop();
  await until(() => h.app.tracker.state({ site: 'van-phong-ha-noi', device: 'cong-sau' })?.state === 'offline', 'offline');
  // 40 minutes later: sanh has had no check-in since, cong-chinh gets one now.
  h.clock.advance(40 * 60_000);
  a.checkin(13);
  await until(async () => (await h.app.store.findCheckins({ limit: 100 })).length === 18, 'stored');
  return h;
}

async function open(
  h: CentralHarness,
  user: string,
  role: 'viewer' | 'tracer',
  viewport: { width: number; height: number },
): Promise<Page> {
  const { hashPassword } = await import('../../src/http/auth/password.js');
  await h.app.store.setUser(user, role, await hashPassword('correct horse', { N: 1024, r: 8, p: 1 }), T0);
  const browser = await launchChromium(viewport);
  closeBrowser = browser.close;
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('401')) errors.push(m.text());
  });
  await page.goto(h.http);
  await page.waitForSelector('#login:not([hidden])');
  expect(await page.textContent('#login h2')).toBe('Đăng nhập');
  await page.fill('#login-user', user);
  await page.fill('#login-password', 'correct horse');
  await page.click('#login-submit');
  await page.waitForSelector('body[data-loaded="true"]');
  expect(errors).toEqual([]);
  return page;
}

function shot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return page.screenshot({ path: new URL(name, ARTIFACTS).pathname, fullPage: true });
}

describe('fleet page in Chromium', () => {
  it('shows the fleet, offline and silent kiosks apart, in Vietnamese then English (1920×1080)', async () => {
    const h = await fleetWithProblems();
    const page = await open(h, 'xem', 'viewer', { width: 1920, height: 1080 });
    expect(await page.textContent('#t-online')).toBe('2');
    expect(await page.textContent('#t-offline')).toBe('1');
    expect(await page.textContent('#t-silent')).toBe('1');
    expect(await page.textContent('#offline-list')).toContain('van-phong-ha-noi / cong-sau');
    expect(await page.textContent('#silent-list')).toContain('chi-nhanh-da-nang / sanh');
    expect(await page.textContent('#silent-list')).not.toContain('cong-sau');
    expect(await page.textContent('[data-t="offlineTitle"]')).toBe('Kiosk mất kết nối');
    expect(await page.isHidden('#trace')).toBe(true);
    expect(await page.locator('#kiosks tbody tr').count()).toBe(3);
    await shot(page, 'fleet-1920x1080-vi.png');
    await page.click('#lang');
    expect(await page.textContent('[data-t="offlineTitle"]')).toBe('Offline kiosks');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await shot(page, 'fleet-1920x1080-en.png');
  });

  it('lets a tracer search by number on a phone, names in clear only for the tracer', async () => {
    const h = await fleetWithProblems();
    const page = await open(h, 'truyvet', 'tracer', { width: 390, height: 844 });
    expect(await page.isVisible('#trace')).toBe(true);
    await page.fill('#trace-number', '001190000003');
    await page.click('#trace button[type="submit"]');
    await expect.poll(() => page.locator('#trace-result tbody tr').count()).toBe(1);
    expect(await page.textContent('#trace-result tbody')).toContain('Khách Thử 3');
    expect((await h.app.store.auditLog(5))[0]).toMatchObject({ user: 'truyvet', action: 'checkins' });
    await shot(page, 'fleet-phone-tracer-vi.png');
  });
});
