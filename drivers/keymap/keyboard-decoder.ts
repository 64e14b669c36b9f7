/**
 * Key presses → text, the way a US-layout host would type them, plus Alt+numpad: while Alt is held the keypad
 * digits spell a decimal number, and releasing Alt types that Unicode code point. That is how scanners in "Unicode"
 * keyboard mode send letters outside the layout, such as the Vietnamese ễ (Alt+7877).
 *
 * Pure: fed key-down/key-up events by the hidraw boot-report and evdev parsers, it calls back with characters and
 * with "Enter" (the end of a scan).
 */
import { keypadDigit, US_LAYOUT, USAGE } from './us-layout.js';

export interface KeyboardSink {
  text(chars: string): void;
  enter(): void;
}

// Windows sends Alt+0128..0159 (leading zero) as Windows-1252, which differs from Unicode in that block only.
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

export class KeyboardDecoder {
  readonly #down = new Set<number>();
  #capsLock = false;
  #altDigits = '';

  constructor(private readonly sink: KeyboardSink) {}

  keyDown(usage: number): void {
    if (this.#down.has(usage)) return; // a repeat: scanners never hold a key, and the kernel's autorepeat is noise here
    this.#down.add(usage);
    if (usage === USAGE.CAPS_LOCK) {
      this.#capsLock = !this.#capsLock;
      return;
    }
    if (isModifier(usage)) return;
    if (this.#alt()) {
      const digit = keypadDigit(usage);
      if (digit !== null && this.#altDigits.length < 8) this.#altDigits += String(digit);
      // Alt+letter is a shortcut, not text.
      return;
    }
    if (this.#ctrl() || this.#gui()) return;
    if (usage === USAGE.ENTER || usage === USAGE.KP_ENTER) {
      this.sink.enter();
      return;
    }
    const pair = US_LAYOUT.get(usage);
    if (!pair) return;
    const [plain, shifted] = pair;
    const isLetter = plain >= 'a' && plain <= 'z';
    const upper = this.#shift() !== (isLetter && this.#capsLock);
    this.sink.text(upper ? shifted : plain);
  }

  keyUp(usage: number): void {
    if (!this.#down.delete(usage)) return;
    if ((usage === USAGE.LEFT_ALT || usage === USAGE.RIGHT_ALT) && !this.#alt()) {
      const digits = this.#altDigits;
      this.#altDigits = '';
      if (digits !== '') this.sink.text(altCodeChar(digits));
    }
  }

  /** Forget held keys (the device went away with keys down). */
  reset(): void {
    this.#down.clear();
    this.#altDigits = '';
  }

  #shift(): boolean {
    return this.#down.has(USAGE.LEFT_SHIFT) || this.#down.has(USAGE.RIGHT_SHIFT);
  }
  #alt(): boolean {
    return this.#down.has(USAGE.LEFT_ALT) || this.#down.has(USAGE.RIGHT_ALT);
  }
  #ctrl(): boolean {
    return this.#down.has(USAGE.LEFT_CTRL) || this.#down.has(USAGE.RIGHT_CTRL);
  }
  #gui(): boolean {
    return this.#down.has(USAGE.LEFT_GUI) || this.#down.has(USAGE.RIGHT_GUI);
  }
}

function isModifier(usage: number): boolean {
  return usage >= 0xe0 && usage <= 0xe7;
}

export function altCodeChar(digits: string): string {
  const value = Number.parseInt(digits, 10);
  if (digits.startsWith('0') && value >= 0x80 && value <= 0x9f) return CP1252_80_9F[value - 0x80] ?? '\ufffd';
  if (value === 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(value);
}
