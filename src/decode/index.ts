/**
 * The one entry point: raw scan bytes in, a typed identity or a coded rejection out. Pure and total: no I/O, no
 * clock (the scan time is an argument), and it returns a result for every input rather than throwing.
 */
import { looksLikeBhytNumber } from './bhyt-number.js';
import { decodeBhyt } from './bhyt.js';
import { decodeCccd, isSexWord, isSixFieldLayout } from './cccd.js';
import { cleanScan } from './clean.js';
import { isSlashDate } from './dates.js';
import { decodeIdNumber, TYPED_NUMBER } from './id-number.js';
import { classifyNotIdentity } from './not-identity.js';
import { decodePcCovid, isPcCovidLayout } from './pccovid.js';
import { PERSONAL_ID } from './personal-id.js';
import { reject } from './result.js';
import type { DecodeContext, DecodeResult } from './types.js';

export type * from './types.js';
export { MAX_SCAN_BYTES } from './clean.js';
export { decodeIdNumber } from './id-number.js';
export { decodeTypedNumber } from './typed-number.js';

export interface DecodeOptions {
  /**
   * The kiosk zone's offset from UTC at the scan time, in minutes (`TimeZone.offsetMinutes(scannedAt)`; Vietnam:
   * 420): expiry and "in the future" compare with the civil date at the gate. Required, so that no caller falls back
   * to a zone other than the kiosk's `clock.timeZone`; the decoder stays pure, it receives the offset as data.
   */
  readonly utcOffsetMinutes: number;
}

type Family = 'cccd' | 'bhyt' | 'pccovid';

const DECODERS: Readonly<Record<Family, (fields: readonly string[], ctx: DecodeContext) => DecodeResult>> = {
  cccd: decodeCccd,
  bhyt: decodeBhyt,
  pccovid: decodePcCovid,
};

const HEX_TEXT = /^(?:[0-9a-f]{2}){2,}$/i;

function looksLikeCccdDate(raw: string | undefined): boolean {
  return raw !== undefined && (/^\d{8}$/.test(raw.trim()) || isSlashDate(raw));
}

/**
 * Which family a `|`-separated payload belongs to, from its shape alone, so that a damaged scan is rejected with
 * the reason of the format it was meant to be (a truncated CCCD gets E_CCCD_FIELDS, not E_UNRECOGNIZED).
 */
function familyOf(fields: readonly string[]): Family | null {
  if (isPcCovidLayout(fields)) return 'pccovid';
  const first = (fields[0] ?? '').trim();
  // Only the card's own `$` routes; a relayed `#` or `**##` end still reaches BHYT by its number or hex name.
  if (fields[fields.length - 1]?.trim() === '$') return 'bhyt';
  if (looksLikeBhytNumber(first)) return 'bhyt';
  if (PERSONAL_ID.test(first) || isSixFieldLayout(fields)) return 'cccd';
  if (looksLikeCccdDate(fields[3]) && isSexWord(fields[4])) return 'cccd';
  if (HEX_TEXT.test((fields[1] ?? '').trim()) && /^[12]$/.test((fields[3] ?? '').trim())) return 'bhyt';
  return null;
}

function route(text: string, ctx: DecodeContext): DecodeResult {
  const notIdentity = classifyNotIdentity(text);
  if (notIdentity !== null) return notIdentity;
  if (!text.includes('|')) return TYPED_NUMBER.test(text) ? decodeIdNumber(text, ctx) : reject('E_UNRECOGNIZED');
  const fields = text.split('|');
  const family = familyOf(fields);
  return family === null ? reject('E_UNRECOGNIZED') : DECODERS[family](fields, ctx);
}

export function decodeScan(bytes: Uint8Array, scannedAt: Date, options: DecodeOptions): DecodeResult {
  try {
    const cleaned = cleanScan(bytes);
    if (!cleaned.ok) return cleaned;
    const ctx: DecodeContext = { scannedAt, utcOffsetMinutes: options.utcOffsetMinutes };
    const result = route(cleaned.text, ctx);
    if (!result.ok || cleaned.warnings.length === 0) return result;
    return { ...result, warnings: [...cleaned.warnings, ...result.warnings] };
  } catch {
    // A bug must cost one scan, never the daemon; the property tests assert this branch is never reached.
    return reject('E_INTERNAL');
  }
}
