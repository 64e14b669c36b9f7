/** Scanner entries from a path given by the technician, from an existing config, or from discovery. */
import { Value } from 'typebox/value';
import { ScannerEntrySchema, type ScannerEntry } from '../../drivers/config.js';
import type { ScannerCandidate } from '../../drivers/discovery.js';

export const SCANNER_TYPES = ['serial', 'hid', 'evdev'] as const;
export type PathScannerType = (typeof SCANNER_TYPES)[number];
export const DEFAULT_SCANNER_ID = 'gate';

/** The driver a device path needs, from its name: hidraw nodes, input event nodes, otherwise a serial port. */
export function typeForPath(path: string): PathScannerType {
  if (/hidraw/.test(path)) return 'hid';
  if (/\/input\/|event\d*$|-event-kbd$/.test(path)) return 'evdev';
  return 'serial';
}

export function entryForPath(path: string, type: PathScannerType | undefined, id = DEFAULT_SCANNER_ID): ScannerEntry {
  return { id, type: type ?? typeForPath(path), path };
}

/** Valid scanner entries of a config that may itself be incomplete (no device yet). */
export function configuredScanners(raw: unknown): ScannerEntry[] {
  const list = typeof raw === 'object' && raw !== null ? (raw as { scanners?: unknown }).scanners : undefined;
  return Array.isArray(list) ? list.filter((e): e is ScannerEntry => Value.Check(ScannerEntrySchema, e)) : [];
}

/**
 * Discovered devices worth opening to wait for a QR: likely scanners and every serial port (a kiosk's USB COM
 * scanner often reports a generic name). Plain keyboards are left alone: grabbing one would lock the technician out.
 */
export function entriesFromDiscovery(found: readonly ScannerCandidate[]): ScannerEntry[] {
  return found
    .filter((c) => c.likelyScanner || c.kind === 'serial')
    .map((c, i) => ({
      id: i === 0 ? DEFAULT_SCANNER_ID : `${DEFAULT_SCANNER_ID}-${i + 1}`,
      type: c.driver,
      path: c.stablePath ?? c.devPath,
    }));
}
