/**
 * Domain objects → what the page and the API show. Each view is built field by field (never by spreading the
 * source), and names and numbers go through the masks: the schemas are the second line of defence, not the first.
 */
import { describeDriverCode, type DriverCode } from '../core/codes.js';
import type { RejectEvent } from '../checkin/events.js';
import { describeCode, type Code } from '../core/codes.js';
import type { ForwarderStatus } from '../forwarder/forwarder.js';
import type { TimeZone } from '../core/zone.js';
import type { Checkin } from '../store/types.js';
import type { ScannerSnapshot } from './deps.js';
import { maskName, maskNumber } from './mask.js';
import type { CodeTextView, InsideView, ScanView, StatusView } from './schemas.js';

export function codeText(code: Code): CodeTextView {
  return { code, vi: describeCode(code, 'vi'), en: describeCode(code, 'en') };
}

export function checkinView(c: Checkin): ScanView {
  return {
    kind: 'accepted',
    at: c.scannedAt,
    scanner: c.scanner,
    seq: c.seq,
    direction: c.direction,
    type: c.document.type,
    manual: c.manual,
    auto: c.auto,
    name: maskName(c.document.name),
    number: maskNumber(c.document.number),
    warnings: c.warnings.map((w) => codeText(w.code)),
  };
}

export function rejectView(r: RejectEvent): ScanView {
  return { kind: 'rejected', at: r.scannedAt, scanner: r.scanner, reason: codeText(r.code) };
}

export function insideView(c: Checkin, zone: TimeZone): InsideView {
  const at = Date.parse(c.scannedAt);
  return {
    name: maskName(c.document.name),
    number: maskNumber(c.document.number),
    type: c.document.type,
    since: c.scannedAt,
    date: Number.isFinite(at) ? zone.date(at) : c.scannedAt.slice(0, 10),
  };
}

const REFUSAL_TEXT = { E_STORE_FULL: 'S_STORE_FULL', E_STORE_WRITE: 'S_STORE_WRITE' } as const;

/** Why the kiosk is not recording: the store's code, with the words the receptionist reads for it. */
export function refusalView(code: keyof typeof REFUSAL_TEXT): CodeTextView {
  const text = REFUSAL_TEXT[code];
  return { code, vi: describeCode(text, 'vi'), en: describeCode(text, 'en') };
}

/** An oversized scan discarded by the driver: no frame, no reject stored, but the visitor at the gate is told. */
export function frameTooLongView(scanner: string, at: string): ScanView {
  return { kind: 'rejected', at, scanner, reason: codeText('S_SCAN_TOO_LONG') };
}

type ScannerView = StatusView['scanners'][number];

export function scannerView(s: ScannerSnapshot): ScannerView {
  switch (s.state) {
    case 'connected':
      return { id: s.scannerId, state: s.state, text: codeText('S_SCANNER_CONNECTED') };
    case 'disconnected':
      return { id: s.scannerId, state: s.state, text: codeText('S_SCANNER_DISCONNECTED') };
    case 'stopped':
      return { id: s.scannerId, state: s.state, text: codeText('S_SCANNER_STOPPED') };
    case 'error':
      return { id: s.scannerId, state: s.state, text: driverCodeText(s.code) };
  }
}

function driverCodeText(code: DriverCode): CodeTextView {
  return { code, vi: describeDriverCode(code, 'vi'), en: describeDriverCode(code, 'en') };
}

const MQTT_TEXT: Record<ForwarderStatus['state'], Code> = {
  connected: 'S_MQTT_CONNECTED',
  // Connecting is shown like an outage: to the receptionist both mean "not sent yet, still recorded".
  connecting: 'S_MQTT_OFFLINE',
  disconnected: 'S_MQTT_OFFLINE',
  disabled: 'S_MQTT_DISABLED',
};

/** `recording`: false while the store refuses, so an outage does not say "still recording". */
export function mqttView(f: ForwarderStatus, recording = true): StatusView['mqtt'] {
  const text = !recording && MQTT_TEXT[f.state] === 'S_MQTT_OFFLINE' ? 'S_MQTT_UNREACHABLE' : MQTT_TEXT[f.state];
  return {
    state: f.state,
    since: f.since,
    reconnects: f.reconnects,
    text: codeText(text),
    lastError: f.lastError === null ? null : codeText(f.lastError.code),
  };
}
