/**
 * USB HID scanner through hidraw (node-hid): HID-POS scanned-data reports, or boot-keyboard reports from a
 * keyboard-mode scanner, chosen by `reportFormat` (auto: by report size: keyboard reports are 8 or 9 bytes).
 */
import { stat } from 'node:fs/promises';
import { DEFAULTS, type HidEntry } from '../config.js';
import { DeviceDriver, type DeviceDriverOptions, type Located, type Session, type SessionCallbacks } from '../device-driver.js';
import { errnoOf, type IoFailure, classifyOpenError } from '../io-errors.js';
import { KeyboardFramer } from '../keymap/keyboard-framer.js';
import { USAGE_PAGE_GENERIC_DESKTOP, USAGE_PAGE_POS_SCANNER } from '../hid-descriptor.js';
import { BootKeyboardParser } from './boot-report.js';
import { loadNodeHid, type HidLoader, type HidModule } from './load-node-hid.js';
import { HidPosAssembler } from './pos-report.js';

export interface HidDriverDeps extends DeviceDriverOptions {
  readonly loadHid?: HidLoader;
}

class HidUnavailable extends Error {}
class HidNotAScanner extends Error {}

export class HidDriver extends DeviceDriver {
  readonly #entry: HidEntry;
  readonly #loadHid: HidLoader;
  #hid: HidModule | undefined;
  readonly #pos: HidPosAssembler;
  readonly #boot = new BootKeyboardParser();
  readonly #keyboard: KeyboardFramer;
  readonly #idleMs: number;

  constructor(entry: HidEntry, deps: HidDriverDeps = {}) {
    super(entry.id, 'hid', deps);
    this.#entry = entry;
    this.#loadHid = deps.loadHid ?? loadNodeHid;
    const maxFrameBytes = entry.maxFrameBytes ?? DEFAULTS.maxFrameBytes;
    this.#idleMs = entry.idleMs ?? DEFAULTS.idleMs;
    this.#pos = new HidPosAssembler(maxFrameBytes);
    this.#keyboard = new KeyboardFramer({ maxFrameBytes, idleMs: this.#idleMs, clock: this.clock }, (o) =>
      this.deliver(o, `Enter or ${this.#idleMs} ms without a key`),
    );
  }

  protected async locate(): Promise<Located> {
    const hid = await this.#module();
    const match = this.#entry.match;
    if (match) {
      const devices = await hid.devicesAsync();
      const candidates = devices.filter(
        (d) =>
          d.path !== undefined &&
          d.vendorId === Number.parseInt(match.vendorId, 16) &&
          d.productId === Number.parseInt(match.productId, 16) &&
          (match.serialNumber === undefined || d.serialNumber === match.serialNumber),
      );
      // A scanner exposes several HID interfaces; the HID-POS one is the one to read unless told otherwise.
      const wantKeyboard = this.#entry.reportFormat === 'keyboard';
      const pick = candidates.find((d) => (d.usagePage === USAGE_PAGE_POS_SCANNER) !== wantKeyboard) ?? candidates[0];
      if (!pick?.path) return null;
      if (pick.usagePage !== undefined && pick.usagePage !== USAGE_PAGE_POS_SCANNER && pick.usagePage !== USAGE_PAGE_GENERIC_DESKTOP) {
        throw new HidNotAScanner(
          `USB ${match.vendorId}:${match.productId} has no HID-POS or keyboard interface (usage page 0x${pick.usagePage.toString(16)}); set the scanner to HID-POS or USB COM mode`,
        );
      }
      return {
        path: pick.path,
        description: `${pick.path} (USB ${match.vendorId}:${match.productId}, usage page 0x${(pick.usagePage ?? 0).toString(16)})`,
      };
    }
    const path = this.#entry.path ?? '';
    try {
      await stat(path);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return null;
    }
    return { path, description: path };
  }

  protected async openSession(path: string, callbacks: SessionCallbacks): Promise<Session> {
    const hid = await this.#module();
    const device = await hid.open(path);
    device.on('data', (data) => this.#onReport(data));
    device.on('error', (err) => callbacks.end(err));
    return {
      close: async () => {
        device.removeAllListeners();
        // node-hid may emit 'error' while closing; without a listener that would throw.
        device.on('error', () => undefined);
        await device.close().catch(() => undefined);
      },
    };
  }

  protected override classify(err: unknown, path: string): IoFailure {
    if (err instanceof HidUnavailable) return { kind: 'error', code: 'E_HID_UNAVAILABLE', detail: err.message };
    if (err instanceof HidNotAScanner) return { kind: 'error', code: 'E_HID_FORMAT', detail: err.message };
    return classifyOpenError(err, 'hid', path);
  }

  protected absentDetail(): string {
    const m = this.#entry.match;
    return m
      ? `no HID device ${m.vendorId}:${m.productId}${m.serialNumber ? ` serial ${m.serialNumber}` : ''} is plugged in; watching for it`
      : `${this.#entry.path ?? ''} is not there (scanner unplugged?); watching for it`;
  }

  protected resetSessionState(): void {
    this.#pos.reset();
    this.#boot.reset();
    this.#keyboard.reset();
  }

  async #module(): Promise<HidModule> {
    if (this.#hid) return this.#hid;
    const loaded = await this.#loadHid();
    if (!loaded.ok) throw new HidUnavailable(loaded.detail);
    this.#hid = loaded.hid;
    return loaded.hid;
  }

  #onReport(data: Uint8Array): void {
    const format = this.#entry.reportFormat ?? DEFAULTS.reportFormat;
    const keyboard = format === 'keyboard' || (format === 'auto' && data.length <= 9);
    if (keyboard) this.#keyboard.handle(this.#boot.push(data));
    else this.#pos.push(data, (o) => this.deliver(o, 'the end of the scan'));
  }
}
