/**
 * The receptionist's screen beyond the verdict, in real Chromium: the header clock in the kiosk's zone whatever the
 * browser's, the page losing the daemon, a scanner in error, the sound switched off, no scanner configured, the
 * broker away with check-ins waiting, an unsynchronised clock, and manual entry with its result. Screenshots at
 * 1920×1080 and 800×480 in artifacts/state-*.png.
 */
import { describe, expect, it } from 'vitest';
import { startApp } from './harness.js';
import { freePort } from '../helpers/mosquitto.js';
import { cccd } from '../helpers/payloads.js';
import { openPage, shoot, state } from './page-kit.js';

describe('the receptionist screen around the panel', () => {
  it('shows the kiosk’s time in its zone (clock.timeZone), not the browser’s zone or clock', async () => {
    const h = await startApp();
    h.clock.set('2026-11-22T09:30:20+07:00');
    // The browser is in Los Angeles, and its own clock says another time altogether.
    const page = await openPage(h, { timezoneId: 'America/Los_Angeles', browserTime: new Date('2026-11-21T12:00:00Z') });
    expect(await page.evaluate('new Date(2026, 10, 22).getTimezoneOffset()')).toBe(480);
    await expect.poll(() => page.textContent('#clock')).toBe('09:30');
    h.clock.set('2026-11-22T23:58:30+07:00');
    await expect.poll(() => page.textContent('#clock')).toBe('23:58');
    await page.click('#lang');
    expect(await page.textContent('#clock')).toBe('23:58');
  });

  it('says when the page has lost the daemon: an amber banner, the content dimmed', async () => {
    const h = await startApp();
    const page = await openPage(h);
    await h.app.stop();
    await page.waitForFunction(() => !(globalThis as unknown as { qrgate: { connected: boolean } }).qrgate.connected);
    expect(await page.isVisible('#offline')).toBe(true);
    expect(await page.textContent('#offline')).toContain('Mất kết nối với kiosk');
    await shoot(page, 'state-page-disconnected');
  });

  it('says on the main panel that the only scanner is in error, with the driver’s words', async () => {
    const h = await startApp();
    const page = await openPage(h);
    h.scanners.get('gate')?.fail('E_READ_FAILED', 'read error EIO');
    await expect.poll(() => state(page)).toBe('blocked');
    expect(await page.textContent('#verdict')).toBe('MÁY QUÉT KHÔNG HOẠT ĐỘNG');
    await shoot(page, 'state-blocked-scanner-error');
    await page.click('#lang');
    expect(await page.textContent('#verdict')).toBe('THE SCANNER IS NOT WORKING');
    await shoot(page, 'state-blocked-scanner-error-en');
  });

  it('shows the sound switched off', async () => {
    const h = await startApp();
    const page = await openPage(h);
    await page.click('#sound');
    expect(await page.textContent('#sound')).toBe('Âm thanh: tắt');
    await shoot(page, 'state-sound-off');
  });

  it('does not invite a scan when no scanner is configured: it says so, and points to manual entry', async () => {
    const h = await startApp({ scanners: [] });
    const page = await openPage(h);
    expect(await state(page)).toBe('blocked');
    expect(await page.textContent('#verdict')).toBe('KHÔNG CÓ MÁY QUÉT');
    expect(await page.textContent('#name')).toContain('nhập tay');
    expect(await page.textContent('#system')).toContain('Chưa cấu hình máy quét');
    await shoot(page, 'state-no-scanners');
  });

  it('shows the broker away with the check-ins waiting for it, and an unsynchronised clock', async () => {
    const port = await freePort();
    const h = await startApp({ config: { mqtt: { url: `mqtt://127.0.0.1:${port}` }, clock: { synced: false } } });
    const page = await openPage(h);
    h.scanners.get('gate')?.scan(cccd());
    h.app.pipeline.manual({ number: '079203001234', name: 'Lê Văn Hai' });
    await expect.poll(() => page.textContent('#system')).toContain('2 lượt chờ gửi');
    const system = (await page.textContent('#system')) ?? '';
    expect(system).toContain('vẫn đang ghi nhận');
    expect(system).toContain('Đồng hồ kiosk chưa đồng bộ giờ');
    await page.clock.fastForward(9000);
    await expect.poll(() => state(page)).toBe('idle');
    await shoot(page, 'state-broker-offline-pending-clock-unsynced');
    await page.click('#lang');
    await shoot(page, 'state-broker-offline-pending-clock-unsynced-en');
  });

  it('takes a manual entry and says the result beside the form, refusals included', async () => {
    const h = await startApp();
    const page = await openPage(h);
    await page.click('#manual-box summary');
    await shoot(page, 'state-manual-form');
    await page.fill('#manual-number', '079203001234');
    await page.fill('#manual-name', 'Lê Văn Hai');
    await page.click('#manual-submit');
    await expect.poll(() => page.textContent('#manual-result')).toBe('Đã ghi nhận.');
    expect(await state(page)).toBe('accepted');
    await shoot(page, 'state-manual-accepted');
    await page.fill('#manual-number', '1234567890123');
    await page.click('#manual-submit');
    await expect.poll(() => page.getAttribute('#manual-result', 'class')).toBe('bad');
    expect(await page.textContent('#manual-result')).not.toBe('');
    await shoot(page, 'state-manual-refused');
  });
});
