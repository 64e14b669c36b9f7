/**
 * The technician's page in real Chromium: its login, its summary in one language with the kiosk's clock, the
 * problems a technician comes for (a scanner in error, refused scans, store alarms), and the export's default day —
 * all by the kiosk's zone, whatever the laptop's. Screenshots at 1920×1080 and 800×480 in artifacts/tech-*.png.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckinStore } from '../../src/store/checkin-store.js';
import { testClock, TEST_ZONE } from '../helpers/clock.js';
import { cccdDoc, checkinInput } from '../helpers/documents.js';
import { freePort } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';
import { startApp, PASSWORD } from './harness.js';
import { openPage, shoot } from './page-kit.js';
import type { Page } from 'playwright-core';

async function logIn(page: Page): Promise<void> {
  await page.fill('#password', PASSWORD);
  await page.click('#login button[type="submit"]');
  await page.waitForSelector('#overview dd');
}

describe('the technician page', () => {
  it('asks for the password, and says so when it is wrong', async () => {
    const h = await startApp();
    const page = await openPage(h, { path: '/tech' });
    await page.waitForSelector('#login:not([hidden])');
    await shoot(page, 'tech-login');
    await page.fill('#password', 'not the password');
    await page.click('#login button[type="submit"]');
    await expect.poll(() => page.textContent('#login-result')).not.toBe('');
    await shoot(page, 'tech-login-refused');
  });

  it('speaks one language, shows the kiosk’s local clock, and says when no broker is configured', async () => {
    const h = await startApp();
    const page = await openPage(h, { path: '/tech' });
    await logIn(page);
    const overview = (await page.textContent('#overview')) ?? '';
    expect(overview).toContain('không cấu hình');
    expect(overview).not.toContain('disabled');
    expect(overview).not.toContain('MQTT 5');
    expect(overview).toMatch(/\d{2}:\d{2}:\d{2} \d{2}\/\d{2}\/\d{4} \(giờ kiosk, UTC\+07:00\)/);
    expect(await page.textContent('#scanners')).toContain('đã kết nối');
    expect(await page.textContent('#scanners')).not.toContain('connected —');
    await shoot(page, 'tech-summary');
    await page.click('#lang');
    expect(await page.textContent('#overview')).toContain('not configured');
    await shoot(page, 'tech-summary-en');
  });

  it('shows what a technician comes for: a scanner in error, refused scans by code, the store’s alarms, and that it is not recording', async () => {
    const dir = tempDir('qrgate-http-');
    const store = { path: join(dir, 'qrgate.db'), keyFile: join(dir, 'store.key'), maxPending: 100 };
    // 100 check-ins waiting for a broker that is away (the outbox is full), and a key file others can read
    // (W_KEY_PERMISSIONS at start).
    const before = CheckinStore.open({ ...store, forwarding: true, clock: testClock(), zone: TEST_ZONE });
    before.recordCheckins(Array.from({ length: 100 }, (_, i) => checkinInput(cccdDoc(`001190${String(i).padStart(6, '0')}`))));
    before.close();
    chmodSync(join(dir, 'store.key'), 0o644);
    const broker = `mqtt://127.0.0.1:${await freePort()}`;
    const h = await startApp({ dir, scanners: ['gate', 'exit'], config: { store, mqtt: { url: broker } } });
    h.scanners.get('exit')?.fail('E_READ_FAILED', 'read error EIO');
    h.scanners.get('gate')?.scan('https://example.com/not-an-id');
    h.scanners.get('gate')?.scan('hello');
    const page = await openPage(h, { path: '/tech' });
    await logIn(page);
    expect(await page.textContent('#scanners')).toMatch(/exit.*lỗi/);
    expect(await page.textContent('#rejects')).toMatch(/E_\w+ ×\d/);
    expect(await page.textContent('#overview')).toContain('W_KEY_PERMISSIONS');
    expect(await page.textContent('#overview')).toContain('ĐANG KHÔNG GHI NHẬN — E_STORE_FULL');
    expect(await page.locator('#overview dd.bad').count()).toBe(2);
    expect(await page.locator('#scanners li.bad').count()).toBe(1);
    await shoot(page, 'tech-problems');
  });

  it('defaults the export to the kiosk’s date, not the laptop’s (another zone, another day)', async () => {
    const h = await startApp();
    // 00:10 at the kiosk (UTC+7) is still the previous day in UTC and in Los Angeles.
    h.clock.set('2026-11-22T00:10:00+07:00');
    const page = await openPage(h, {
      path: '/tech',
      timezoneId: 'America/Los_Angeles',
      browserTime: new Date('2026-11-22T00:10:00+07:00'),
    });
    await logIn(page);
    expect(await page.inputValue('#day')).toBe('2026-11-22');
  });
});
