/**
 * Byte framing for serial scanners: splits a byte stream into scans without ever decoding it as text.
 *
 * The pending scan lives in one buffer of `maxFrameBytes` allocated up front, so memory is bounded whatever the
 * scanner sends and each input byte is looked at and copied at most once (linear time, no re-concatenation). A run
 * longer than the limit is counted, not stored, until it ends.
 */
import type { Terminator } from '../config.js';

const CR = 0x0d;
const LF = 0x0a;

export type FramerOutput =
  | { readonly kind: 'frame'; readonly bytes: Uint8Array }
  /** The pending run just went over the limit: reported once, when it happens. */
  | { readonly kind: 'overflow'; readonly limit: number }
  /** The over-long run ended (terminator or idle); `discarded` bytes were dropped. */
  | { readonly kind: 'overflow-end'; readonly discarded: number };

export interface FramerOptions {
  readonly terminator: Terminator;
  readonly maxFrameBytes: number;
}

export class Framer {
  readonly #terminator: Terminator;
  readonly #buffer: Uint8Array;
  #length = 0;
  #discarding = false;
  #discarded = 0;
  /** crlf mode: a CR ended the last chunk (or segment) and may be the first half of the terminator. */
  #pendingCr = false;

  constructor(options: FramerOptions) {
    this.#terminator = options.terminator;
    this.#buffer = new Uint8Array(options.maxFrameBytes);
  }

  /** Bytes held for the scan in progress (bounded by maxFrameBytes). */
  get pendingBytes(): number {
    return this.#length;
  }

  /** True if a scan is in progress (data held, a run being discarded, or half a CRLF). */
  get inProgress(): boolean {
    return this.#length > 0 || this.#discarding || this.#pendingCr;
  }

  push(chunk: Uint8Array, out: (o: FramerOutput) => void): void {
    switch (this.#terminator) {
      case 'none':
        this.#append(chunk, 0, chunk.length, out);
        return;
      case 'cr':
        this.#pushSingle(chunk, CR, out);
        return;
      case 'lf':
        this.#pushSingle(chunk, LF, out);
        return;
      case 'auto':
        this.#pushAuto(chunk, out);
        return;
      case 'crlf':
        this.#pushCrlf(chunk, out);
        return;
    }
  }

  /** Ends the scan in progress (the idle timeout fired): whatever is held is a scan. */
  flush(out: (o: FramerOutput) => void): void {
    if (this.#pendingCr) {
      // A CR that no LF followed is data in crlf mode.
      this.#pendingCr = false;
      this.#appendByte(CR, out);
    }
    this.#end(out);
  }

  /** Forgets the scan in progress (the device went away mid-scan). */
  reset(): void {
    this.#length = 0;
    this.#discarding = false;
    this.#discarded = 0;
    this.#pendingCr = false;
  }

  #pushSingle(chunk: Uint8Array, term: number, out: (o: FramerOutput) => void): void {
    let start = 0;
    for (;;) {
      const at = chunk.indexOf(term, start);
      if (at < 0) break;
      this.#append(chunk, start, at, out);
      this.#end(out);
      start = at + 1;
    }
    this.#append(chunk, start, chunk.length, out);
  }

  // CR, LF and CRLF all end a scan; the LF of a CRLF then ends an empty one, which #end never emits.
  #pushAuto(chunk: Uint8Array, out: (o: FramerOutput) => void): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === CR || b === LF) {
        this.#append(chunk, start, i, out);
        this.#end(out);
        start = i + 1;
      }
    }
    this.#append(chunk, start, chunk.length, out);
  }

  #pushCrlf(chunk: Uint8Array, out: (o: FramerOutput) => void): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.#pendingCr) {
        this.#pendingCr = false;
        if (b === LF) {
          this.#end(out);
          start = i + 1;
          continue;
        }
        this.#appendByte(CR, out);
      }
      if (b === CR) {
        this.#append(chunk, start, i, out);
        this.#pendingCr = true;
        start = i + 1;
      }
    }
    this.#append(chunk, start, chunk.length, out);
  }

  #append(chunk: Uint8Array, from: number, to: number, out: (o: FramerOutput) => void): void {
    const n = to - from;
    if (n <= 0) return;
    if (this.#discarding) {
      this.#discarded += n;
      return;
    }
    if (this.#length + n > this.#buffer.length) {
      this.#discarding = true;
      this.#discarded = this.#length + n;
      this.#length = 0;
      out({ kind: 'overflow', limit: this.#buffer.length });
      return;
    }
    this.#buffer.set(chunk.subarray(from, to), this.#length);
    this.#length += n;
  }

  #appendByte(byte: number, out: (o: FramerOutput) => void): void {
    this.#append(Uint8Array.of(byte), 0, 1, out);
  }

  #end(out: (o: FramerOutput) => void): void {
    if (this.#discarding) {
      const discarded = this.#discarded;
      this.#discarding = false;
      this.#discarded = 0;
      out({ kind: 'overflow-end', discarded });
      return;
    }
    if (this.#length === 0) return;
    const bytes = this.#buffer.slice(0, this.#length);
    this.#length = 0;
    out({ kind: 'frame', bytes });
  }
}
