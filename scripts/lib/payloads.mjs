// Synthetic payloads (invented names and numbers) for the decoder tests, the benchmarks and the chaos suite (the
// vitest suite imports them through test/helpers/payloads.ts; types in payloads.d.mts). Built from parts so that
// each test case says what it changes; hex fields are computed from the text, as a BHYT card does. The indexed
// forms, cccd(i) and bhyt(i), give up to 10^6 / 10^5 distinct payloads so the daemon's re-read filter never merges two.
import { Buffer } from 'node:buffer';

export const hex = (text) => Buffer.from(text, 'utf8').toString('hex');

export const NAME_F = 'Nguyễn Thị Mẫu';
export const NAME_M = 'Trần Văn Thử';
export const ADDRESS = 'Số 1 Đường Thử Nghiệm, Phường Mẫu, Quận Ví Dụ, Thành phố Hà Nội';
export const ISSUE_PLACE = 'Quận Ví Dụ, Thành phố Hà Nội';

export const CCCD_BASE = Object.freeze({
  number: '001190012345',
  oldNumber: '012345678',
  name: NAME_F,
  birth: '15031990',
  sex: 'Nữ',
  address: ADDRESS,
  issued: '20042021',
});

/** cccd(i): the base with number 001190 + i (6 digits). cccd(over, trailing): the base with parts changed. */
export function cccd(over = {}, trailing = []) {
  if (typeof over === 'number') return cccd({ number: `001190${String(over % 1_000_000).padStart(6, '0')}` });
  const p = { ...CCCD_BASE, ...over };
  return [p.number, p.oldNumber, p.name, p.birth, p.sex, p.address, p.issued, ...trailing].join('|');
}

/** The year at the gate (UTC+7) of a scan time: card dates are relative to it, so no fixture expires as years pass. */
const yearAt = (at) => new Date(at.getTime() + 7 * 3_600_000).getUTCFullYear();

function withFields(fields, over) {
  for (const [i, v] of Object.entries(over)) if (v !== undefined) fields[Number(i)] = v;
  return fields.join('|');
}

/**
 * 2021+ template: 16 data fields and `$`; the 10-digit number, no address, issue place in field 15. Valid until
 * 1 January four years after the scan time `at` (default SCAN_TIME: 01/01/2030).
 */
export function bhytNew(over = {}, at = SCAN_TIME) {
  return withFields(
    [
      '0199900123',
      hex(NAME_F),
      '15/03/1990',
      '2',
      '-',
      '01 - 999',
      '01/01/2025',
      '-',
      '01/01/2025',
      '01050199900123',
      '-',
      '4',
      ` 01/01/${yearAt(at) + 4}`,
      '0000000000000000-0000',
      '4',
      hex(ISSUE_PLACE),
      '$',
    ],
    over,
  );
}

/**
 * Legacy template: 14 data fields and `$`; a 15-character number, hex address in field 4. Valid until 31 December of
 * the year after the scan time `at` (default SCAN_TIME: 31/12/2027).
 */
export function bhytLegacy(over = {}, at = SCAN_TIME) {
  return withFields(
    [
      'GD4010199900456',
      hex(NAME_M),
      '01/01/1995',
      '1',
      hex(ADDRESS),
      '01 - 999',
      '01/01/2020',
      `31/12/${yearAt(at) + 1}`,
      '01/01/2020',
      '01050199900456',
      '-',
      '5',
      '01/01/2025',
      '0000000000000000-0000',
      '$',
    ],
    over,
  );
}

/** bhytNew with number 01999 + i (5 digits), valid at `at`. */
export const bhyt = (i, at = SCAN_TIME) => bhytNew({ 0: `01999${String(i % 100_000).padStart(5, '0')}` }, at);

/** A moment at which every base payload above is valid. */
export const SCAN_TIME = new Date('2026-11-22T09:30:00+07:00');

/** A frame as a serial scanner sends it: payload + CR. */
export const frame = (payload) => Buffer.from(`${payload}\r`, 'utf8');

/** The index i of a payload built by cccd(i), to match commits with what was sent. */
export const indexOf = (payload) => Number(payload.slice(6, 12));
