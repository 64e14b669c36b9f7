/**
 * The open → read → lose → wait → reopen loop shared by the serial, HID and evdev drivers. A driver supplies how to
 * find its device and how to open a session on it; this class owns the single retry timer, so nothing can leak
 * across unplug/replug cycles: at most one session and one timer exist at any time.
 */
import { realpath } from 'node:fs/promises';
import { BaseDriver, type ListenerErrorHandler } from './base-driver.js';
import { DEFAULTS } from './config.js';
import { classifyOpenError, messageOf, type DeviceKind, type IoFailure } from './io-errors.js';
import type { PosOutput } from './hid/pos-report.js';
import type { FramerOutput } from './serial/framer.js';
import { systemClock, type Clock } from '../src/core/clock.js';

export type DeliverableOutput = FramerOutput | PosOutput;

async function identityOf(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

/** An open device. `end` must be called by the session, once, when the device stops delivering data. */
export interface Session {
  close(): Promise<void>;
}

export interface SessionCallbacks {
  /** The device went away or failed; `err` undefined means a clean end (EOF). */
  end(err?: unknown): void;
}

export interface DeviceDriverOptions {
  readonly clock?: Clock;
  /** How often to look for an absent device, and to retry a failed open. */
  readonly pollMs?: number;
  readonly onListenerError?: ListenerErrorHandler;
}

export type Located = { readonly path: string; readonly description: string } | null;

export abstract class DeviceDriver extends BaseDriver {
  protected readonly clock: Clock;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #session: Session | undefined;
  #running = false;
  #attempt: Promise<void> | undefined;
  /** Bumped on every session start and stop, so a late callback from an old session is ignored. */
  #generation = 0;

  protected constructor(
    id: string,
    protected readonly kind: DeviceKind,
    options: DeviceDriverOptions,
  ) {
    super(id, options.onListenerError);
    // Wall clock only for a driver opened outside the daemon (provisioning); the daemon passes its own (App.start).
    this.clock = options.clock ?? systemClock;
    this.#pollMs = options.pollMs ?? DEFAULTS.pollMs;
  }

  /** Where the device is now, or null if it is not there. Must not throw for "absent". */
  protected abstract locate(): Promise<Located>;
  /** Opens the device; rejects with the I/O error. */
  protected abstract openSession(path: string, callbacks: SessionCallbacks): Promise<Session>;
  /** What "waiting" looks like to a technician, e.g. "waiting for /dev/serial/by-id/… to appear". */
  protected abstract absentDetail(): string;
  /** Called when a session ends or the driver stops: drop partial frames and timers that belong to a session. */
  protected abstract resetSessionState(): void;
  /** Extra text appended to the connected detail. */
  protected connectedNote(): string {
    return '';
  }
  /** A chance to turn a failure into a better-worded one (e.g. E_HID_UNAVAILABLE). */
  protected classify(err: unknown, path: string): IoFailure {
    return classifyOpenError(err, this.kind, path);
  }

  async start(): Promise<void> {
    if (this.#running) return this.#attempt;
    this.#running = true;
    this.#attempt = this.#tryOpen();
    await this.#attempt;
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#generation++;
    this.#clearTimer();
    // An open in flight finishes first, so its session is closed here and not left behind.
    await this.#attempt?.catch(() => undefined);
    await this.#closeSession();
    this.resetSessionState();
    this.setStopped();
  }

  /** Turns framer output into a frame or the E_FRAME_TOO_LONG / back-to-connected pair of state events. */
  protected deliver(o: DeliverableOutput, endHint: string): void {
    switch (o.kind) {
      case 'frame':
        this.emitFrame(o.bytes, this.clock.now(), 'aim' in o ? o.aim : null);
        return;
      case 'overflow':
        this.setError(
          'E_FRAME_TOO_LONG',
          `more than ${o.limit} bytes arrived without a scan ending; discarding them up to ${endHint} (check the scanner's suffix settings)`,
        );
        return;
      case 'overflow-end':
        this.setConnected(`reading again after discarding ${o.discarded} bytes of an over-long scan`);
        return;
    }
  }

  /** True while a device session is open (for tests and diagnostics). */
  get isOpen(): boolean {
    return this.#session !== undefined;
  }

  async #tryOpen(): Promise<void> {
    if (!this.#running) return;
    let located: Located;
    try {
      located = await this.locate();
    } catch (err) {
      const failure = this.classify(err, 'the device list');
      if (failure.kind === 'absent') this.setDisconnected(this.absentDetail());
      else this.setError(failure.code, failure.detail);
      this.#schedule();
      return;
    }
    if (!this.#running) return;
    if (located === null) {
      this.setDisconnected(this.absentDetail());
      this.#schedule();
      return;
    }
    const generation = ++this.#generation;
    let session: Session;
    try {
      session = await this.openSession(located.path, { end: (err) => this.#sessionEnded(generation, err) });
    } catch (err) {
      if (!this.#running) return;
      const failure = this.classify(err, located.path);
      if (failure.kind === 'absent') this.setDisconnected(this.absentDetail());
      else this.setError(failure.code, failure.detail);
      this.#schedule();
      return;
    }
    const identity = await identityOf(located.path);
    if (!this.#running || generation !== this.#generation) {
      await session.close().catch(() => undefined);
      return;
    }
    this.#session = session;
    this.setConnected(`${located.description}${this.connectedNote()}`);
    this.#watch(generation, located.path, identity);
  }

  /**
   * While connected, keep checking that the device is still the one we opened: serialport and node-hid do not
   * always report an unplug (a read can stay parked on a dead fd), and a by-id link may come back pointing at a
   * new node. Either way the session is ended and the normal reopen path takes over.
   */
  #watch(generation: number, path: string, identity: string): void {
    if (generation !== this.#generation || !this.#running) return;
    this.#clearTimer();
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#checkStillThere(generation, path, identity);
    }, this.#pollMs);
  }

  async #checkStillThere(generation: number, path: string, identity: string): Promise<void> {
    let now: Located;
    try {
      now = await this.locate();
    } catch {
      now = { path, description: '' }; // cannot tell; assume unchanged and let the I/O layer speak
    }
    if (generation !== this.#generation || !this.#running) return;
    const same = now !== null && now.path === path && (await identityOf(path)) === identity;
    if (generation !== this.#generation || !this.#running) return;
    if (same) this.#watch(generation, path, identity);
    else this.#sessionEnded(generation, new Error(`${path} disappeared or now points to another device`));
  }

  #sessionEnded(generation: number, err: unknown): void {
    if (generation !== this.#generation || !this.#running) return;
    this.#generation++;
    const session = this.#session;
    this.#session = undefined;
    this.resetSessionState();
    void session?.close().catch(() => undefined);
    this.setDisconnected(err === undefined ? 'the device closed' : `the device went away (${messageOf(err)}); waiting for it to return`);
    this.#schedule();
  }

  async #closeSession(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session) await session.close().catch(() => undefined);
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#clearTimer();
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#attempt = this.#tryOpen();
    }, this.#pollMs);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
