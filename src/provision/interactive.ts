/**
 * The questions a technician at a keyboard answers. Each question shows what the config says now (Enter keeps it);
 * values given as flags are not asked again. Answers are checked as they are typed, so a mistake is fixed on the
 * spot rather than after the whole run.
 */
import { accessSync, constants } from 'node:fs';
import type { ScannerCandidate } from '../../drivers/discovery.js';
import type { Lang } from '../core/codes.js';
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

/** Every question and answer check, in the technician's language (`--lang`, or `vi` from a Vietnamese locale). */
const TEXTS = {
  en: {
    welcome: 'Provisioning this kiosk. Press Enter to keep the value in [brackets].\n',
    deviceId: 'Device id (this kiosk’s name, e.g. cong-1)',
    site: 'Site (the office or building, e.g. hanoi-hq)',
    nameRule: (what: string) => `${what}: letters, digits, "_", "-", "." (up to 64), starting with a letter or digit`,
    deviceIdWhat: 'device id',
    siteWhat: 'site',
    brokerUrl: 'Central broker URL, e.g. mqtts://broker.example.gov.vn:8883 ("-" for none: record on this kiosk only)',
    brokerUrlRule: 'must start with mqtt://, mqtts://, ws://, wss://, tcp:// or ssl://',
    username: 'Broker user name ("-" for none)',
    password: (saved: boolean) => `Broker password (not shown${saved ? '; Enter keeps the saved one' : ''})`,
    ca: 'CA certificate file of the broker ("-": the system CAs)',
    cert: 'Client certificate file ("-" for none)',
    key: 'Client key file',
    cannotRead: (f: string) => `cannot read ${f}`,
    noScanner: 'No scanner found (see `qrgate scanners` for hints).\n',
    scannersFound: 'Scanners found:',
    scanner: 'Scanner: a number from the list, a device path, or "-" to leave the scanners as they are',
    noSuchNumber: 'no such number in the list',
    scannerRule: 'give a number, a path starting with /, or -',
    unknownModel: 'unknown model',
    notScanner: 'probably not a scanner',
    testScan: 'Test the scanner with a scan before saving?',
    save: 'Save these changes?',
  },
  vi: {
    welcome: 'Cài đặt kiosk này. Nhấn Enter để giữ giá trị trong [ngoặc vuông].\n',
    deviceId: 'Mã kiosk (tên của kiosk này, ví dụ cong-1)',
    site: 'Địa điểm (cơ quan hoặc tòa nhà, ví dụ hanoi-hq)',
    nameRule: (what: string) => `${what}: chỉ gồm chữ không dấu, chữ số, "_", "-", "." (tối đa 64), bắt đầu bằng chữ hoặc số`,
    deviceIdWhat: 'mã kiosk',
    siteWhat: 'địa điểm',
    brokerUrl: 'Địa chỉ máy chủ trung tâm, ví dụ mqtts://broker.example.gov.vn:8883 ("-" nếu không có: chỉ ghi nhận tại kiosk)',
    brokerUrlRule: 'phải bắt đầu bằng mqtt://, mqtts://, ws://, wss://, tcp:// hoặc ssl://',
    username: 'Tên đăng nhập máy chủ ("-" nếu không có)',
    password: (saved: boolean) => `Mật khẩu máy chủ (không hiện khi gõ${saved ? '; Enter để giữ mật khẩu đã lưu' : ''})`,
    ca: 'Tệp chứng chỉ CA của máy chủ ("-": dùng CA của hệ thống)',
    cert: 'Tệp chứng chỉ máy khách ("-" nếu không có)',
    key: 'Tệp khóa của chứng chỉ máy khách',
    cannotRead: (f: string) => `không đọc được ${f}`,
    noScanner: 'Không tìm thấy máy quét (xem gợi ý bằng lệnh `qrgate scanners`).\n',
    scannersFound: 'Các máy quét tìm thấy:',
    scanner: 'Máy quét: số thứ tự trong danh sách, đường dẫn thiết bị, hoặc "-" để giữ nguyên',
    noSuchNumber: 'không có số này trong danh sách',
    scannerRule: 'nhập số thứ tự, đường dẫn bắt đầu bằng /, hoặc -',
    unknownModel: 'không rõ loại',
    notScanner: 'có lẽ không phải máy quét',
    testScan: 'Quét thử một mã trước khi lưu?',
    save: 'Lưu các thay đổi này?',
  },
} as const;

export type ProvisionTexts = (typeof TEXTS)[Lang];

export function provisionTexts(lang: Lang): ProvisionTexts {
  return TEXTS[lang];
}

