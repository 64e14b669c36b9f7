/**
 * HID-POS (usage page 0x8C) scanned-data reports → whole scans. Pure, so tests feed recorded reports through the
 * same code the device path uses.
 *
 * Report layout (Access-IS, Honeywell, Zebra in HID-POS mode; node-hid prepends the report id, 0x02, on Linux):
 *   [reportId?] [length] [AIM id: 3 bytes, e.g. "]Q1"] [data: `length` bytes] … [last byte: more-data flag]
 * A scan longer than one report continues in the next ones until a report with the flag clear.
 */
export const POS_REPORT_ID = 0x02;
const AIM_FLAG = 0x5d; // ']' starts every AIM symbology identifier

export type PosOutput =
  | { readonly kind: 'frame'; readonly bytes: Uint8Array; readonly aim: string | null }
  | { readonly kind: 'overflow'; readonly limit: number }
  | { readonly kind: 'overflow-end'; readonly discarded: number };

/** Where the length byte is: after a report id, or at the start. Decided from the AIM marker when there is one. */
export function lengthOffset(report: Uint8Array): number {
  if (report[0] === POS_REPORT_ID && report[2] === AIM_FLAG) return 1;
  if (report[1] === AIM_FLAG) return 0;
  return report[0] === POS_REPORT_ID ? 1 : 0;
}

export class HidPosAssembler {
  readonly #buffer: Uint8Array;
  #length = 0;
  #aim: string | null = null;
  #started = false;
  #discarding = false;
  #discarded = 0;

  constructor(maxFrameBytes: number) {
    this.#buffer = new Uint8Array(maxFrameBytes);
  }

  push(report: Uint8Array, out: (o: PosOutput) => void): void {
    if (report.length < 6) return; // not a scanned-data report (or a status report of another id)
    const at = lengthOffset(report);
    const flagIndex = report.length - 1;
    const declared = report[at] ?? 0;
    const dataStart = at + 4;
    const dataEnd = Math.min(dataStart + declared, flagIndex);
    if (!this.#started) {
      this.#started = true;
      this.#aim = report[at + 1] === AIM_FLAG ? String.fromCharCode(report[at + 1]!, report[at + 2]!, report[at + 3]!) : null;
    }
    this.#append(report.subarray(dataStart, Math.max(dataStart, dataEnd)), out);
    const more = report[flagIndex] !== 0;
    if (!more) this.#finish(out);
  }

  reset(): void {
    this.#length = 0;
    this.#aim = null;
    this.#started = false;
    this.#discarding = false;
    this.#discarded = 0;
  }

  #append(data: Uint8Array, out: (o: PosOutput) => void): void {
    if (this.#discarding) {
      this.#discarded += data.length;
      return;
    }
    if (this.#length + data.length > this.#buffer.length) {
      this.#discarding = true;
      this.#discarded = this.#length + data.length;
      this.#length = 0;
      out({ kind: 'overflow', limit: this.#buffer.length });
      return;
    }
    this.#buffer.set(data, this.#length);
    this.#length += data.length;
  }

  #finish(out: (o: PosOutput) => void): void {
    if (this.#discarding) {
      out({ kind: 'overflow-end', discarded: this.#discarded });
    } else {
      // A suffix configured on the scanner (CR, LF, CRLF) is not part of the payload.
      let end = this.#length;
      while (end > 0 && (this.#buffer[end - 1] === 0x0d || this.#buffer[end - 1] === 0x0a)) end--;
      if (end > 0) out({ kind: 'frame', bytes: this.#buffer.slice(0, end), aim: this.#aim });
    }
    this.reset();
  }
}
