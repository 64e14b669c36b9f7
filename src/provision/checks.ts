/** The checks run before anything is saved: referenced files exist, the broker accepts us, the scanners open. */
import { accessSync, constants } from 'node:fs';
import type { DriverFactory, ScannerEntry } from '../../drivers/index.js';
import { describeCode } from '../core/codes.js';
import type { Config } from '../config/schema.js';
import { TimeZone } from '../core/zone.js';
import { checkBroker } from './broker-check.js';
import { ProvisionError } from './errors.js';
import { checkScanner } from './scanner-check.js';

export interface CheckOptions {
  readonly timeoutMs: number;
  /** Scanners to open; null: skip (the scanner just delivered the provisioning QR). */
  readonly scanners: readonly ScannerEntry[] | null;
  readonly testScanMs: number | null;
  /** Opens a scanner for the check: the CLI passes the daemon's `createDriver`. */
  readonly driverFactory: DriverFactory;
  readonly say: (line: string) => void;
}

/** Files the config points at must exist; the password file may be about to be written. */
export function checkReferencedFiles(config: Config, passwordPending: boolean): void {
  const files: Array<[string, string | undefined]> = [
    ['mqtt.passwordFile', passwordPending ? undefined : config.mqtt.passwordFile],
    ['mqtt.ca', config.mqtt.ca],
    ['mqtt.cert', config.mqtt.cert],
    ['mqtt.key', config.mqtt.key],
  ];
  for (const [key, file] of files) {
    if (file === undefined) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (err) {
      throw new ProvisionError('E_PROVISION_CONFIG', `${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  if ((config.mqtt.cert === undefined) !== (config.mqtt.key === undefined)) {
    throw new ProvisionError('E_PROVISION_CONFIG', 'mqtt.cert and mqtt.key go together: give both or neither');
  }
}

export async function runChecks(config: Config, password: string | undefined, options: CheckOptions): Promise<void> {
  const broker = await checkBroker(config, password, options.timeoutMs);
  if (!broker.ok) {
    throw new ProvisionError(
      'E_PROVISION_CHECK',
      `broker check failed: ${broker.code}: ${describeCode(broker.code, 'en')} (${broker.detail})`,
      broker.code,
    );
  }
  options.say(`  ✓ broker: ${broker.detail}`);
  if (options.scanners === null) return;
  if (options.scanners.length === 0) options.say('  ! no scanner configured: the kiosk will record nothing until one is added');
  const zone = new TimeZone(config.clock.timeZone);
  for (const entry of options.scanners) {
    const result = await checkScanner(entry, options.driverFactory, options.testScanMs, (line) => options.say(`  … ${line}`), zone);
    if (!result.ok) {
      throw new ProvisionError('E_PROVISION_CHECK', `scanner check failed: ${result.code}: ${result.detail}`, result.code);
    }
    options.say(`  ✓ scanner ${entry.id}: ${result.detail}`);
  }
}
