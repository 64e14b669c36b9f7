/** The four ways `qrgate provision` runs: from flags, by questions, from a scanned QR, and making a QR or a key. */
import { systemClock } from '../core/clock.js';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Value } from 'typebox/value';
import { discoverScanners } from '../../drivers/discovery.js';
import type { DriverFactory } from '../../drivers/index.js';
import { UsageError } from './usage-error.js';
import { StoreSchema } from '../config/schema.js';
import { applyProvisioning, type ApplyOutcome } from '../provision/apply.js';
import { readConfigDocument } from '../provision/config-file.js';
import { lifetime, parseDuration } from '../provision/duration.js';
import { createEnrolmentKey, readEnrolmentKey } from '../provision/enrolment-key.js';
import { provisionFromScan } from '../provision/from-scan.js';
import { askSettings, langFromEnv, provisionTexts, type Current } from '../provision/interactive.js';
import { describeQr, terminalQr, writePng } from '../provision/make-qr.js';
import { encodeProvision, parseProvision } from '../provision/payload.js';
import { Prompter } from '../provision/prompter.js';
import { configuredScanners, entriesFromDiscovery, entryForPath, type PathScannerType } from '../provision/scanner-entry.js';
import type { Settings } from '../provision/settings.js';
import { UsedNonces } from '../provision/used-nonces.js';

/** Commander's parsed options (camel-cased flag names). */
export interface ProvisionFlags {
  config?: string;
  deviceId?: string;
  site?: string;
  mqttUrl?: string;
  mqttUsername?: string;
  mqttPasswordFile?: string;
  mqttPasswordStdin?: boolean;
  mqttCa?: string;
  mqttCert?: string;
  mqttKey?: string;
  scannerPath?: string;
  scannerType?: PathScannerType;
  scannerId: string;
  testScan?: boolean;
  check: boolean;
  checkTimeout: string;
  yes?: boolean;
  dryRun?: boolean;
  makeQr?: boolean;
  out?: string;
  text?: boolean;
  expires: string;
  makeKey?: boolean;
  keyFile?: string;
  fromScan?: boolean;
  timeout?: string;
  stateDir?: string;
  /** The language of the questions; default from the locale (LANG=vi_VN… → vi). */
  lang?: 'vi' | 'en';
}

const TEST_SCAN_MS = 30_000;
const say = (text: string): void => void process.stdout.write(text);
const warn = (text: string): void => void process.stderr.write(text);
const removable = (v: string | undefined): string | null | undefined => (v === undefined ? undefined : v === 'none' ? null : v);

function settingsFromFlags(f: ProvisionFlags): Settings {
  const s: Settings = {
    deviceId: f.deviceId,
    site: f.site,
    mqttUrl: removable(f.mqttUrl),
    mqttUsername: removable(f.mqttUsername),
    mqttPasswordFile: f.mqttPasswordFile,
    mqttCa: removable(f.mqttCa),
    mqttCert: removable(f.mqttCert),
    mqttKey: removable(f.mqttKey),
  };
  if (f.scannerPath !== undefined) s.scanner = entryForPath(f.scannerPath, f.scannerType, f.scannerId);
  return s;
}

function readPassword(f: ProvisionFlags, readStdin: () => string): string | undefined {
  if (!f.mqttPasswordStdin) return undefined;
  const password = readStdin().replace(/\r?\n$/, '');
  if (password === '' || password.includes('\n'))
    throw new UsageError('--mqtt-password-stdin: give the password as one non-empty line on standard input');
  return password;
}

function checkTimeoutMs(f: ProvisionFlags): number {
  const seconds = Number(f.checkTimeout);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 120) throw new UsageError('--check-timeout: give seconds between 1 and 120');
  return seconds * 1000;
}

