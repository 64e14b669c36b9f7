/**
 * Finds candidate scanners from sysfs and /dev: USB serial ports, hidraw nodes and USB keyboards (where
 * keyboard-mode scanners appear). Both roots are injectable so tests and `qrgate scanners` can read a fake tree;
 * QRGATE_SYSFS_ROOT / QRGATE_DEV_ROOT do the same for a whole process (a test and diagnostic knob).
 */
import { join } from 'node:path';
import { topLevelUsage, USAGE_KEYBOARD, USAGE_PAGE_GENERIC_DESKTOP, USAGE_PAGE_POS_SCANNER } from './hid-descriptor.js';
import { ancestorWith, linksIn, listDir, readAttr, readBytes, realOrNull } from './sysfs.js';
import { identifyUsb, type UsbIdentity } from './usb-ids.js';
import type { UsbMatch } from './config.js';

export interface DiscoveryRoots {
  readonly sysfs: string;
  readonly dev: string;
}

export function defaultRoots(env: NodeJS.ProcessEnv = process.env): DiscoveryRoots {
  return { sysfs: env.QRGATE_SYSFS_ROOT || '/sys', dev: env.QRGATE_DEV_ROOT || '/dev' };
}

export type CandidateKind = 'serial' | 'hidraw' | 'input';
export type FittingDriver = 'serial' | 'hid' | 'evdev';

export interface ScannerCandidate {
  readonly kind: CandidateKind;
  /** The kernel name, e.g. ttyACM0, hidraw1, event5. */
  readonly name: string;
  readonly devPath: string;
  /** A name that survives replugs and reboots (by-id or /dev/qrgate link), or null if none exists. */
  readonly stablePath: string | null;
  readonly links: readonly string[];
  readonly vendorId: string | null;
  readonly productId: string | null;
  readonly serialNumber: string | null;
  readonly manufacturer: string | null;
  readonly product: string | null;
  readonly known: UsbIdentity | null;
  readonly driver: FittingDriver;
  /** hidraw only: 'pos' (usage page 0x8C), 'keyboard', or 'other'. */
  readonly hidFormat: 'pos' | 'keyboard' | 'other' | null;
  /** True when the vendor table or the device name says "scanner"; keyboards are listed too but marked false. */
  readonly likelyScanner: boolean;
  readonly note: string;
}

interface UsbAttrs {
  vendorId: string | null;
  productId: string | null;
  serialNumber: string | null;
  manufacturer: string | null;
  product: string | null;
}

const NO_USB: UsbAttrs = { vendorId: null, productId: null, serialNumber: null, manufacturer: null, product: null };
const SCANNER_NAME = /scan|barcode|bar code|reader|imager|honeywell|zebra|symbol|datalogic|newland|opticon|metrologic/i;

async function usbAttrsAbove(path: string, roots: DiscoveryRoots): Promise<UsbAttrs> {
  const usbDir = await ancestorWith(path, roots.sysfs, 'idVendor');
  if (usbDir === null) return NO_USB;
  return {
    vendorId: (await readAttr(join(usbDir, 'idVendor')))?.toLowerCase() ?? null,
    productId: (await readAttr(join(usbDir, 'idProduct')))?.toLowerCase() ?? null,
    serialNumber: await readAttr(join(usbDir, 'serial')),
    manufacturer: await readAttr(join(usbDir, 'manufacturer')),
    product: await readAttr(join(usbDir, 'product')),
  };
}

async function linkIndex(roots: DiscoveryRoots): Promise<Map<string, string[]>> {
  const index = new Map<string, string[]>();
  const dirs = ['qrgate', 'serial/by-id', 'input/by-id', 'serial/by-path', 'input/by-path'];
  for (const dir of dirs) {
    for (const [link, target] of await linksIn(join(roots.dev, dir))) {
      const list = index.get(target) ?? [];
      list.push(link);
      index.set(target, list);
    }
  }
  return index;
}

