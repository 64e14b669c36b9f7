import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverScanners, findByMatch } from '../../drivers/discovery.js';
import { topLevelUsage } from '../../drivers/hid-descriptor.js';
import { identifyUsb } from '../../drivers/usb-ids.js';
import { buildFakeTree } from '../fixtures/fake-sysfs.js';

const tree = buildFakeTree();
const empty = buildFakeTree({ empty: true });
afterAll(() => {
  rmSync(tree.root, { recursive: true, force: true });
  rmSync(empty.root, { recursive: true, force: true });
});

describe('discovery over a fake /sys and /dev', () => {
  it('lists USB serial ports, hidraw nodes and USB keyboards, and nothing else', async () => {
    const found = await discoverScanners({ sysfs: tree.sysfs, dev: tree.dev });
    expect(found.map((c) => `${c.kind}:${c.name}`)).toEqual([
      'serial:ttyACM0',
      'serial:ttyUSB0',
      'hidraw:hidraw0',
      'hidraw:hidraw1',
      'input:event2',
      'input:event3',
    ]);
  });

  it('gives ids, stable names, the fitting driver and the model from the table', async () => {
    const found = await discoverScanners({ sysfs: tree.sysfs, dev: tree.dev });
    const by = (name: string) => found.find((c) => c.name === name)!;
    expect(by('ttyACM0')).toMatchObject({
      vendorId: '0c2e',
      productId: '0cd4',
      serialNumber: 'SIM0001',
      driver: 'serial',
      likelyScanner: true,
      stablePath: `${tree.dev}/serial/by-id/usb-Synthetic_Scanning_Imager_1900_CDC_SIM0001-if00`,
    });
    expect(by('ttyACM0').known?.vendor).toMatch(/Honeywell/);
    expect(by('ttyUSB0')).toMatchObject({ vendorId: '1a86', productId: '7523', stablePath: null, driver: 'serial' });
    expect(by('ttyUSB0').known).toEqual({ vendor: 'WCH (QinHeng)', model: 'CH340', role: 'usb-serial-bridge' });
    expect(by('hidraw0')).toMatchObject({
      driver: 'hid',
      hidFormat: 'pos',
      likelyScanner: true,
      stablePath: `${tree.dev}/qrgate/hidraw-05e0-1300-if00`,
    });
    expect(by('hidraw1')).toMatchObject({ hidFormat: 'keyboard', likelyScanner: false, vendorId: '046d' });
    expect(by('event3')).toMatchObject({ driver: 'evdev', likelyScanner: true, devPath: `${tree.dev}/input/event3` });
    expect(by('event3').stablePath).toMatch(/by-id\/usb-Synthetic_Symbolics_Wedge_Imager-event-kbd$/);
    expect(by('event2').likelyScanner).toBe(false);
  });

  it('finds a device by USB ids (and serial), preferring its stable name', async () => {
    const roots = { sysfs: tree.sysfs, dev: tree.dev };
    expect((await findByMatch({ vendorId: '0C2E', productId: '0cd4' }, 'serial', roots))?.stablePath).toMatch(/by-id/);
    expect(await findByMatch({ vendorId: '0c2e', productId: '0cd4', serialNumber: 'OTHER' }, 'serial', roots)).toBeNull();
    expect(await findByMatch({ vendorId: 'ffff', productId: '0001' }, 'serial', roots)).toBeNull();
  });

  it('finds nothing in a tree with no devices, and nothing when the roots do not exist', async () => {
    expect(await discoverScanners({ sysfs: empty.sysfs, dev: empty.dev })).toEqual([]);
    expect(await discoverScanners({ sysfs: '/nonexistent/sys', dev: '/nonexistent/dev' })).toEqual([]);
  });

  it('reads the top-level usage from report descriptors', () => {
    expect(topLevelUsage(Uint8Array.from([0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01]))).toEqual({ usagePage: 0x8c, usage: 2 });
    expect(topLevelUsage(Uint8Array.from([0x06, 0x8c, 0x00, 0x09, 0x02]))).toEqual({ usagePage: 0x8c, usage: 2 });
    expect(topLevelUsage(Uint8Array.from([0x05, 0x01, 0x09, 0x06]))).toEqual({ usagePage: 1, usage: 6 });
    expect(topLevelUsage(new Uint8Array())).toBeNull();
  });

  it('identifies known vendors case-insensitively and leaves unknown ones alone', () => {
    expect(identifyUsb('05E0', '0600')?.model).toMatch(/COM/);
    expect(identifyUsb('1eab', 'abcd')).toEqual({ vendor: 'Newland (Fujian Newland Computer)', model: null, role: 'scanner' });
    expect(identifyUsb('dead', 'beef')).toBeNull();
  });
});
