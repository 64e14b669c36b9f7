/**
 * Serial / USB-CDC scanner: opens the port by path or USB ids, frames the byte stream (terminator, idle timeout,
 * length cap) and reopens the port when the scanner comes back after an unplug.
 */
import { realpath, stat } from 'node:fs/promises';
import { DEFAULTS, type SerialEntry } from '../config.js';
import { DeviceDriver, type DeviceDriverOptions, type Located, type Session, type SessionCallbacks } from '../device-driver.js';
import { defaultRoots, findByMatch, type DiscoveryRoots } from '../discovery.js';
import { errnoOf } from '../io-errors.js';
import { Framer, type FramerOutput } from './framer.js';
import { openSerialPort, type PortOpener, type SerialReader } from './port.js';

export interface SerialDriverDeps extends DeviceDriverOptions {
  readonly openPort?: PortOpener;
  readonly roots?: DiscoveryRoots;
}

export class SerialDriver extends DeviceDriver {
  readonly #entry: SerialEntry;
  readonly #openPort: PortOpener;
  readonly #roots: DiscoveryRoots;
  readonly #framer: Framer;
  readonly #idleMs: number;
  readonly #baudRate: number;
  readonly #reader: SerialReader;
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #out = (o: FramerOutput): void => this.deliver(o, `the next terminator or ${this.#idleMs} ms of silence`);

  constructor(entry: SerialEntry, deps: SerialDriverDeps = {}) {
    super(entry.id, 'serial', deps);
    this.#entry = entry;
    this.#openPort = deps.openPort ?? openSerialPort;
    this.#roots = deps.roots ?? defaultRoots();
    this.#idleMs = entry.idleMs ?? DEFAULTS.idleMs;
    this.#baudRate = entry.baudRate ?? DEFAULTS.baudRate;
    this.#reader = entry.reader ?? DEFAULTS.reader;
    this.#framer = new Framer({
      terminator: entry.terminator ?? DEFAULTS.terminator,
      maxFrameBytes: entry.maxFrameBytes ?? DEFAULTS.maxFrameBytes,
    });
  }

  /** Bytes held for the scan in progress; never more than maxFrameBytes (exposed for tests and diagnostics). */
  get bufferedBytes(): number {
    return this.#framer.pendingBytes;
  }

  protected async locate(): Promise<Located> {
    if (this.#entry.match) {
      const found = await findByMatch(this.#entry.match, 'serial', this.#roots);
      if (!found) return null;
      const path = found.stablePath ?? found.devPath;
      return { path, description: `${path} (USB ${found.vendorId}:${found.productId})${this.#settings()}` };
    }
    const path = this.#entry.path ?? '';
    try {
      await stat(path);
    } catch (err) {
      const code = errnoOf(err);
      // A dangling by-id link (ENOENT) or a vanished parent (ENOTDIR) both mean "not plugged in".
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    }
    const real = await realpath(path).catch(() => path);
    return { path, description: `${path}${real !== path ? ` → ${real}` : ''}${this.#settings()}` };
  }

  protected async openSession(path: string, callbacks: SessionCallbacks): Promise<Session> {
    const port = await this.#openPort(path, this.#baudRate, { reader: this.#reader });
    port.onData((chunk) => this.#onBytes(chunk));
    port.onEnd((err) => callbacks.end(err));
    return { close: () => port.close() };
  }

  protected absentDetail(): string {
    if (this.#entry.match) {
      const m = this.#entry.match;
      return `no USB serial device ${m.vendorId}:${m.productId}${m.serialNumber ? ` serial ${m.serialNumber}` : ''} is plugged in; watching for it`;
    }
    return `${this.#entry.path ?? ''} is not there (scanner unplugged?); watching for it`;
  }

  protected resetSessionState(): void {
    this.#clearIdle();
    // A scan cut by an unplug is incomplete; passing it on would record half a visitor.
    this.#framer.reset();
  }

  #settings(): string {
    return `, ${this.#baudRate} baud, terminator ${this.#entry.terminator ?? DEFAULTS.terminator}, idle ${this.#idleMs} ms${this.#reader === 'serialport' ? ', serialport reader' : ''}`;
  }

  #onBytes(chunk: Uint8Array): void {
    try {
      this.#framer.push(chunk, this.#out);
      if (this.#framer.inProgress) this.#armIdle();
      else this.#clearIdle();
    } catch (err) {
      // Framing is pure and should not throw; if it ever does, drop the scan rather than the process.
      this.#framer.reset();
      this.setError('E_READ_FAILED', `internal framing error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #armIdle(): void {
    this.#clearIdle();
    this.#idleTimer = this.clock.setTimeout(() => {
      this.#idleTimer = undefined;
      this.#framer.flush(this.#out);
    }, this.#idleMs);
  }

  #clearIdle(): void {
    if (this.#idleTimer !== undefined) this.clock.clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }
}
