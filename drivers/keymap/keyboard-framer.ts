/**
 * Key events → scans, for the keyboard-mode drivers (hidraw boot reports and evdev): the keyboard decoder's text
 * goes, as UTF-8 bytes, into the same bounded framer the serial driver uses; Enter or `idleMs` of silence ends
 * the scan.
 */
import type { Clock } from '../../src/core/clock.js';
import { Framer, type FramerOutput } from '../serial/framer.js';
import type { KeyEvent } from './key-events.js';
import { KeyboardDecoder } from './keyboard-decoder.js';

export class KeyboardFramer {
  readonly #framer: Framer;
  readonly #decoder: KeyboardDecoder;
  readonly #encoder = new TextEncoder();
  #idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: { readonly maxFrameBytes: number; readonly idleMs: number; readonly clock: Clock },
    private readonly out: (o: FramerOutput) => void,
  ) {
    this.#framer = new Framer({ terminator: 'none', maxFrameBytes: options.maxFrameBytes });
    this.#decoder = new KeyboardDecoder({
      text: (chars) => this.#framer.push(this.#encoder.encode(chars), this.out),
      enter: () => this.#framer.flush(this.out),
    });
  }

  get pendingBytes(): number {
    return this.#framer.pendingBytes;
  }

  handle(events: readonly KeyEvent[]): void {
    for (const e of events) {
      if (e.down) this.#decoder.keyDown(e.usage);
      else this.#decoder.keyUp(e.usage);
    }
    if (events.length === 0) return;
    this.#clearIdle();
    if (this.#framer.inProgress) {
      this.#idle = this.options.clock.setTimeout(() => {
        this.#idle = undefined;
        this.#framer.flush(this.out);
      }, this.options.idleMs);
    }
  }

  reset(): void {
    this.#clearIdle();
    this.#framer.reset();
    this.#decoder.reset();
  }

  #clearIdle(): void {
    if (this.#idle !== undefined) this.options.clock.clearTimeout(this.#idle);
    this.#idle = undefined;
  }
}
