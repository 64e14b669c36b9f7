/**
 * Every state of the receptionist's panel in real Chromium, with screenshots of each at 1920×1080 and 800×480 in
 * artifacts/ (look at them): idle, accepted, accepted with a warning (amber), refused, back to idle with the last
 * scan small, the kiosk unable to record (scanner, store), an oversized scan, the tones and their switch, and who is
 * inside with the date of arrivals before today (decided by the kiosk's zone, sent by the server).
 */
import { mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { bhytLegacy, cccd } from '../helpers/payloads.js';
import { launchChromium } from './chromium.js';
import { startApp, type Harness } from './harness.js';

const ARTIFACTS = new URL('../../artifacts/', import.meta.url);
// A function, not a string: Playwright evaluates a string predicate with eval in the page, which the page's CSP
// (script-src 'self') refuses, so a string only worked while the predicate ran before the policy applied.
const PAGE_CONNECTED = (): boolean => (globalThis as unknown as { qrgate?: { connected?: boolean } }).qrgate?.connected === true;
const SIZES = [
  { width: 1920, height: 1080 },
  { width: 800, height: 480 },
] as const;

let closeBrowser: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeBrowser?.();
  closeBrowser = undefined;
});

async function openPage(h: Harness, path = '/'): Promise<Page> {
  const browser = await launchChromium(SIZES[0]);
  closeBrowser = browser.close;
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // The page's own timers and Date: the test moves past the 8 s a verdict stays fresh without waiting for it.
  await page.clock.install();
  await page.goto(`${h.app.httpAddress ?? ''}${path}`);
  if (path === '/') {
    await page.waitForFunction(PAGE_CONNECTED);
    await page.waitForSelector('#count-in:not(:text("–"))');
  }
  expect(errors).toEqual([]);
  return page;
}

/** The same state at both kiosk sizes. */
async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: new URL(`${name}-${size.width}x${size.height}.png`, ARTIFACTS).pathname });
  }
  await page.setViewportSize(SIZES[0]);
}

const state = (page: Page): Promise<string | null> => page.getAttribute('#scan', 'data-state');
const tones = (page: Page): Promise<unknown> => page.evaluate('window.qrgate.tones');
const px = (page: Page, id: string): Promise<number> =>
  page.evaluate<number>(`parseFloat(getComputedStyle(document.getElementById('${id}')).fontSize)`);

