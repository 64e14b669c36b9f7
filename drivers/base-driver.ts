/**
 * Typed events and state bookkeeping shared by every driver. A listener that throws must not unwind into a
 * serial-port callback or a timer (that would crash the daemon), so emits are guarded here once for all drivers.
 */
import { EventEmitter } from 'node:events';
import { splitAim, type AimSplit } from './aim.js';
import type { DriverCode } from '../src/core/codes.js';
import type { Frame, ScannerDriver, ScannerState, ScannerStateEvent } from '../src/core/scanner.js';

export type ListenerErrorHandler = (err: unknown, event: 'frame' | 'state') => void;

const defaultListenerError: ListenerErrorHandler = (err, event) => {
  process.emitWarning(`qrgate scanner driver: a '${event}' listener threw: ${err instanceof Error ? err.message : String(err)}`);
};

export abstract class BaseDriver extends EventEmitter implements ScannerDriver {
  #state: ScannerState = 'stopped';
  #lastKey = '';
  readonly #onListenerError: ListenerErrorHandler;

  constructor(
    readonly id: string,
    onListenerError?: ListenerErrorHandler,
  ) {
    super();
    this.#onListenerError = onListenerError ?? defaultListenerError;
  }

  get state(): ScannerState {
    return this.#state;
  }

  override on(event: 'frame', listener: (f: Frame) => void): this;
  override on(event: 'state', listener: (s: ScannerStateEvent) => void): this;
  override on(event: 'frame' | 'state', listener: ((f: Frame) => void) | ((s: ScannerStateEvent) => void)): this {
    return super.on(event, listener);
  }

  override off(event: 'frame', listener: (f: Frame) => void): this;
  override off(event: 'state', listener: (s: ScannerStateEvent) => void): this;
  override off(event: 'frame' | 'state', listener: ((f: Frame) => void) | ((s: ScannerStateEvent) => void)): this {
    return super.off(event, listener);
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  /** `aim`: the symbology id when the protocol carries it apart (HID-POS); else one in front of the data is split off. */
  protected emitFrame(raw: Uint8Array, receivedAt: Date, aim?: string | null): void {
    const { bytes, aim: id }: AimSplit = aim ? { bytes: raw, aim } : splitAim(raw);
    if (bytes.length === 0) return;
    const frame: Frame = id !== null ? { scannerId: this.id, bytes, receivedAt, aim: id } : { scannerId: this.id, bytes, receivedAt };
    this.#safeEmit('frame', frame);
  }

  protected setConnected(detail: string): void {
    this.#transition({ scannerId: this.id, state: 'connected', detail });
  }

  protected setDisconnected(detail: string): void {
    this.#transition({ scannerId: this.id, state: 'disconnected', detail });
  }

  protected setError(code: DriverCode, detail: string): void {
    this.#transition({ scannerId: this.id, state: 'error', code, detail });
  }

  /** Marks the driver stopped without an event: the caller asked for it and knows. */
  protected setStopped(): void {
    this.#state = 'stopped';
    this.#lastKey = '';
  }

  // A device that stays away is polled every few hundred ms; repeating the same event each time would flood logs.
  #transition(event: ScannerStateEvent): void {
    // A device that disappears is first reported with the cause, then found absent by the poll: one event is enough.
    const key =
      event.state === 'disconnected'
        ? 'disconnected'
        : `${event.state}\u0000${event.state === 'error' ? event.code : ''}\u0000${event.detail}`;
    this.#state = event.state;
    if (key === this.#lastKey) return;
    this.#lastKey = key;
    this.#safeEmit('state', event);
  }

  #safeEmit(event: 'frame' | 'state', arg: Frame | ScannerStateEvent): void {
    try {
      this.emit(event, arg);
    } catch (err) {
      try {
        this.#onListenerError(err, event);
      } catch {
        // The reporter itself failed; there is nowhere left to report to, and the driver must keep running.
      }
    }
  }
}
