/**
 * The questions a technician at a keyboard answers. Each question shows what the config says now (Enter keeps it);
 * values given as flags are not asked again. Answers are checked as they are typed, so a mistake is fixed on the
 * spot rather than after the whole run.
 */
import { accessSync, constants } from 'node:fs';
import type { ScannerCandidate } from '../../drivers/discovery.js';
import type { Prompter } from './prompter.js';
import { DEFAULT_SCANNER_ID, entryForPath } from './scanner-entry.js';
import type { Settings } from './settings.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const BROKER_URL = /^(mqtts?|wss?|tcp|ssl):\/\/[^/\s]+/;

export interface Current {
  readonly deviceId?: string;
  readonly site?: string;
  readonly mqttUrl?: string;
  readonly mqttUsername?: string;
  readonly mqttPasswordFile?: string;
  readonly mqttCa?: string;
  readonly mqttCert?: string;
  readonly mqttKey?: string;
  readonly scannerPath?: string;
}

export interface Answers {
  readonly settings: Settings;
  readonly password?: string;
  readonly testScan: boolean;
}

const name = (what: string) => (v: string) => (NAME.test(v) ? null : `${what}: letters, digits, "_", "-", "." (up to 64), starting with a letter or digit`);
const NONE = new Set(['', '-', 'none']);
const readable = (v: string): string | null => {
  if (NONE.has(v)) return null;
  try {
    accessSync(v, constants.R_OK);
    return null;
  } catch {
    return `cannot read ${v}`;
  }
};
const orNull = (v: string): string | null => (NONE.has(v) ? null : v);

function label(c: ScannerCandidate): string {
  const model = c.known ? `${c.known.vendor}${c.known.model ? ` ${c.known.model}` : ''}` : [c.manufacturer, c.product].filter(Boolean).join(' ') || 'unknown model';
  return `${c.stablePath ?? c.devPath}  (${model}, ${c.driver}${c.likelyScanner ? '' : ', probably not a scanner'})`;
}

async function askScanner(p: Prompter, current: Current, found: readonly ScannerCandidate[]): Promise<Settings['scanner']> {
  const sorted = [...found].sort((a, b) => Number(b.likelyScanner) - Number(a.likelyScanner));
  if (sorted.length === 0) p.say('No scanner found (see `qrgate scanners` for hints).\n');
  else p.say(`Scanners found:\n${sorted.map((c, i) => `  ${i + 1}) ${label(c)}`).join('\n')}\n`);
  const byDefault = current.scannerPath ?? (sorted[0]?.likelyScanner ? '1' : '');
  const answer = await p.ask('Scanner: a number from the list, a device path, or "-" to leave the scanners as they are', {
    current: byDefault,
    check: (v) => (NONE.has(v) || /^\d+$/.test(v) ? (/^\d+$/.test(v) && !sorted[Number(v) - 1] ? 'no such number in the list' : null) : v.startsWith('/') ? null : 'give a number, a path starting with /, or -'),
  });
  if (NONE.has(answer) || answer === current.scannerPath) return undefined;
  const chosen = /^\d+$/.test(answer) ? sorted[Number(answer) - 1] : undefined;
  return chosen ? { id: DEFAULT_SCANNER_ID, type: chosen.driver, path: chosen.stablePath ?? chosen.devPath } : entryForPath(answer, undefined);
}

export async function askSettings(p: Prompter, given: Settings, current: Current, found: readonly ScannerCandidate[]): Promise<Answers> {
  const s: Settings = { ...given };
  let password: string | undefined;
  p.say('Provisioning this kiosk. Press Enter to keep the value in [brackets].\n');
  s.deviceId ??= await p.ask('Device id (this kiosk’s name, e.g. cong-1)', { current: current.deviceId, check: name('device id') });
  s.site ??= await p.ask('Site (the office or building, e.g. hanoi-hq)', { current: current.site, check: name('site') });
  if (s.mqttUrl === undefined) {
    const url = await p.ask('Central broker URL, e.g. mqtts://broker.example.gov.vn:8883 ("-" for none: record on this kiosk only)', {
      current: current.mqttUrl,
      check: (v) => (NONE.has(v) || BROKER_URL.test(v) ? null : 'must start with mqtt://, mqtts://, ws://, wss://, tcp:// or ssl://'),
    });
    s.mqttUrl = orNull(url);
  }
  if (s.mqttUrl !== null) {
    if (s.mqttUsername === undefined) s.mqttUsername = orNull(await p.ask('Broker user name ("-" for none)', { current: current.mqttUsername }));
    if (s.mqttUsername === null) s.mqttPasswordFile ??= null;
    if (s.mqttUsername !== null && s.mqttPasswordFile === undefined) {
      const typed = await p.askSecret(`Broker password (not shown${current.mqttPasswordFile ? '; Enter keeps the saved one' : ''})`);
      if (typed !== null) password = typed;
    }
    const url = s.mqttUrl ?? current.mqttUrl ?? '';
    if (/^(mqtts|ssl|wss):/.test(url)) {
      if (s.mqttCa === undefined) s.mqttCa = orNull(await p.ask('CA certificate file of the broker ("-": the system CAs)', { current: current.mqttCa, check: readable }));
      if (s.mqttCert === undefined) s.mqttCert = orNull(await p.ask('Client certificate file ("-" for none)', { current: current.mqttCert, check: readable }));
      if (s.mqttCert !== null && s.mqttKey === undefined) s.mqttKey = orNull(await p.ask('Client key file', { current: current.mqttKey, check: readable }));
    }
  }
  s.scanner ??= await askScanner(p, current, found);
  const testScan = await p.confirm('Test the scanner with a scan before saving?', false);
  return { settings: s, ...(password !== undefined ? { password } : {}), testScan };
}
