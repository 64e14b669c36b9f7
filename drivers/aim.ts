/**
 * AIM symbology identifiers (ISO/IEC 15424): `]` + a symbology letter + a modifier, e.g. `]Q1` for QR. HID-POS
 * reports carry them in their own bytes; a serial or keyboard-mode scanner with "transmit AIM ID" switched on puts
 * them in front of the data, where a decoder would read them as the payload's first characters. No payload qrgate
 * reads starts with `]`, so a leading identifier can be split off without a setting.
 */
const AIM_FLAG = 0x5d; // ']'

const isLetter = (b: number | undefined): boolean => b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

export interface AimSplit {
  readonly bytes: Uint8Array;
  readonly aim: string | null;
}

/** `]Q1001190012345|…` → aim `]Q1` and the bytes after it; anything else unchanged, with aim null. */
export function splitAim(bytes: Uint8Array): AimSplit {
  const [flag, symbology, modifier] = bytes;
  if (flag !== AIM_FLAG || !isLetter(symbology) || !(isDigit(modifier) || isLetter(modifier))) return { bytes, aim: null };
  return { bytes: bytes.subarray(3), aim: String.fromCharCode(flag, symbology!, modifier!) };
}