/** `vi` when the terminal's locale is Vietnamese (LANG=vi_VN.UTF-8), else English. */
export function langFromEnv(env: NodeJS.ProcessEnv): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^vi([_.-]|$)/i.test(locale) ? 'vi' : 'en';
}

const name = (t: ProvisionTexts, what: string) => (v: string) => (NAME.test(v) ? null : t.nameRule(what));
const NONE = new Set(['', '-', 'none']);
const readable =
  (t: ProvisionTexts) =>
  (v: string): string | null => {
    if (NONE.has(v)) return null;
    try {
      accessSync(v, constants.R_OK);
      return null;
    } catch {
      return t.cannotRead(v);
    }
  };
const orNull = (v: string): string | null => (NONE.has(v) ? null : v);

function label(c: ScannerCandidate, t: ProvisionTexts): string {
  const model = c.known
    ? `${c.known.vendor}${c.known.model ? ` ${c.known.model}` : ''}`
    : [c.manufacturer, c.product].filter(Boolean).join(' ') || t.unknownModel;
  return `${c.stablePath ?? c.devPath}  (${model}, ${c.driver}${c.likelyScanner ? '' : `, ${t.notScanner}`})`;
}

async function askScanner(
  p: Prompter,
  current: Current,
  found: readonly ScannerCandidate[],
  t: ProvisionTexts,
): Promise<Settings['scanner']> {
  const sorted = [...found].sort((a, b) => Number(b.likelyScanner) - Number(a.likelyScanner));
  if (sorted.length === 0) p.say(t.noScanner);
  else p.say(`${t.scannersFound}\n${sorted.map((c, i) => `  ${i + 1}) ${label(c, t)}`).join('\n')}\n`);
  const byDefault = current.scannerPath ?? (sorted[0]?.likelyScanner ? '1' : '');
  const answer = await p.ask(t.scanner, {
    current: byDefault,
    check: (v) =>
      NONE.has(v) || /^\d+$/.test(v)
        ? /^\d+$/.test(v) && !sorted[Number(v) - 1]
          ? t.noSuchNumber
          : null
        : v.startsWith('/')
          ? null
          : t.scannerRule,
  });
  if (NONE.has(answer) || answer === current.scannerPath) return undefined;
  const chosen = /^\d+$/.test(answer) ? sorted[Number(answer) - 1] : undefined;
  return chosen
    ? { id: DEFAULT_SCANNER_ID, type: chosen.driver, path: chosen.stablePath ?? chosen.devPath }
    : entryForPath(answer, undefined);
}

export async function askSettings(
  p: Prompter,
  given: Settings,
  current: Current,
  found: readonly ScannerCandidate[],
  lang: Lang = 'en',
): Promise<Answers> {
  const t = TEXTS[lang];
  const s: Settings = { ...given };
  let password: string | undefined;
  p.say(t.welcome);
  s.deviceId ??= await p.ask(t.deviceId, { current: current.deviceId, check: name(t, t.deviceIdWhat) });
  s.site ??= await p.ask(t.site, { current: current.site, check: name(t, t.siteWhat) });
  if (s.mqttUrl === undefined) {
    const url = await p.ask(t.brokerUrl, {
      current: current.mqttUrl,
      check: (v) => (NONE.has(v) || BROKER_URL.test(v) ? null : t.brokerUrlRule),
    });
    s.mqttUrl = orNull(url);
  }
  if (s.mqttUrl !== null) {
    if (s.mqttUsername === undefined) s.mqttUsername = orNull(await p.ask(t.username, { current: current.mqttUsername }));
    if (s.mqttUsername === null) s.mqttPasswordFile ??= null;
    if (s.mqttUsername !== null && s.mqttPasswordFile === undefined) {
      const typed = await p.askSecret(t.password(current.mqttPasswordFile !== undefined && current.mqttPasswordFile !== ''));
      if (typed !== null) password = typed;
    }
    const url = s.mqttUrl ?? current.mqttUrl ?? '';
    if (/^(mqtts|ssl|wss):/.test(url)) {
      if (s.mqttCa === undefined) s.mqttCa = orNull(await p.ask(t.ca, { current: current.mqttCa, check: readable(t) }));
      if (s.mqttCert === undefined) s.mqttCert = orNull(await p.ask(t.cert, { current: current.mqttCert, check: readable(t) }));
      if (s.mqttCert !== null && s.mqttKey === undefined)
        s.mqttKey = orNull(await p.ask(t.key, { current: current.mqttKey, check: readable(t) }));
    }
  }
  s.scanner ??= await askScanner(p, current, found, t);
  const testScan = await p.confirm(t.testScan, false);
  return { settings: s, ...(password !== undefined ? { password } : {}), testScan };
}