function isLikelyScanner(attrs: UsbAttrs, known: UsbIdentity | null, extraName: string | null): boolean {
  if (known?.role === 'scanner') return true;
  return SCANNER_NAME.test(`${attrs.manufacturer ?? ''} ${attrs.product ?? ''} ${extraName ?? ''}`);
}

function known(attrs: UsbAttrs): UsbIdentity | null {
  return attrs.vendorId && attrs.productId ? identifyUsb(attrs.vendorId, attrs.productId) : null;
}

async function serialCandidates(roots: DiscoveryRoots, links: Map<string, string[]>): Promise<ScannerCandidate[]> {
  const out: ScannerCandidate[] = [];
  for (const name of await listDir(join(roots.sysfs, 'class/tty'))) {
    const device = await realOrNull(join(roots.sysfs, 'class/tty', name, 'device'));
    if (device === null) continue;
    const attrs = await usbAttrsAbove(device, roots);
    // Built-in ttyS* ports exist on every PC whether or not anything is plugged in; only USB ports are candidates.
    if (attrs.vendorId === null) continue;
    const id = known(attrs);
    const nodeLinks = links.get(name) ?? [];
    out.push({
      kind: 'serial',
      name,
      devPath: join(roots.dev, name),
      stablePath: prefer(nodeLinks, ['/serial/by-id/', '/qrgate/']),
      links: nodeLinks,
      ...attrs,
      known: id,
      driver: 'serial',
      hidFormat: null,
      likelyScanner: isLikelyScanner(attrs, id, null) || id?.role === 'usb-serial-bridge',
      note:
        id?.role === 'usb-serial-bridge'
          ? `USB-serial cable (${id.vendor}${id.model ? ` ${id.model}` : ''}): an RS-232 scanner may be behind it; set baudRate to the scanner's`
          : 'USB COM (CDC-ACM): raw bytes, Vietnamese text arrives intact',
    });
  }
  return out;
}

async function hidrawCandidates(roots: DiscoveryRoots, links: Map<string, string[]>): Promise<ScannerCandidate[]> {
  const out: ScannerCandidate[] = [];
  for (const name of await listDir(join(roots.sysfs, 'class/hidraw'))) {
    const device = await realOrNull(join(roots.sysfs, 'class/hidraw', name, 'device'));
    if (device === null) continue;
    const attrs = await usbAttrsAbove(device, roots);
    const uevent = (await readAttr(join(device, 'uevent'))) ?? '';
    const hidName = /^HID_NAME=(.*)$/m.exec(uevent)?.[1] ?? null;
    const hidId = /^HID_ID=([0-9A-Fa-f]+):([0-9A-Fa-f]+):([0-9A-Fa-f]+)$/m.exec(uevent);
    if (attrs.vendorId === null && hidId) {
      attrs.vendorId = (hidId[2] ?? '').slice(-4).toLowerCase();
      attrs.productId = (hidId[3] ?? '').slice(-4).toLowerCase();
    }
    const descriptor = await readBytes(join(device, 'report_descriptor'));
    const usage = descriptor ? topLevelUsage(descriptor) : null;
    const hidFormat =
      usage?.usagePage === USAGE_PAGE_POS_SCANNER
        ? 'pos'
        : usage?.usagePage === USAGE_PAGE_GENERIC_DESKTOP && usage.usage === USAGE_KEYBOARD
          ? 'keyboard'
          : 'other';
    const id = known(attrs);
    const nodeLinks = links.get(name) ?? [];
    out.push({
      kind: 'hidraw',
      name,
      devPath: join(roots.dev, name),
      stablePath: prefer(nodeLinks, ['/qrgate/']),
      links: nodeLinks,
      ...attrs,
      product: attrs.product ?? hidName,
      known: id,
      driver: 'hid',
      hidFormat,
      likelyScanner: hidFormat === 'pos' || isLikelyScanner(attrs, id, hidName),
      note:
        hidFormat === 'pos'
          ? 'HID-POS (usage page 0x8C): whole scans with symbology id, Vietnamese text intact'
          : hidFormat === 'keyboard'
            ? 'keyboard reports: prefer the evdev entry for this device, or switch the scanner to HID-POS / USB COM'
            : 'not a scanner interface (other HID usage page)',
    });
  }
  return out;
}

