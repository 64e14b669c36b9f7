/** The HID driver with node-hid replaced by a fake, and the real lazy loader's two honest outcomes. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createDriver } from '../../drivers/index.js';
import { HidDriver } from '../../drivers/hid/hid-driver.js';
import { loadNodeHid, missingPackageHint, type HidDevice, type HidLoader } from '../../drivers/hid/load-node-hid.js';
import { posReports, wedgeReports } from '../fixtures/hid-reports.js';
import { Recorder } from './helpers/events.js';

const CCCD = '001190012345|012345678|Nguyễn Thị Mẫu|15031990|Nữ|Số 1 Đường Thử Nghiệm|20042021';

function fakeHid(devices: Array<{ path: string; vendorId: number; productId: number; usagePage?: number }>) {
  const opened: Array<EventEmitter & HidDevice> = [];
  const loader: HidLoader = () =>
    Promise.resolve({
      ok: true,
      hid: {
        devicesAsync: () => Promise.resolve(devices.map((d) => ({ ...d, release: 1, interface: 0 }))),
        open: () => {
          const dev = Object.assign(new EventEmitter(), { close: () => Promise.resolve() });
          opened.push(dev);
          return Promise.resolve(dev);
        },
      },
    });
  return { loader, opened };
}

describe('HID driver', () => {
  it('reads HID-POS reports from the interface found by vendor/product id, with the AIM id on the frame', async () => {
    const { loader, opened } = fakeHid([
      { path: '/dev/hidraw3', vendorId: 0x05e0, productId: 0x1300, usagePage: 0x01 },
      { path: '/dev/hidraw4', vendorId: 0x05e0, productId: 0x1300, usagePage: 0x8c },
    ]);
    const driver = new HidDriver({ id: 'pos', type: 'hid', match: { vendorId: '05e0', productId: '1300' } }, { loadHid: loader });
    const rec = new Recorder(driver);
    await driver.start();
    expect(driver.state).toBe('connected');
    expect(rec.states[0]?.detail).toContain('/dev/hidraw4');
    for (const r of posReports(Buffer.from(CCCD))) opened[0]!.emit('data', Buffer.from(r));
    expect(rec.texts()).toEqual([CCCD]);
    expect(rec.frames[0]?.aim).toBe(']Q1');
    opened[0]!.emit('error', new Error('could not read from HID device'));
    expect(driver.state).toBe('disconnected');
    await driver.stop();
  });

  it('reads boot-keyboard reports (auto format) and ends the scan on Enter', async () => {
    const { loader, opened } = fakeHid([]);
    const driver = new HidDriver({ id: 'kb', type: 'hid', path: process.execPath }, { loadHid: loader });
    const rec = new Recorder(driver);
    await driver.start();
    for (const r of wedgeReports('Trần Văn Thử')) opened[0]!.emit('data', Buffer.from(r));
    expect(rec.texts()).toEqual(['Trần Văn Thử']);
    await driver.stop();
  });

  it('without libusb: error E_HID_UNAVAILABLE naming the Debian package; serial scanners are unaffected', async () => {
    const missing: HidLoader = () =>
      Promise.resolve({
        ok: false,
        detail: `node-hid cannot load (libusb-1.0.so.0: cannot open shared object file): ${missingPackageHint('libusb-1.0.so.0')}`,
      });
    const hid = createDriver({ id: 'h', type: 'hid', path: '/dev/hidraw0' }, { loadHid: missing, pollMs: 60_000 });
    const rec = new Recorder(hid);
    await hid.start();
    expect(hid.state).toBe('error');
    expect(rec.codes()).toEqual(['E_HID_UNAVAILABLE']);
    expect(rec.states[0]?.detail).toContain('libusb-1.0-0');
    await hid.stop();
    const serial = createDriver({ id: 's', type: 'serial', path: '/nonexistent/ttyACM9' }, { pollMs: 60_000 });
    await serial.start();
    expect(serial.state).toBe('disconnected');
    await serial.stop();
  });

  it('a matched device with no HID-POS or keyboard interface is E_HID_FORMAT', async () => {
    const { loader } = fakeHid([{ path: '/dev/hidraw5', vendorId: 0x0c2e, productId: 0x0001, usagePage: 0xff00 }]);
    const driver = new HidDriver(
      { id: 'x', type: 'hid', match: { vendorId: '0c2e', productId: '0001' } },
      { loadHid: loader, pollMs: 60_000 },
    );
    const rec = new Recorder(driver);
    await driver.start();
    expect(rec.codes()).toEqual(['E_HID_FORMAT']);
    await driver.stop();
  });

  it('the real lazy loader either loads node-hid or says which package is missing', async () => {
    const result = await loadNodeHid();
    if (!result.ok) expect(result.detail).toMatch(/libusb-1\.0-0|libudev1|npm ci/);
    else expect(typeof result.hid.open).toBe('function');
  });

  it('names libudev1 when that is the missing library', () => {
    expect(missingPackageHint('libudev.so.1: cannot open shared object file')).toContain('libudev1');
  });
});