describe('the receptionist panel, state by state', () => {
  it('returns to a clear idle state after 8 s, keeping the last scan small', async () => {
    const h = await startApp();
    const page = await openPage(h);
    expect(await state(page)).toBe('idle');
    expect(await page.textContent('#verdict')).toBe('Mời quét mã QR');
    await shoot(page, 'state-idle');

    h.scanners.get('gate')?.scan(cccd());
    await expect.poll(() => state(page)).toBe('accepted');
    expect(await page.textContent('#verdict')).toBe('ĐÃ GHI NHẬN');
    expect(await page.textContent('#last')).toBe('');
    await shoot(page, 'state-accepted');

    await page.clock.fastForward(9000);
    await expect.poll(() => state(page)).toBe('idle');
    expect(await page.textContent('#verdict')).toBe('Mời quét mã QR');
    expect(await page.textContent('#name')).toBe('Căn cước, thẻ BHYT hoặc mã QR cá nhân');
    // Nothing of the previous visitor in large type: no direction, no name, no number on the panel itself.
    expect(await page.textContent('#direction')).toBe('');
    expect(await page.textContent('#number')).toBe('');
    const last = (await page.textContent('#last')) ?? '';
    expect(last).toMatch(/^Lượt trước lúc \d{2}:\d{2} \(\d+ giây trước\): ĐÃ GHI NHẬN · VÀO · Nguyễn T\. M\.$/);
    expect(await px(page, 'last')).toBeLessThan((await px(page, 'verdict')) / 2);
    await shoot(page, 'state-idle-after-scan');

    await page.click('#lang');
    expect(await page.textContent('#last')).toContain('Previous scan at');
    expect(await page.textContent('#verdict')).toBe('Please scan your QR code');
    await shoot(page, 'state-idle-after-scan-en');
  });

  it('shows an accepted scan with a warning in amber, the warning as the large line', async () => {
    const h = await startApp();
    const page = await openPage(h);
    h.scanners.get('gate')?.scan(bhytLegacy({ 7: '31/12/2020' }));
    await expect.poll(() => state(page)).toBe('warning');
    expect(await page.textContent('#verdict')).toBe('ĐÃ GHI NHẬN · CẦN LƯU Ý');
    expect(await page.textContent('#reason')).toBe('Thẻ BHYT đã hết hạn.');
    expect(await page.getAttribute('#scan', 'class')).toContain('accepted');
    // Readable from 2 m: the largest text line but the direction, larger than the verdict itself.
    expect(await px(page, 'reason')).toBeGreaterThan(await px(page, 'verdict'));
    expect(await px(page, 'reason')).toBeGreaterThan(await px(page, 'name'));
    const bg = await page.evaluate("getComputedStyle(document.getElementById('scan')).backgroundColor");
    expect(bg).toBe('rgb(240, 176, 0)');
    expect(await tones(page)).toEqual(['warning']);
    await shoot(page, 'state-accepted-warning');
  });

  it('shows a refusal in red, and plays a distinct tone for each verdict; the switch is remembered', async () => {
    const h = await startApp();
    const page = await openPage(h);
    expect(await page.textContent('#sound')).toBe('Âm thanh: bật');
    h.scanners.get('gate')?.scan('https://example.com/not-an-id');
    await expect.poll(() => state(page)).toBe('rejected');
    await shoot(page, 'state-rejected');
    h.scanners.get('gate')?.scan(cccd());
    await expect.poll(() => state(page)).toBe('accepted');
    expect(await tones(page)).toEqual(['refused', 'accepted']);

    await page.click('#sound');
    expect(await page.textContent('#sound')).toBe('Âm thanh: tắt');
    expect(await page.getAttribute('#sound', 'aria-pressed')).toBe('false');
    await page.reload();
    await page.waitForFunction(PAGE_CONNECTED);
    expect(await page.textContent('#sound')).toBe('Âm thanh: tắt');
    h.scanners.get('gate')?.scan(cccd(2));
    await expect.poll(() => page.getAttribute('#scan', 'data-seq')).toBe('2');
    expect(await tones(page)).toEqual([]);
  });

  it('says on the main panel that the scanner is not working, and names a second scanner that is down', async () => {
    const h = await startApp({ scanners: ['gate', 'exit'] });
    const page = await openPage(h);
    h.scanners.get('exit')?.unplug();
    await expect.poll(() => page.textContent('#notice')).toContain('Máy quét exit không hoạt động');
    expect(await state(page)).toBe('idle');
    await shoot(page, 'state-idle-one-scanner-down');

    h.scanners.get('gate')?.unplug();
    await expect.poll(() => state(page)).toBe('blocked');
    expect(await page.textContent('#verdict')).toBe('MÁY QUÉT KHÔNG HOẠT ĐỘNG');
    expect(await page.textContent('#reason')).toContain('Máy quét chưa cắm hoặc mất kết nối');
    expect(await page.textContent('#name')).toContain('nhập tay');
    await shoot(page, 'state-blocked-scanner');
  });

  it('says on the main panel that the kiosk cannot record when the store refuses, until a scan is recorded again', async () => {
    const h = await startApp();
    const page = await openPage(h);
    // What the pipeline announces when the store refuses a scan (a full disk, a read-only SD card).
    h.app.pipeline.emit('reject', {
      id: null,
      scanner: 'gate',
      code: 'E_STORE_FULL',
      scannedAt: h.app.zone.iso(h.clock.now()),
      clockSynced: true,
    });
    await expect.poll(() => state(page)).toBe('rejected');
    expect(await page.textContent('#reason')).toContain('hết chỗ lưu trữ');
    await page.clock.fastForward(9000);
    await expect.poll(() => state(page)).toBe('blocked');
    expect(await page.textContent('#verdict')).toBe('KIOSK ĐANG KHÔNG GHI NHẬN');
    expect(await page.textContent('#reason')).toContain('hết chỗ lưu trữ');
    expect(await page.textContent('#system')).toContain('hết chỗ lưu trữ');
    await shoot(page, 'state-blocked-store');

    h.scanners.get('gate')?.scan(cccd());
    await expect.poll(() => state(page)).toBe('accepted');
    await page.clock.fastForward(9000);
    await expect.poll(() => state(page)).toBe('idle');
  });

  it('tells the visitor at the gate about an oversized scan', async () => {
    const h = await startApp();
    const page = await openPage(h);
    h.scanners.get('gate')?.oversized();
    await expect.poll(() => state(page)).toBe('rejected');
    expect(await page.textContent('#reason')).toContain('quá dài');
    expect(await tones(page)).toEqual(['refused']);
    await shoot(page, 'state-rejected-oversized');
  });

  it('labels what each count counts, dates arrivals before today by the kiosk’s zone, and names typed entries', async () => {
    const h = await startApp();
    h.clock.advance(-86_400_000);
    h.app.pipeline.manual({ number: '079203001234', name: 'Lê Văn Hôm Qua' });
    h.clock.advance(86_400_000);
    const page = await openPage(h);
    h.app.pipeline.manual({ number: '0123456789', name: 'Trần Thị Hôm Nay' });
    await expect.poll(() => page.locator('#inside li .since').count()).toBe(2);
    const since = await page.locator('#inside li .since').allTextContents();
    expect(since[0]).toMatch(/^\d{2}:\d{2}$/);
    expect(since[1]).toMatch(/^\d{2}\/\d{2} \d{2}:\d{2}$/);
    expect(await page.textContent('[data-t="countInside"]')).toBe('Đang ở trong (tính cả hôm trước)');
    expect(await page.textContent('[data-t="countIn"]')).toBe('Lượt vào hôm nay');
    expect(await page.textContent('#count-in')).toBe('1');
    expect(await page.textContent('#count-inside')).toBe('2');
    const meta = (await page.textContent('#meta')) ?? '';
    expect(meta).toContain('Thẻ BHYT · nhập tay');
    expect(meta).not.toContain('manual');
    await shoot(page, 'state-inside-earlier-day');
  });
});

describe('the technician page', () => {
  it('speaks one language, shows the kiosk’s local clock, and says when no broker is configured', async () => {
    const h = await startApp();
    const page = await openPage(h, '/tech');
    await page.fill('#password', 'correct horse battery staple');
    await page.click('#login button[type="submit"]');
    await page.waitForSelector('#overview dd');
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
});
