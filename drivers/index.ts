/**
 * The driver factory: one config entry → one driver. node-hid is imported by the HID driver only when it starts,
 * so a machine without libusb runs serial, evdev and simulated scanners untouched.
 */
import type { ScannerEntry } from './config.js';
import { EvdevDriver, type EvdevDriverDeps } from './evdev/evdev-driver.js';
import { HidDriver, type HidDriverDeps } from './hid/hid-driver.js';
import { SerialDriver, type SerialDriverDeps } from './serial/serial-driver.js';
import { SimulatedDriver, type SimulatedDriverDeps } from './simulated/simulated-driver.js';
import type { ScannerDriver } from '../src/core/scanner.js';

export type DriverDeps = SerialDriverDeps & HidDriverDeps & EvdevDriverDeps & SimulatedDriverDeps;

/** What a composition root hands to the parts that open scanners (the daemon, provisioning): `createDriver`, or a fake. */
export type DriverFactory = (entry: ScannerEntry) => ScannerDriver;

export function createDriver(entry: ScannerEntry, deps: DriverDeps = {}): ScannerDriver {
  switch (entry.type) {
    case 'serial':
      return new SerialDriver(entry, deps);
    case 'hid':
      return new HidDriver(entry, deps);
    case 'evdev':
      return new EvdevDriver(entry, deps);
    case 'simulated':
      return new SimulatedDriver(entry, deps);
  }
}

export type { Frame, ScannerDriver, ScannerState, ScannerStateEvent } from '../src/core/scanner.js';
export { DRIVER_CODES, describeDriverCode, driverCodes, type DriverCode } from '../src/core/codes.js';
export { ScannerEntrySchema, type ScannerEntry } from './config.js';
export { discoverScanners, defaultRoots, type ScannerCandidate, type DiscoveryRoots } from './discovery.js';
