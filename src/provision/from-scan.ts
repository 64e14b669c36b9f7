/**
 * Scan-to-provision: the kiosk listens on its scanners for a provisioning QR, so a technician with no keyboard sets
 * it up by showing a QR made on a laptop. Anything else scanned is ignored with a message and never recorded. A
 * refused QR (expired, used, forged) or a failed broker check leaves the kiosk waiting for the next scan.
 */
import type { Clock } from '../core/clock.js';
import type { DriverFactory, Frame, ScannerDriver, ScannerEntry } from '../../drivers/index.js';
import { describeCode } from '../core/codes.js';
import { applyProvisioning } from './apply.js';
import { ProvisionError } from './errors.js';
import { checkFresh, expiryText, isProvisionText, keyId, parseProvision, type ProvisionClaims } from './payload.js';
import type { UsedNonces } from './used-nonces.js';

export interface FromScanOptions {
  readonly configFile: string;
  readonly key: Buffer;
  readonly nonces: UsedNonces;
  readonly scanners: readonly ScannerEntry[];
  /** Opens each scanner (the CLI passes `createDriver`). */
  readonly driverFactory: DriverFactory;
  /** Add the scanner that read the QR to the config (the config has none yet). */
  readonly addScanner: boolean;
  readonly timeoutMs: number | null;
  readonly check: boolean;
  readonly checkTimeoutMs: number;
  readonly dryRun: boolean;
  readonly say: (text: string) => void;
  readonly warn: (text: string) => void;
  readonly clock: Clock;
}

interface Accepted {
  readonly claims: ProvisionClaims;
  readonly entry: ScannerEntry;
}

function valid(frame: Frame, options: FromScanOptions): ProvisionClaims | null {
  const text = Buffer.from(frame.bytes).toString('utf8');
  if (!isProvisionText(text)) {
    options.say(`Ignored a scan on ${frame.scannerId}: not a provisioning QR (nothing was recorded).\n`);
    return null;
  }
  try {
    const claims = parseProvision(text, options.key);
    const { clockBehind } = checkFresh(claims, options.clock.now());
    options.nonces.assertUnused(claims);
    if (clockBehind)
      options.warn(
        'Warning: this kiosk’s clock is behind the QR’s issue time (no network time yet?): its expiry cannot be checked; single use still is.\n',
      );
    return claims;
  } catch (err) {
    if (!(err instanceof ProvisionError)) throw err;
    options.warn(`${err.code}: ${err.message}\n  ${describeCode(err.code, 'vi')}\n`);
    return null;
  }
}

/** Opens the scanners and resolves with the first valid provisioning QR, or null at the deadline. */
async function waitForQr(options: FromScanOptions, deadline: number | null): Promise<Accepted | null> {
  const drivers: ScannerDriver[] = options.scanners.map((entry) => options.driverFactory(entry));
  try {
    const found = new Promise<Accepted | null>((resolve) => {
      if (deadline !== null) options.clock.setTimeout(() => resolve(null), Math.max(0, deadline - options.clock.now().getTime())).unref();
      drivers.forEach((driver, i) => {
        driver.on('state', (s) => {
          if (s.state !== 'connected')
            options.warn(`Scanner ${s.scannerId}: ${s.state}${s.state === 'error' ? ` ${s.code}` : ''} (${s.detail})\n`);
        });
        driver.on('frame', (frame) => {
          const claims = valid(frame, options);
          if (claims !== null) resolve({ claims, entry: options.scanners[i] as ScannerEntry });
        });
      });
    });
    await Promise.all(drivers.map((d) => d.start()));
    const open = drivers.filter((d) => d.state === 'connected').map((d) => d.id);
    if (open.length === 0) options.warn('No scanner is connected yet; waiting for one to be plugged in.\n');
    options.say(
      `Provisioning mode (enrolment key ${keyId(options.key)}): scan the provisioning QR${open.length > 0 ? ` with ${open.join(', ')}` : ''}.\n`,
    );
    return await found;
  } finally {
    // The scanner is closed before the checks, which open it again, and before the daemon is restarted.
    await Promise.all(drivers.map((d) => d.stop()));
  }
}

export async function provisionFromScan(options: FromScanOptions): Promise<void> {
  if (options.scanners.length === 0) {
    throw new ProvisionError(
      'E_PROVISION_SCANNER',
      'no scanner to listen on: none is configured or found (give --scanner-path; `qrgate scanners` lists what is plugged in)',
    );
  }
  const deadline = options.timeoutMs === null ? null : options.clock.now().getTime() + options.timeoutMs;
  for (;;) {
    const accepted = await waitForQr(options, deadline);
    if (accepted === null) throw new ProvisionError('E_PROVISION_TIMEOUT', 'no valid provisioning QR was scanned in time');
    const { claims, entry } = accepted;
    options.say(
      `Provisioning QR accepted: device ${claims.device} at site ${claims.site}, broker ${claims.url}, valid until ${expiryText(claims.exp)}.\n`,
    );
    try {
      await applyProvisioning({
        configFile: options.configFile,
        settings: {
          deviceId: claims.device,
          site: claims.site,
          mqttUrl: claims.url,
          mqttUsername: claims.username ?? null,
          ...(claims.secret === undefined ? { mqttPasswordFile: null } : {}),
          ...(options.addScanner ? { scanner: entry } : {}),
        },
        ...(claims.secret === undefined ? {} : { password: claims.secret }),
        check: options.check,
        checkTimeoutMs: options.checkTimeoutMs,
        checkScanners: false,
        testScanMs: null,
        driverFactory: options.driverFactory,
        dryRun: options.dryRun,
        say: options.say,
        now: options.clock.now(),
      });
    } catch (err) {
      if (!(err instanceof ProvisionError) || err.code !== 'E_PROVISION_CHECK') throw err;
      options.warn(`${err.code}: ${err.message}\nFix the network or the broker, then scan the same QR again (it was not used up).\n`);
      continue;
    }
    if (!options.dryRun) options.nonces.remember(claims);
    return;
  }
}