function currentValues(raw: Record<string, unknown>): Current {
  const at = (section: string, key: string): string | undefined => {
    const v = (raw[section] as Record<string, unknown> | undefined)?.[key];
    return typeof v === 'string' ? v : undefined;
  };
  const first = configuredScanners(raw)[0];
  return {
    deviceId: at('device', 'id'),
    site: at('device', 'site'),
    mqttUrl: at('mqtt', 'url'),
    mqttUsername: at('mqtt', 'username'),
    mqttPasswordFile: at('mqtt', 'passwordFile'),
    mqttCa: at('mqtt', 'ca'),
    mqttCert: at('mqtt', 'cert'),
    mqttKey: at('mqtt', 'key'),
    scannerPath: first !== undefined && 'path' in first ? first.path : undefined,
  };
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export async function runProvision(
  f: ProvisionFlags,
  configFile: string,
  readStdin: () => string,
  driverFactory: DriverFactory,
): Promise<number> {
  const given = settingsFromFlags(f);
  const password = readPassword(f, readStdin);
  const raw = asRecord(readConfigDocument(configFile, systemClock.now()).doc.toJS());
  const current = currentValues(raw);
  const anyGiven = Object.values(given).some((v) => v !== undefined) || password !== undefined;
  const missing = [(given.deviceId ?? current.deviceId) ? null : '--device-id', (given.site ?? current.site) ? null : '--site'].filter(
    (m) => m !== null,
  );
  const interactive = process.stdin.isTTY === true && !f.mqttPasswordStdin && (!anyGiven || missing.length > 0);
  if (!interactive && missing.length > 0) throw new UsageError(`missing ${missing.join(' and ')} (no terminal to ask on)`);
  const base = {
    configFile,
    check: f.check,
    checkTimeoutMs: checkTimeoutMs(f),
    checkScanners: true,
    driverFactory,
    dryRun: f.dryRun === true,
    say,
    now: systemClock.now(),
  };
  if (!interactive) {
    const outcome = await applyProvisioning({
      ...base,
      settings: given,
      ...(password !== undefined ? { password } : {}),
      testScanMs: f.testScan ? TEST_SCAN_MS : null,
    });
    return exitFor(outcome);
  }
  const prompter = new Prompter();
  try {
    const lang = f.lang ?? langFromEnv(process.env);
    const answers = await askSettings(prompter, given, current, await discoverScanners(), lang);
    const outcome = await applyProvisioning({
      ...base,
      settings: answers.settings,
      ...(answers.password !== undefined ? { password: answers.password } : {}),
      testScanMs: answers.testScan || f.testScan ? TEST_SCAN_MS : null,
      ...(f.yes ? {} : { confirm: () => prompter.confirm(provisionTexts(lang).save, true) }),
    });
    return exitFor(outcome);
  } finally {
    prompter.close();
  }
}

function exitFor(outcome: ApplyOutcome): number {
  return outcome === 'declined' ? 1 : 0;
}

export async function runMakeQr(f: ProvisionFlags, keyFile: string, readStdin: () => string): Promise<void> {
  const missing = [f.site ? null : '--site', f.deviceId ? null : '--device-id', f.mqttUrl ? null : '--mqtt-url'].filter((m) => m !== null);
  if (missing.length > 0) throw new UsageError(`--make-qr needs ${missing.join(', ')}`);
  if (f.mqttPasswordStdin && f.mqttPasswordFile) throw new UsageError('give the password either on standard input or in a file, not both');
  const seconds = lifetime(f.expires);
  let secret = readPassword(f, readStdin);
  if (f.mqttPasswordFile !== undefined) {
    try {
      secret = readFileSync(f.mqttPasswordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new UsageError(
        `--mqtt-password-file: cannot read ${f.mqttPasswordFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
  }
  const key = readEnrolmentKey(keyFile);
  const made = encodeProvision(
    {
      site: f.site as string,
      device: f.deviceId as string,
      url: f.mqttUrl as string,
      ...(f.mqttUsername ? { username: f.mqttUsername } : {}),
      ...(secret ? { secret } : {}),
    },
    key,
    systemClock.now(),
    seconds,
  );
  parseProvision(made.text, key); // the kiosk's own check, so a malformed site or URL is caught here, not at the gate
  if (f.out !== undefined) await writePng(f.out, made.text);
  if (f.text) say(`${made.text}\n`);
  else say(await terminalQr(made.text));
  const report = `${describeQr(made, key)}${f.out !== undefined ? `  PNG:      ${f.out} (mode 0600)\n` : ''}`;
  if (f.text) warn(report);
  else say(report);
}

export function runMakeKey(keyFile: string): void {
  const id = createEnrolmentKey(keyFile);
  say(
    `Created enrolment key ${keyFile} (key id ${id}, mode 0600).\nInstall the same file on each kiosk as /etc/qrgate/enrolment.key (owner root, mode 0600); QRs made with it are accepted only there.\n`,
  );
}

export async function runFromScan(f: ProvisionFlags, configFile: string, keyFile: string, driverFactory: DriverFactory): Promise<void> {
  const key = readEnrolmentKey(keyFile);
  const raw = asRecord(readConfigDocument(configFile, systemClock.now()).doc.toJS());
  const store = Value.Default(StoreSchema, structuredClone(asRecord(raw.store))) as { path: string };
  const stateDir = f.stateDir ?? dirname(store.path);
  const timeoutMs = f.timeout === undefined ? null : parseDuration(f.timeout);
  if (timeoutMs === null && f.timeout !== undefined) throw new UsageError('--timeout: give a duration such as 90s, 10m or 2h');
  const configured = configuredScanners(raw);
  const scanners =
    f.scannerPath !== undefined
      ? [entryForPath(f.scannerPath, f.scannerType, f.scannerId)]
      : configured.length > 0
        ? configured
        : entriesFromDiscovery(await discoverScanners());
  await provisionFromScan({
    configFile,
    key,
    nonces: new UsedNonces(stateDir),
    scanners,
    driverFactory,
    addScanner: configured.length === 0,
    timeoutMs: timeoutMs === null ? null : timeoutMs * 1000,
    check: f.check,
    checkTimeoutMs: checkTimeoutMs(f),
    dryRun: f.dryRun === true,
    say,
    warn,
    clock: systemClock,
  });
}
