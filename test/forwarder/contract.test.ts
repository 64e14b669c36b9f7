import { readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { decodeScan, type IdentityDocument } from '../../src/decode/index.js';
import { checkinBody, outboxOf, rejectMessage } from '../../src/forwarder/messages.js';
import {
  CONTRACT_SCHEMAS,
  CheckinMessageSchema,
  HealthMessageSchema,
  RejectMessageSchema,
  StatusMessageSchema,
} from '../../src/forwarder/schemas.js';
import type { Checkin } from '../../src/store/types.js';
import { bhytLegacy, bhytNew, cccd, SCAN_TIME, VIETNAM } from '../helpers/payloads.js';

const origin = { site: 'hq', device: 'kiosk-7' };

/** The message exactly as the forwarder sends it, parsed back. */
function checkinMessage(c: Checkin, fields: 'full' | 'minimal'): unknown {
  return JSON.parse(checkinBody(outboxOf(c), origin, fields));
}

function checkinOf(document: IdentityDocument): Checkin {
  return {
    id: '019a8f3e-7c1d-7abc-8def-0123456789ab',
    seq: 7,
    scanner: 'gate',
    direction: 'in',
    auto: false,
    manual: false,
    scannedAt: '2026-11-22T09:30:00.000+07:00',
    clockSynced: true,
    document,
    warnings: [{ code: 'W_CARD_EXPIRED', message: 'x' }],
  };
}

function cccdDocument(): IdentityDocument {
  const r = decodeScan(Buffer.from(cccd()), SCAN_TIME, VIETNAM);
  if (!r.ok) throw new Error(`golden payload rejected: ${r.code}`);
  return r.document;
}

const PAYLOADS = [
  cccd(),
  cccd({}, ['', '', '']),
  bhytNew(),
  bhytLegacy(),
  bhytLegacy({ 1: 'zz' }),
  '******012345|NGUYEN THI MAU|1990-**-**|1|163|x',
  '079305001234',
];

describe('the MQTT contract', () => {
  it.each(Object.keys(CONTRACT_SCHEMAS))('docs/schemas/%s.json is generated from the code (npm run docs:schemas)', (name) => {
    const onDisk = JSON.parse(readFileSync(new URL(`../../docs/schemas/${name}.json`, import.meta.url), 'utf8')) as unknown;
    const schema = CONTRACT_SCHEMAS[name as keyof typeof CONTRACT_SCHEMAS];
    expect(onDisk).toEqual(JSON.parse(JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema })));
  });

  it.each(PAYLOADS)('a check-in of every decoded document validates against checkin.json, full and minimal: %s', (payload) => {
    const r = decodeScan(Buffer.from(payload), SCAN_TIME, VIETNAM);
    if (!r.ok) throw new Error(`golden payload rejected: ${r.code}`);
    for (const fields of ['full', 'minimal'] as const) {
      const message = checkinMessage(checkinOf(r.document), fields);
      expect([...Value.Errors(CheckinMessageSchema, message)]).toEqual([]);
    }
  });

  it('writes the message text so that quotes, backslashes and line separators in any field parse back unchanged', () => {
    const hostile = 'A "quoted" \\ name\u2028\n</script>';
    const c: Checkin = { ...checkinOf({ ...cccdDocument(), name: hostile }), scanner: hostile, scannedAt: '2026-11-22T09:30:00.000+07:00' };
    const full = checkinMessage(c, 'full') as { scanner: string; document: { name: string } };
    expect(full).toEqual({
      v: 1,
      id: c.id,
      seq: 7,
      site: 'hq',
      device: 'kiosk-7',
      scanner: hostile,
      direction: 'in',
      auto: false,
      scannedAt: c.scannedAt,
      clockSynced: true,
      document: c.document,
      warnings: ['W_CARD_EXPIRED'],
    });
    expect(checkinMessage(c, 'minimal')).toMatchObject({ document: { type: 'cccd', number: c.document.number, name: hostile } });
    expect(Object.keys((checkinMessage(c, 'minimal') as { document: object }).document)).toEqual(['type', 'number', 'name']);
  });

  it('rejects a check-in message with a field the contract does not have', () => {
    const r = decodeScan(Buffer.from(cccd()), SCAN_TIME, VIETNAM);
    if (!r.ok) throw new Error('rejected');
    expect(Value.Check(CheckinMessageSchema, { ...(checkinMessage(checkinOf(r.document), 'full') as object), payload: 'raw' })).toBe(false);
  });

  it('validates reject, status and health messages', () => {
    const reject = rejectMessage(
      {
        id: '019a8f3e-7c1d-7abc-8def-0123456789ab',
        n: 1,
        scanner: 'gate',
        code: 'E_CCCD_FIELDS',
        scannedAt: '2026-11-22T09:30:00.000+07:00',
        clockSynced: true,
      },
      origin,
    );
    expect([...Value.Errors(RejectMessageSchema, reject)]).toEqual([]);
    expect(Value.Check(StatusMessageSchema, { state: 'online', version: '0.1.0', since: '2026-11-22T09:30:00.000+07:00' })).toBe(true);
    expect(Value.Check(StatusMessageSchema, { state: 'offline' })).toBe(true);
    const health = {
      v: 1,
      at: '2026-11-22T09:30:00.000+07:00',
      uptimeSec: 5,
      scanners: [{ id: 'gate', state: 'error', code: 'E_PERMISSION' }],
      pending: 0,
      oldestPendingAgeSec: null,
      storeBytes: 4096,
      mqtt: { reconnects: 0, protocolVersion: 5 },
    };
    expect([...Value.Errors(HealthMessageSchema, health)]).toEqual([]);
  });
});
