/**
 * Every state of the receptionist's panel in real Chromium, with screenshots of each at 1920×1080 and 800×480 in
 * artifacts/ (look at them): idle, accepted (IN and OUT), accepted with one or several warnings (amber), refused,
 * back to idle with the last scan small, an automatic checkout (small only), the kiosk unable to record (scanner;
 * the store at its limit from the start, or after a failed write, with a real store), an oversized scan, the tones
 * and their switch, who is inside with the date of arrivals before today, and the main states in English.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckinStore } from '../../src/store/checkin-store.js';
import { afterThisTest } from '../helpers/after-test.js';
import { testClock, TEST_ZONE } from '../helpers/clock.js';
import { cccdDoc, checkinInput } from '../helpers/documents.js';
import { freePort, Mosquitto } from '../helpers/mosquitto.js';
import { bhytLegacy, cccd } from '../helpers/payloads.js';
import { tempDir } from '../helpers/tmp.js';
import { startApp } from './harness.js';
import { connected, openPage, px, shoot, state, tones } from './page-kit.js';

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
    await connected(page);
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

  it('says from the first paint that a kiosk whose outbox is at store.maxPending cannot record (E_STORE_FULL), also after a reload, until the broker takes the backlog', async () => {
    const dir = tempDir('qrgate-http-');
    const store = { path: join(dir, 'qrgate.db'), keyFile: join(dir, 'store.key'), maxPending: 100 };
    // The kiosk stopped with its outbox full: 100 check-ins waiting for a broker that is away.
    const before = CheckinStore.open({ ...store, forwarding: true, clock: testClock(), zone: TEST_ZONE });
    before.recordCheckins(Array.from({ length: 100 }, (_, i) => checkinInput(cccdDoc(`001190${String(i).padStart(6, '0')}`))));
    before.close();
    const broker = new Mosquitto(await freePort(), dir);
    afterThisTest(() => broker.down());
    const h = await startApp({ dir, config: { store, mqtt: { url: broker.url } } });
    const page = await openPage(h);
    // Nobody has been refused yet: the panel says it at once, not after the first visitor.
    expect(await state(page)).toBe('blocked');
    expect(await page.textContent('#verdict')).toBe('KIOSK ĐANG KHÔNG GHI NHẬN');
    expect(await page.textContent('#reason')).toBe('Bộ nhớ của kiosk đã đầy.');
    expect(await page.textContent('#last')).toBe('');
    const system = (await page.textContent('#system')) ?? '';
    expect(system).toContain('Bộ nhớBộ nhớ của kiosk đã đầy.');
    expect(system).toContain('100 lượt chờ gửi');
    // The broker's usual "still recording" would be untrue now.
    expect(system).toContain('Mất kết nối máy chủ trung tâm.');
    expect(system).not.toContain('vẫn đang ghi nhận');
    await shoot(page, 'state-blocked-store-full');
    await page.reload();
    await connected(page);
    expect(await state(page)).toBe('blocked');
    await page.click('#lang');
    expect(await page.textContent('#verdict')).toBe('THE KIOSK IS NOT RECORDING');
    await shoot(page, 'state-blocked-store-full-en');
    await page.click('#lang');

    await broker.up();
    await expect.poll(() => state(page), { timeout: 40_000 }).toBe('idle');
    expect(h.app.store.pendingCount()).toBeLessThan(100);
    expect(await page.textContent('#system')).not.toContain('đã đầy');
  }, 60_000);

  it('says the kiosk cannot record once a write failed (E_STORE_WRITE: another process holds the database’s lock), also after a reload, until a scan is recorded again', async () => {
    const h = await startApp();
    const page = await openPage(h);
    expect(await state(page)).toBe('idle');
    const other = new Database(join(h.dir, 'qrgate.db'));
    afterThisTest(() => other.close());
    other.exec('BEGIN IMMEDIATE');
    // The daemon waits out its 5 s busy timeout, then refuses the scan.
    h.scanners.get('gate')?.scan(cccd());
    await expect.poll(() => state(page)).toBe('rejected');
    expect(await page.textContent('#reason')).toContain('không ghi được dữ liệu');
    await page.clock.fastForward(9000);
    await expect.poll(() => state(page)).toBe('blocked');
    expect(await page.textContent('#verdict')).toBe('KIOSK ĐANG KHÔNG GHI NHẬN');
    expect(await page.textContent('#reason')).toBe('Kiosk không ghi được vào bộ nhớ.');
    expect(await page.textContent('#system')).toContain('Kiosk không ghi được vào bộ nhớ.');
    await page.reload();
    await connected(page);
    await page.clock.fastForward(9000);
    await expect.poll(() => state(page)).toBe('blocked');
    await shoot(page, 'state-blocked-store-write');

    other.exec('ROLLBACK');
    h.scanners.get('gate')?.scan(cccd(2));
    await expect.poll(() => state(page)).toBe('accepted');
    await page.clock.fastForward(9000);
    await expect.poll(() => state(page)).toBe('idle');
    expect(await page.textContent('#system')).not.toContain('không ghi được');
  }, 60_000);

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

  it('shows a departure (OUT), an automatic end-of-day checkout, and several warnings; the main verdicts in English', async () => {
    const h = await startApp({
      config: {
        scanners: [
          { id: 'gate', type: 'simulated', source: 'stdin', direction: 'in' },
          { id: 'exit', type: 'simulated', source: 'stdin', direction: 'out' },
        ],
      },
    });
    const page = await openPage(h);
    h.scanners.get('gate')?.scan(cccd());
    await expect.poll(() => state(page)).toBe('accepted');
    await page.click('#lang');
    expect(await page.textContent('#verdict')).toBe('ACCEPTED');
    await shoot(page, 'state-accepted-en');
    await page.click('#lang');
    h.scanners.get('exit')?.scan(cccd());
    await expect.poll(() => page.textContent('#direction')).toBe('RA');
    expect(await page.getAttribute('#direction', 'class')).toBe('direction out');
    await shoot(page, 'state-accepted-out');

    // Someone else still inside at the end of the day: checked out by the kiosk, nobody at the gate.
    h.scanners.get('gate')?.scan(cccd(7));
    await expect.poll(() => page.getAttribute('#scan', 'data-seq')).toBe('3');
    await page.clock.fastForward(9000);
    const before = (await tones(page)) as unknown[];
    h.app.pipeline.autoCheckout(h.clock.now());
    await expect.poll(() => page.getAttribute('#scan', 'data-seq')).toBe('4');
    expect(await tones(page)).toEqual(before);
    expect(await page.textContent('#last')).toContain('RA');
    await shoot(page, 'state-auto-checkout');

    // Issued before the birth date, before the chip cards, and the sex does not match the number: three warnings.
    h.scanners.get('gate')?.scan(cccd({ number: '001190054321', issued: '01011980', sex: 'Nam' }));
    await expect.poll(() => state(page)).toBe('warning');
    expect(await page.locator('#warnings li').count()).toBe(2);
    await shoot(page, 'state-accepted-several-warnings');
    await page.click('#lang');
    expect(await page.textContent('#verdict')).toBe('ACCEPTED · PLEASE CHECK');
    await shoot(page, 'state-accepted-warning-en');
    h.scanners.get('gate')?.scan('https://example.com/not-an-id');
    await expect.poll(() => state(page)).toBe('rejected');
    expect(await page.textContent('#verdict')).toBe('NOT ACCEPTED');
    await shoot(page, 'state-rejected-en');
  });
});
