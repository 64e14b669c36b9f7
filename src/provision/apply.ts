/**
 * One provisioning run, whatever asked for it (flags, questions, a scanned QR): edit the config document, validate
 * it, print the changes, check the broker and scanners, then save (password file first, since the config names
 * it). Nothing is written unless every check passed; secrets are never printed.
 */
import type { DriverFactory, ScannerEntry } from '../../drivers/index.js';
import { plaintextBeyondLoopback } from '../config/transport.js';
import { applySettings, renderChanges, type Change } from './config-edit.js';
import { readConfigDocument, saveConfig, validate } from './config-file.js';
import { checkReferencedFiles, runChecks } from './checks.js';
import { runningAsRoot, serviceIds, SERVICE_USER } from './ownership.js';
import { defaultPasswordFile, writePasswordFile } from './secret-file.js';
import type { Settings } from './settings.js';

export interface ApplyOptions {
  readonly configFile: string;
  readonly settings: Settings;
  /** A new broker password, to be written to the password file. */
  readonly password?: string;
  readonly check: boolean;
  readonly checkTimeoutMs: number;
  /** Scanners to check: 'configured' (all of the resulting config) or none (already proven by a scan). */
  readonly checkScanners: boolean;
  readonly testScanMs: number | null;
  /** Opens the scanners the checks test (the CLI passes `createDriver`). */
  readonly driverFactory: DriverFactory;
  readonly dryRun: boolean;
  readonly confirm?: () => Promise<boolean>;
  readonly say: (text: string) => void;
  readonly now: Date;
}

export type ApplyOutcome = 'saved' | 'unchanged' | 'dry-run' | 'declined';

function passwordChange(file: string, existed: boolean): Change {
  return { key: `mqtt password (in ${file})`, before: existed ? '(hidden)' : null, after: '(hidden, new)' };
}

export async function applyProvisioning(options: ApplyOptions): Promise<ApplyOutcome> {
  const { configFile, say } = options;
  const { doc, existed } = readConfigDocument(configFile, options.now);
  const settings: Settings = { ...options.settings };
  const hadPassword = doc.getIn(['mqtt', 'passwordFile']) !== undefined;
  if (options.password !== undefined && settings.mqttPasswordFile === undefined) {
    const current = doc.getIn(['mqtt', 'passwordFile']);
    settings.mqttPasswordFile = typeof current === 'string' ? current : defaultPasswordFile(configFile);
  }
  const changes = applySettings(doc, settings);
  const config = validate(doc, configFile);
  const passwordFile = config.mqtt.passwordFile;
  if (options.password !== undefined && passwordFile !== undefined) changes.push(passwordChange(passwordFile, hadPassword));
  checkReferencedFiles(config, options.password !== undefined);
  const plainHost = plaintextBeyondLoopback(config.mqtt.url);
  if (plainHost !== null)
    say(
      `WARNING: mqtt.allowPlaintext is set: check-ins and the broker password go to ${plainHost} unencrypted. Use mqtts:// unless this network is trusted.\n`,
    );

  say(`${existed ? 'Updating' : 'Creating'} ${configFile}${options.dryRun ? ' (dry run)' : ''}\n`);
  say(renderChanges(changes));
  if (options.check) {
    say('Checking before saving:\n');
    const scanners: readonly ScannerEntry[] | null = options.checkScanners ? config.scanners : null;
    await runChecks(config, options.password, {
      timeoutMs: options.checkTimeoutMs,
      scanners,
      testScanMs: options.testScanMs,
      driverFactory: options.driverFactory,
      say: (l) => say(`${l}\n`),
    });
  } else {
    say('Checks skipped (--no-check).\n');
  }
  if (options.dryRun) {
    say('Dry run: nothing was saved.\n');
    return 'dry-run';
  }
  if (changes.length === 0) {
    say('Nothing to save.\n');
    return 'unchanged';
  }
  if (options.confirm !== undefined && !(await options.confirm())) {
    say('Not saved.\n');
    return 'declined';
  }
  if (options.password !== undefined && passwordFile !== undefined) writePasswordFile(passwordFile, options.password);
  const { backup } = saveConfig(configFile, doc, existed, options.now);
  say(`Saved ${configFile}${backup !== null ? ` (previous version kept as ${backup})` : ''}.\n`);
  if (passwordFile !== undefined && !runningAsRoot() && serviceIds() !== null) {
    say(
      `Note: not run as root, so ${passwordFile} is not owned by the "${SERVICE_USER}" service user; the daemon may not be able to read it.\n`,
    );
  }
  say('Restart the daemon to use it: sudo systemctl restart qrgate\n');
  return 'saved';
}
