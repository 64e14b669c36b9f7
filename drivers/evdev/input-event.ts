/**
 * Linux `struct input_event` records from /dev/input/event* → key events. Pure. A read may end mid-record; the
 * tail (at most one record minus a byte) is kept for the next read.
 *
 * Layout: struct timeval (2 × long), u16 type, u16 code, s32 value, little-endian. 24 bytes where long is 64-bit,
 * 16 bytes on 32-bit ARM and x86 (Raspberry Pi OS 32-bit).
 */
export const EV_KEY = 0x01;

export interface InputEvent {
  readonly type: number;
  readonly code: number;
  readonly value: number;
}

export function recordSizeFor(arch: string = process.arch): 16 | 24 {
  return arch === 'arm' || arch === 'ia32' ? 16 : 24;
}

export class InputEventReader {
  readonly #tail: Uint8Array;
  #tailLength = 0;

  constructor(readonly recordSize: 16 | 24 = recordSizeFor()) {
    this.#tail = new Uint8Array(recordSize);
  }

  push(chunk: Uint8Array): InputEvent[] {
    const out: InputEvent[] = [];
    let offset = 0;
    if (this.#tailLength > 0) {
      const need = this.recordSize - this.#tailLength;
      const take = Math.min(need, chunk.length);
      this.#tail.set(chunk.subarray(0, take), this.#tailLength);
      this.#tailLength += take;
      offset = take;
      if (this.#tailLength < this.recordSize) return out;
      out.push(this.#decode(this.#tail, 0));
      this.#tailLength = 0;
    }
    while (offset + this.recordSize <= chunk.length) {
      out.push(this.#decode(chunk, offset));
      offset += this.recordSize;
    }
    if (offset < chunk.length) {
      this.#tail.set(chunk.subarray(offset), 0);
      this.#tailLength = chunk.length - offset;
    }
    return out;
  }

  reset(): void {
    this.#tailLength = 0;
  }

  #decode(buf: Uint8Array, at: number): InputEvent {
    const view = new DataView(buf.buffer, buf.byteOffset + at, this.recordSize);
    const base = this.recordSize - 8;
    return { type: view.getUint16(base, true), code: view.getUint16(base + 2, true), value: view.getInt32(base + 4, true) };
  }
}

/** Encodes one record (for fixtures and tests). */
export function encodeInputEvent(e: InputEvent & { sec?: number; usec?: number }, recordSize: 16 | 24 = 24): Uint8Array {
  const buf = new Uint8Array(recordSize);
  const view = new DataView(buf.buffer);
  const half = (recordSize - 8) / 2;
  if (half === 8) {
    view.setBigInt64(0, BigInt(e.sec ?? 0), true);
    view.setBigInt64(8, BigInt(e.usec ?? 0), true);
  } else {
    view.setInt32(0, e.sec ?? 0, true);
    view.setInt32(4, e.usec ?? 0, true);
  }
  const base = recordSize - 8;
  view.setUint16(base, e.type, true);
  view.setUint16(base + 2, e.code, true);
  view.setInt32(base + 4, e.value, true);
  return buf;
}
