import { existsSync } from 'node:fs';
import type { Clock, Timer } from '../core/clock.js';
import type { Config } from '../config/schema.js';

const RECHECK_MS = 30_000;

/**
 * Whether the system clock is trusted, for `clockSynced` on each check-in. A Raspberry Pi has no RTC, so until NTP
 * syncs its clock can be days off. The marker file is read on a timer, never on the per-scan path.
 */
export class ClockSync {
  private synced: boolean;
  private timer: Timer | undefined;

  constructor(
    private readonly config: Config['clock'],
    private readonly clock: Clock,
  ) {
    this.synced = this.read();
    if (config.synced === 'auto') {
      this.timer = clock.setInterval(() => (this.synced = this.read()), RECHECK_MS);
      this.timer.unref();
    }
  }

  get isSynced(): boolean {
    return this.synced;
  }

  stop(): void {
    this.clock.clearInterval(this.timer);
  }

  private read(): boolean {
    return this.config.synced === 'auto' ? existsSync(this.config.markerFile) : this.config.synced;
  }
}
