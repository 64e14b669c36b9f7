/**
 * The first usage page and usage of a HID report descriptor: enough to tell a HID-POS scanner (page 0x8C) from a
 * keyboard (page 0x01, usage 0x06) without opening the device.
 */
export interface TopUsage {
  readonly usagePage: number;
  readonly usage: number | null;
}

export function topLevelUsage(descriptor: Uint8Array): TopUsage | null {
  let i = 0;
  let usagePage: number | null = null;
  while (i < descriptor.length) {
    const prefix = descriptor[i] ?? 0;
    if (prefix === 0xfe) {
      // Long item: size in the next byte; it never carries the usage page.
      i += 3 + (descriptor[i + 1] ?? 0);
      continue;
    }
    const size = [0, 1, 2, 4][prefix & 0x03] ?? 0;
    let value = 0;
    for (let k = 0; k < size; k++) value |= (descriptor[i + 1 + k] ?? 0) << (8 * k);
    const tag = prefix & 0xfc;
    if (tag === 0x04) usagePage = value >>> 0;
    else if (tag === 0x08 && usagePage !== null) return { usagePage, usage: value & 0xffff };
    else if (tag === 0xa0 && usagePage !== null) return { usagePage, usage: null };
    i += 1 + size;
  }
  return usagePage === null ? null : { usagePage, usage: null };
}

export const USAGE_PAGE_POS_SCANNER = 0x8c;
export const USAGE_PAGE_GENERIC_DESKTOP = 0x01;
export const USAGE_KEYBOARD = 0x06;
