/**
 * node-hid, loaded only when a HID scanner is configured. Its native part needs libusb-1.0 and libudev at load
 * time; without them only the HID scanners fail, with the Debian package to install, and the rest of the daemon
 * (serial, evdev) runs unaffected.
 */
import { createRequire } from 'node:module';
import type * as NodeHid from 'node-hid';
import type { Device } from 'node-hid';

/** The part of node-hid the driver uses (also the seam tests fill with a fake). */
export interface HidDevice {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  removeAllListeners(): unknown;
  close(): Promise<void>;
}

export interface HidModule {
  devicesAsync(): Promise<Device[]>;
  open(path: string): Promise<HidDevice>;
}

export type HidLoadResult = { readonly ok: true; readonly hid: HidModule } | { readonly ok: false; readonly detail: string };

export type HidLoader = () => Promise<HidLoadResult>;

export function missingPackageHint(message: string): string {
  if (/libusb/i.test(message)) return "install the Debian package 'libusb-1.0-0' (apt-get install libusb-1.0-0)";
  if (/libudev/i.test(message)) return "install the Debian package 'libudev1' (apt-get install libudev1)";
  if (/Cannot find (module|package)/i.test(message)) return "node-hid is not installed: run 'npm ci' in the qrgate folder";
  return "install the Debian packages 'libusb-1.0-0' and 'libudev1', then reinstall qrgate's dependencies (npm ci)";
}

export const loadNodeHid: HidLoader = async () => {
  try {
    // require(), not import(): the installed CLI is a classic script run from V8's code cache (bin/load-bundle.js),
    // where import() always rejects on Node 20; node-hid is CommonJS either way.
    const mod = createRequire(import.meta.url)('node-hid') as typeof NodeHid;
    // The native binding loads on first use; list devices now so a missing library shows here, not mid-scan.
    await mod.devicesAsync();
    return {
      ok: true,
      hid: {
        devicesAsync: () => mod.devicesAsync(),
        open: (path) => mod.HIDAsync.open(path),
      },
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, detail: `node-hid cannot load (${message}): ${missingPackageHint(message)}, then restart qrgate` };
  }
};
