/**
 * Turns the raw bytes of one scan into clean NFC text, or a coded rejection.
 *
 * Order matters: the NUL cut and the trim happen on bytes, so the 4096-byte limit is about the payload and not
 * about the transport's terminators; the strict UTF-8 check happens before anything looks at characters.
 */
import { reject, warning } from './result.js';
import type { DecodeFailure, Warning } from './types.js';

export const MAX_SCAN_BYTES = 4096;

export type CleanResult = { readonly ok: true; readonly text: string; readonly warnings: readonly Warning[] } | DecodeFailure;

const BOM = [0xef, 0xbb, 0xbf] as const;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isAsciiSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

function hasBomAt(bytes: Uint8Array, i: number): boolean {
  return bytes[i] === BOM[0] && bytes[i + 1] === BOM[1] && bytes[i + 2] === BOM[2];
}

function trimBytes(input: Uint8Array): Uint8Array {
  const nul = input.indexOf(0);
  const bytes = nul >= 0 ? input.subarray(0, nul) : input;
  let start = 0;
  let end = bytes.length;
  for (;;) {
    if (hasBomAt(bytes, start)) start += 3;
    else if (start < end && isAsciiSpace(bytes[start])) start += 1;
    else break;
  }
  while (end > start && isAsciiSpace(bytes[end - 1])) end -= 1;
  return bytes.subarray(start, end);
}

/** Windows-1252 puts printable characters at 0x80–0x9F; a UTF-8 byte read through it comes back as these. */
const CP1252_HIGH: ReadonlyMap<number, number> = new Map([
  [0x20ac, 0x80],
  [0x201a, 0x82],
  [0x0192, 0x83],
  [0x201e, 0x84],
  [0x2026, 0x85],
  [0x2020, 0x86],
  [0x2021, 0x87],
  [0x02c6, 0x88],
  [0x2030, 0x89],
  [0x0160, 0x8a],
  [0x2039, 0x8b],
  [0x0152, 0x8c],
  [0x017d, 0x8e],
  [0x2018, 0x91],
  [0x2019, 0x92],
  [0x201c, 0x93],
  [0x201d, 0x94],
  [0x2022, 0x95],
  [0x2013, 0x96],
  [0x2014, 0x97],
  [0x02dc, 0x98],
  [0x2122, 0x99],
  [0x0161, 0x9a],
  [0x203a, 0x9b],
  [0x0153, 0x9c],
  [0x017e, 0x9e],
  [0x0178, 0x9f],
]);

/**
 * Undo UTF-8 that was read as Latin-1/Windows-1252 and written back as UTF-8 ("Nguyá»…n" → "Nguyễn").
 * Returns null unless every character maps back to one byte and those bytes are valid UTF-8 with at least one
 * multi-byte sequence: ordinary Vietnamese text (ộ, ă, đ are above U+00FF) never qualifies, and Latin-1 text that
 * happens to be valid UTF-8 once re-encoded is vanishingly rare.
 */
function repairMojibake(text: string): string | null {
  const bytes = new Uint8Array(text.length);
  let high = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    const b = c <= 0xff ? c : CP1252_HIGH.get(c);
    if (b === undefined) return null;
    if (b >= 0x80) high = true;
    bytes[i] = b;
  }
  if (!high) return null;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

export function cleanScan(input: Uint8Array): CleanResult {
  const bytes = trimBytes(input);
  if (bytes.length > MAX_SCAN_BYTES) return reject('E_TOO_LONG');
  if (bytes.length === 0) return reject('E_EMPTY');
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return reject('E_ENCODING');
  }
  const warnings: Warning[] = [];
  const repaired = repairMojibake(text);
  if (repaired !== null) {
    text = repaired;
    warnings.push(warning('W_MOJIBAKE_REPAIRED'));
  }
  // String.prototype.trim also removes U+FEFF, which a repaired "ï»¿" prefix turns into.
  text = text.trim().normalize('NFC');
  if (text.length === 0) return reject('E_EMPTY');
  return { ok: true, text, warnings };
}
