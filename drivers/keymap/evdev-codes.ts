/**
 * Linux input key codes (linux/input-event-codes.h) → HID usage ids, so evdev and hidraw keyboards share one
 * layout table and one decoder. Only the keys a scanner types are mapped; others are ignored.
 */
const PAIRS: ReadonlyArray<readonly [number, number]> = [
  // Row 1: KEY_1..KEY_0 (2..11), MINUS, EQUAL, BACKSPACE, TAB
  ...Array.from({ length: 10 }, (_, i) => [2 + i, 0x1e + i] as const),
  [12, 0x2d],
  [13, 0x2e],
  [14, 0x2a],
  [15, 0x2b],
  // Letters in keyboard order with their HID usages (a=0x04 … z=0x1d)
  ...'qwertyuiop'.split('').map((c, i) => [16 + i, 0x04 + c.charCodeAt(0) - 97] as const),
  [26, 0x2f],
  [27, 0x30],
  [28, 0x28],
  [29, 0xe0],
  ...'asdfghjkl'.split('').map((c, i) => [30 + i, 0x04 + c.charCodeAt(0) - 97] as const),
  [39, 0x33],
  [40, 0x34],
  [41, 0x35],
  [42, 0xe1],
  [43, 0x31],
  ...'zxcvbnm'.split('').map((c, i) => [44 + i, 0x04 + c.charCodeAt(0) - 97] as const),
  [51, 0x36],
  [52, 0x37],
  [53, 0x38],
  [54, 0xe5],
  [55, 0x55],
  [56, 0xe2],
  [57, 0x2c],
  [58, 0x39],
  // Keypad: KP7 KP8 KP9 KPMINUS KP4 KP5 KP6 KPPLUS KP1 KP2 KP3 KP0 KPDOT
  [71, 0x5f],
  [72, 0x60],
  [73, 0x61],
  [74, 0x56],
  [75, 0x5c],
  [76, 0x5d],
  [77, 0x5e],
  [78, 0x57],
  [79, 0x59],
  [80, 0x5a],
  [81, 0x5b],
  [82, 0x62],
  [83, 0x63],
  [86, 0x64],
  [96, 0x58],
  [97, 0xe4],
  [98, 0x54],
  [100, 0xe6],
  [125, 0xe3],
  [126, 0xe7],
];

const MAP: ReadonlyMap<number, number> = new Map(PAIRS);

export function evdevToUsage(code: number): number | null {
  return MAP.get(code) ?? null;
}