function keyBitmapHas(bitmap: string, code: number): boolean {
  // sysfs prints the bitmap as hex words, most significant first, each one machine word (32 or 64 bits).
  const words = bitmap.trim().split(/\s+/).reverse();
  const wordBits = words.some((w) => w.length > 8) ? 64 : 32;
  const word = words[Math.floor(code / wordBits)];
  if (word === undefined) return false;
  return ((BigInt(`0x${word}`) >> BigInt(code % wordBits)) & 1n) === 1n;
}

const KEY_ENTER = 28;
const KEY_A = 30;

async function inputCandidates(roots: DiscoveryRoots, links: Map<string, string[]>): Promise<ScannerCandidate[]> {
  const out: ScannerCandidate[] = [];
  for (const name of await listDir(join(roots.sysfs, 'class/input'))) {
    if (!/^event\d+$/.test(name)) continue;
    const device = await realOrNull(join(roots.sysfs, 'class/input', name, 'device'));
    if (device === null) continue;
    if ((await readAttr(join(device, 'id/bustype'))) !== '0003') continue;
    const keys = (await readAttr(join(device, 'capabilities/key'))) ?? '';
    if (!keyBitmapHas(keys, KEY_ENTER) || !keyBitmapHas(keys, KEY_A)) continue;
    const attrs = await usbAttrsAbove(device, roots);
    if (attrs.vendorId === null) {
      attrs.vendorId = (await readAttr(join(device, 'id/vendor')))?.toLowerCase() ?? null;
      attrs.productId = (await readAttr(join(device, 'id/product')))?.toLowerCase() ?? null;
    }
    const inputName = await readAttr(join(device, 'name'));
    const id = known(attrs);
    const nodeLinks = links.get(name) ?? [];
    out.push({
      kind: 'input',
      name,
      devPath: join(roots.dev, 'input', name),
      stablePath: prefer(nodeLinks, ['/qrgate/', '/input/by-id/']),
      links: nodeLinks,
      ...attrs,
      product: attrs.product ?? inputName,
      known: id,
      driver: 'evdev',
      hidFormat: null,
      likelyScanner: isLikelyScanner(attrs, id, inputName),
      note: 'keyboard wedge: needs the udev rule that hides its keys from the console; Vietnamese only via Alt+numpad mode',
    });
  }
  return out;
}

function prefer(links: readonly string[], order: readonly string[]): string | null {
  for (const part of order) {
    const hit = links.find((l) => l.includes(part));
    if (hit) return hit;
  }
  return null;
}

export async function discoverScanners(roots: DiscoveryRoots = defaultRoots()): Promise<ScannerCandidate[]> {
  const links = await linkIndex(roots);
  return [...(await serialCandidates(roots, links)), ...(await hidrawCandidates(roots, links)), ...(await inputCandidates(roots, links))];
}

/** The device a `match` entry points to right now, preferring its stable name; null if it is not plugged in. */
export async function findByMatch(
  match: UsbMatch,
  kind: CandidateKind,
  roots: DiscoveryRoots = defaultRoots(),
  accept: (c: ScannerCandidate) => boolean = () => true,
): Promise<ScannerCandidate | null> {
  const all = await discoverScanners(roots);
  return (
    all.find(
      (c) =>
        c.kind === kind &&
        c.vendorId === match.vendorId.toLowerCase() &&
        c.productId === match.productId.toLowerCase() &&
        (match.serialNumber === undefined || c.serialNumber === match.serialNumber) &&
        accept(c),
    ) ?? null
  );
}
