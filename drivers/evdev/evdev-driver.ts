/**
 * Keyboard-wedge scanner on /dev/input/event*: input_event records → key events → the US keymap → scans ending on
 * Enter or `idleMs` of silence. Node cannot take the device exclusively (EVIOCGRAB needs a native addon), so the
 * shipped udev rule is what keeps the scanner's keystrokes from the desktop; the connected detail says so.
 */
import { stat } from 'node:fs/promises';
import { DEFAULTS, type EvdevEntry } from '../config.js';
import { DeviceDriver, type DeviceDriverOptions, type Located, type Session, type SessionCallbacks } from '../device-driver.js';
import { defaultRoots, findByMatch, type DiscoveryRoots } from '../discovery.js';
import { errnoOf } from '../io-errors.js';
import { evdevToUsage } from '../keymap/evdev-codes.js';
import type { KeyEvent } from '../keymap/key-events.js';
import { KeyboardFramer } from '../keymap/keyboard-framer.js';
import { openEvdev, type EvdevOpener } from './evdev-io.js';
import { EV_KEY, InputEventReader, recordSizeFor } from './input-event.js';

export interface EvdevDriverDeps extends DeviceDriverOptions {
  readonly openDevice?: EvdevOpener;
  readonly roots?: DiscoveryRoots;
  /** How long to wait after an empty read; keystrokes arrive at most every ~1 ms, so 10 ms adds no visible lag. */
  readonly readPollMs?: number;
  readonly recordSize?: 16 | 24;
}

const NO_GRAB_NOTE =
  '; keystrokes also reach the desktop unless drivers/udev/99-qrgate.rules is installed (no exclusive grab from Node), and the text console always sees them';

export class EvdevDriver extends DeviceDriver {
  readonly #entry: EvdevEntry;
  readonly #open: EvdevOpener;
  readonly #roots: DiscoveryRoots;
  readonly #readPollMs: number;
  readonly #reader: InputEventReader;
  readonly #keyboard: KeyboardFramer;

  constructor(entry: EvdevEntry, deps: EvdevDriverDeps = {}) {
    super(entry.id, 'evdev', deps);
    this.#entry = entry;
    this.#open = deps.openDevice ?? openEvdev;
    this.#roots = deps.roots ?? defaultRoots();
    this.#readPollMs = deps.readPollMs ?? 10;
    this.#reader = new InputEventReader(deps.recordSize ?? recordSizeFor());
    const idleMs = entry.idleMs ?? DEFAULTS.idleMs;
    this.#keyboard = new KeyboardFramer({ maxFrameBytes: entry.maxFrameBytes ?? DEFAULTS.maxFrameBytes, idleMs, clock: this.clock }, (o) =>
      this.deliver(o, `Enter or ${idleMs} ms without a key`),
    );
  }

  protected async locate(): Promise<Located> {
    if (this.#entry.match) {
      const found = await findByMatch(this.#entry.match, 'input', this.#roots);
      if (!found) return null;
      const path = found.stablePath ?? found.devPath;
      return { path, description: `${path} (USB ${found.vendorId}:${found.productId})` };
    }
    const path = this.#entry.path ?? '';
    try {
      await stat(path);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return null;
    }
    return { path, description: path };
  }

  protected override connectedNote(): string {
    return NO_GRAB_NOTE;
  }

  protected async openSession(path: string, callbacks: SessionCallbacks): Promise<Session> {
    const handle = await this.#open(path);
    let open = true;
    let timer: NodeJS.Timeout | undefined;
    const buffer = new Uint8Array(this.#reader.recordSize * 64);
    let reading: Promise<void> = Promise.resolve();
    const loop = async (): Promise<void> => {
      while (open) {
        let n: number;
        try {
          n = await handle.read(buffer);
        } catch (err) {
          if (open) callbacks.end(err);
          return;
        }
        if (!open) return;
        if (n === 0) {
          timer = this.clock.setTimeout(() => {
            timer = undefined;
            reading = loop();
          }, this.#readPollMs);
          return;
        }
        this.#onBytes(buffer.subarray(0, n));
      }
    };
    reading = loop();
    return {
      close: async () => {
        open = false;
        if (timer !== undefined) this.clock.clearTimeout(timer);
        await reading;
        await handle.close().catch(() => undefined);
      },
    };
  }

  protected absentDetail(): string {
    const m = this.#entry.match;
    return m
      ? `no USB keyboard-mode scanner ${m.vendorId}:${m.productId} is plugged in; watching for it`
      : `${this.#entry.path ?? ''} is not there (scanner unplugged?); watching for it`;
  }

  protected resetSessionState(): void {
    this.#reader.reset();
    this.#keyboard.reset();
  }

  #onBytes(bytes: Uint8Array): void {
    const keys: KeyEvent[] = [];
    for (const e of this.#reader.push(bytes)) {
      if (e.type !== EV_KEY || e.value === 2) continue; // value 2 is autorepeat: a scanner never holds a key
      const usage = evdevToUsage(e.code);
      if (usage !== null) keys.push({ usage, down: e.value === 1 });
    }
    this.#keyboard.handle(keys);
  }
}
