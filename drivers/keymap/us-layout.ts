/**
 * The US keyboard layout as HID usage id → [unshifted, shifted] character. Keypad keys type digits whatever the
 * NumLock state: scanners that use the keypad for digits expect that, and the host's NumLock is not ours to read.
 */
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '1234567890';
const SHIFTED_DIGITS = '!@#$%^&*()';

function build(): ReadonlyMap<number, readonly [string, string]> {
  const map = new Map<number, readonly [string, string]>();
  for (let i = 0; i < 26; i++) map.set(0x04 + i, [LETTERS[i]!, LETTERS[i]!.toUpperCase()]);
  for (let i = 0; i < 10; i++) map.set(0x1e + i, [DIGITS[i]!, SHIFTED_DIGITS[i]!]);
  const rest: Array<[number, string, string]> = [
    [0x2b, '\t', '\t'],
    [0x2c, ' ', ' '],
    [0x2d, '-', '_'],
    [0x2e, '=', '+'],
    [0x2f, '[', '{'],
    [0x30, ']', '}'],
    [0x31, '\\', '|'],
    [0x32, '#', '~'],
    [0x33, ';', ':'],
    [0x34, "'", '"'],
    [0x35, '`', '~'],
    [0x36, ',', '<'],
    [0x37, '.', '>'],
    [0x38, '/', '?'],
    [0x54, '/', '/'],
    [0x55, '*', '*'],
    [0x56, '-', '-'],
    [0x57, '+', '+'],
    [0x63, '.', '.'],
    [0x64, '\\', '|'],
  ];
  for (const [usage, plain, shifted] of rest) map.set(usage, [plain, shifted]);
  for (let i = 0; i < 9; i++) map.set(0x59 + i, [String(i + 1), String(i + 1)]);
  map.set(0x62, ['0', '0']);
  return map;
}

export const US_LAYOUT = build();

export const USAGE = {
  ENTER: 0x28,
  KP_ENTER: 0x58,
  CAPS_LOCK: 0x39,
  LEFT_CTRL: 0xe0,
  LEFT_SHIFT: 0xe1,
  LEFT_ALT: 0xe2,
  LEFT_GUI: 0xe3,
  RIGHT_CTRL: 0xe4,
  RIGHT_SHIFT: 0xe5,
  RIGHT_ALT: 0xe6,
  RIGHT_GUI: 0xe7,
} as const;

/** Keypad digit value of a usage id, or null: KP1..KP9 are 0x59..0x61, KP0 is 0x62. */
export function keypadDigit(usage: number): number | null {
  if (usage >= 0x59 && usage <= 0x61) return usage - 0x58;
  if (usage === 0x62) return 0;
  return null;
}
