/**
 * A scanner that is not there: generated visitors at a rate, the lines of a file, or lines on standard input.
 * For the demo and benchmarks only. It goes through the same events as a real driver, so the pipeline cannot tell.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { BaseDriver, type ListenerErrorHandler } from '../base-driver.js';
import { DEFAULTS, type SimulatedEntry } from '../config.js';
import { messageOf } from '../io-errors.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { SyntheticVisitors } from './synthetic-visitors.js';

export interface SimulatedDriverDeps {
  readonly clock?: Clock;
  readonly stdin?: Readable;
  readonly onListenerError?: ListenerErrorHandler;
}

export class SimulatedDriver extends BaseDriver {
  readonly #entry: SimulatedEntry;
  readonly #clock: Clock;
  readonly #stdin: Readable;
  readonly #maxFrameBytes: number;
  readonly #encoder = new TextEncoder();
  #timer: NodeJS.Timeout | undefined;
  #closeInput: (() => void) | undefined;
  #running = false;

  constructor(entry: SimulatedEntry, deps: SimulatedDriverDeps = {}) {
    super(entry.id, deps.onListenerError);
    this.#entry = entry;
    // Wall clock only for a driver opened outside the daemon (provision's test scan); the daemon passes its own.
    this.#clock = deps.clock ?? systemClock;
    this.#stdin = deps.stdin ?? process.stdin;
    this.#maxFrameBytes = entry.maxFrameBytes ?? DEFAULTS.maxFrameBytes;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    const source = this.#entry.source ?? 'generate';
    switch (source) {
      case 'generate': {
        const visitors = new SyntheticVisitors(this.#entry.seed ?? 1, this.#entry.badScanRatio ?? 0.05, () => this.#clock.now());
        this.setConnected(`simulated scanner generating synthetic visitors (${this.#rate()}/min) — not for production`);
        this.#every(() => this.#send(visitors.next().payload));
        return;
      }
      case 'file':
        await this.#startFile();
        return;
      case 'stdin':
        this.#startStdin();
        return;
    }
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#closeInput?.();
    this.#closeInput = undefined;
    this.setStopped();
    await Promise.resolve();
  }

  #rate(): number {
    return this.#entry.ratePerMinute ?? 30;
  }

  #every(tick: () => boolean | void): void {
    const interval = 60_000 / this.#rate();
    const loop = (): void => {
      if (!this.#running) return;
      if (tick() === false) return;
      this.#timer = this.#clock.setTimeout(loop, interval);
    };
    this.#timer = this.#clock.setTimeout(loop, interval);
  }

  async #startFile(): Promise<void> {
    const file = this.#entry.file;
    if (file === undefined) {
      this.setError('E_CONFIG_INVALID', 'simulated scanner with source "file" needs a `file`');
      return;
    }
    let lines: string[];
    try {
      lines = (await readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l !== '');
    } catch (err) {
      this.setError('E_SOURCE_UNREADABLE', `cannot read ${file}: ${messageOf(err)}`);
      return;
    }
    if (!this.#running) return;
    this.setConnected(`simulated scanner replaying ${lines.length} lines of ${file} — not for production`);
    let i = 0;
    this.#every(() => {
      if (i >= lines.length) {
        if (!this.#entry.loop || lines.length === 0) {
          this.setDisconnected(`end of ${file}`);
          return false;
        }
        i = 0;
      }
      this.#send(lines[i++] ?? '');
      return true;
    });
  }

  #startStdin(): void {
    const rl = createInterface({ input: this.#stdin, crlfDelay: Infinity });
    rl.on('line', (line) => this.#send(line));
    rl.on('close', () => {
      if (this.#running) this.setDisconnected('standard input closed');
    });
    this.#closeInput = () => rl.close();
    this.setConnected('simulated scanner reading lines from standard input — not for production');
  }

  #send(line: string): void {
    const bytes = this.#encoder.encode(line);
    if (bytes.length > this.#maxFrameBytes) {
      this.setError('E_FRAME_TOO_LONG', `a ${bytes.length}-byte line is over the ${this.#maxFrameBytes}-byte limit; discarded`);
      this.setConnected('reading again after discarding an over-long line');
      return;
    }
    this.emitFrame(bytes, this.#clock.now());
  }
}
