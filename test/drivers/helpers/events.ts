/** Collects a driver's events and waits for conditions on them, with a deadline instead of fixed sleeps. */
import type { Frame, ScannerDriver, ScannerStateEvent } from '../../../src/core/scanner.js';

export class Recorder {
  readonly frames: Frame[] = [];
  readonly states: ScannerStateEvent[] = [];

  constructor(driver: ScannerDriver) {
    driver.on('frame', (f) => this.frames.push(f));
    driver.on('state', (s) => this.states.push(s));
  }

  texts(): string[] {
    return this.frames.map((f) => Buffer.from(f.bytes).toString('utf8'));
  }

  codes(): string[] {
    return this.states.flatMap((s) => (s.state === 'error' ? [s.code] : []));
  }

  async until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<number> {
    const start = Date.now();
    while (!cond()) {
      if (Date.now() - start > timeoutMs) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; states: ${JSON.stringify(this.states)}; frames: ${JSON.stringify(this.texts())}`,
        );
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return Date.now() - start;
  }
}
