/**
 * 8-byte boot-keyboard reports (modifier bits, reserved, six key slots) → key down/up events, by comparing each
 * report with the previous one. Pure. A 9-byte report carries a report id first, which is skipped.
 *
 * Order within one report: releases of keys, then modifier changes, then new presses. That way "Shift+a" followed
 * directly by "b" types "Ab", and releasing Alt after the keypad digits comes after the last digit's release.
 */
import type { KeyEvent } from '../keymap/key-events.js';

const ROLLOVER_ERROR = 0x01;

export class BootKeyboardParser {
  #mods = 0;
  #keys = new Set<number>();

  push(report: Uint8Array): KeyEvent[] {
    const r = report.length === 9 ? report.subarray(1) : report;
    if (r.length < 8) return [];
    const slots = Array.from(r.subarray(2, 8));
    // Too many keys at once: the report carries no key data, only "error"; keep the previous state.
    if (slots.every((k) => k === ROLLOVER_ERROR)) return [];
    const mods = r[0] ?? 0;
    const keys = new Set(slots.filter((k) => k > ROLLOVER_ERROR + 2)); // 0 none, 1-3 error codes
    const events: KeyEvent[] = [];
    for (const k of this.#keys) if (!keys.has(k)) events.push({ usage: k, down: false });
    for (let bit = 0; bit < 8; bit++) {
      const was = (this.#mods >> bit) & 1;
      const is = (mods >> bit) & 1;
      if (was !== is) events.push({ usage: 0xe0 + bit, down: is === 1 });
    }
    for (const k of keys) if (!this.#keys.has(k)) events.push({ usage: k, down: true });
    this.#mods = mods;
    this.#keys = keys;
    return events;
  }

  reset(): void {
    this.#mods = 0;
    this.#keys = new Set();
  }
}
