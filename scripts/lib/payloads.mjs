// Synthetic, invented CCCD and BHYT payloads (same shapes as test/helpers/payloads.ts), unique per index so the
// daemon's re-read filter never merges two of them.
import { Buffer } from 'node:buffer';
const hex = (text) => Buffer.from(text, 'utf8').toString('hex');
const NAME = 'Nguyễn Thị Mẫu';
const ADDRESS = 'Số 1 Đường Thử Nghiệm, Phường Mẫu, Quận Ví Dụ, Thành phố Hà Nội';

/** A typical 7-field CCCD payload (about 150 UTF-8 bytes); `i` < 10^6 makes it unique. */
export function cccd(i) {
  const number = `001190${String(i % 1_000_000).padStart(6, '0')}`;
  return [number, '012345678', NAME, '15031990', 'Nữ', ADDRESS, '20042021'].join('|');
}

export function bhyt(i) {
  const number = `01999${String(i % 100_000).padStart(5, '0')}`;
  return [
    number, hex(NAME), '15/03/1990', '2', '-', '01 - 999', '01/01/2025', '-', '01/01/2025',
    '01050199900123', '-', '4', ' 01/01/2030', '0000000000000000-0000', '4', hex('Quận Ví Dụ, Thành phố Hà Nội'), '$',
  ].join('|');
}

/** A frame as a serial scanner sends it: payload + CR. */
export const frame = (payload) => Buffer.from(`${payload}\r`, 'utf8');

/** The CCCD number inside a frame built by cccd(i), to match commits with what was sent. */
export const indexOf = (payload) => Number(payload.slice(6, 12));
