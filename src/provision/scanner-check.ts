/**
 * Opens a scanner with the driver the daemon will use and, when asked, waits for one scan. The scan is decoded only
 * to tell the technician what it was (a format name or a code); its content is never printed or recorded.
 */
import type { Code } from '../core/codes.js';
import { systemClock } from '../core/clock.js';
import type { TimeZone } from '../core/zone.js';
import type { DriverFactory, Frame, ScannerEntry, ScannerStateEvent } from '../../drivers/index.js';
import { decodeScan } from '../decode/index.js';

export type ScannerCheck =
  { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly code: Code; readonly detail: string };

function describe(entry: ScannerEntry): string {
  return `${entry.type} scanner "${entry.id}"${'path' in entry && entry.path ? ` at ${entry.path}` : ''}`;
}

export async function checkScanner(
  entry: ScannerEntry,
  createDriver: DriverFactory,
  testScanMs: number | null,
  onWaiting: (msg: string) => void,
  /** The kiosk's zone (clock.timeZone of the config being written), to read the test scan as the daemon will. */
  zone: TimeZone,
): Promise<ScannerCheck> {
  const driver = createDriver(entry);
  let lastState: ScannerStateEvent | null = null;
  driver.on('state', (s) => (lastState = s));
  try {
    await driver.start();
    if (driver.state !== 'connected') {
      const s = lastState as ScannerStateEvent | null;
      const code = s !== null && s.state === 'error' ? s.code : 'E_PROVISION_SCANNER';
      return { ok: false, code, detail: `${describe(entry)} cannot be opened${s ? `: ${s.detail}` : ''}` };
    }
    if (testScanMs === null) return { ok: true, detail: `${describe(entry)} opened` };
    onWaiting(`Scan any QR with ${describe(entry)} (waiting ${Math.round(testScanMs / 1000)} s)…`);
    const frame = await new Promise<Frame | null>((resolve) => {
      // A technician at a terminal has this long in real time to scan: a wall-clock wait by design.
      const timer = systemClock.setTimeout(() => resolve(null), testScanMs);
      driver.on('frame', (f) => {
        systemClock.clearTimeout(timer);
        resolve(f);
      });
    });
    if (frame === null)
      return {
        ok: false,
        code: 'E_PROVISION_SCANNER',
        detail: `no scan from ${describe(entry)} within ${Math.round(testScanMs / 1000)} s`,
      };
    const result = decodeScan(frame.bytes, frame.receivedAt, { utcOffsetMinutes: zone.offsetMinutes(frame.receivedAt) });
    return {
      ok: true,
      detail: `test scan received (${frame.bytes.length} bytes, ${result.ok ? `read as ${result.format}` : `not an identity: ${result.code}`})`,
    };
  } finally {
    await driver.stop();
  }
}
