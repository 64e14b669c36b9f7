import type { Clock } from '../core/clock.js';
import type { TimeZone } from '../core/zone.js';

/** Longest single wait: the target is re-evaluated at least this often, so a clock step of an hour either way is caught. */
const MAX_WAIT_MS = 60_000;

/**
 * The last `HH:MM` of the kiosk's zone at or before `now` (within the past day): the day's checkout that should
 * already have happened, so a kiosk that was off (or asleep) at that time still catches up.
 */
export function previousOccurrence(zone: TimeZone, hhmm: string, now: Date): Date | null {
  const candidate = zone.nextOccurrence(hhmm, new Date(now.getTime() - 86_400_000));
  return candidate.getTime() <= now.getTime() ? candidate : null;
}

/**
 * Fires once a day at `checkout.at`, in the kiosk's zone. It never sleeps longer than a minute, and compares with the wall clock each
 * time, so that a clock stepped by NTP neither skips the day's checkout nor fires it twice.
 */
export class DailyTimer {
  private target: Date;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hhmm: string,
    private readonly clock: Clock,
    private readonly zone: TimeZone,
    private readonly fire: (at: Date) => void,
  ) {
    this.target = zone.nextOccurrence(hhmm, clock.now());
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const wait = Math.min(Math.max(this.target.getTime() - this.clock.now().getTime(), 0), MAX_WAIT_MS);
    this.timer = this.clock.setTimeout(() => this.tick(), wait);
  }

  private tick(): void {
    const now = this.clock.now();
    if (now.getTime() >= this.target.getTime()) {
      this.target = this.zone.nextOccurrence(this.hhmm, now);
      this.fire(now);
    } else if (this.target.getTime() - now.getTime() > 25 * 3_600_000) {
      // The clock was stepped back by more than a day: aim at the next occurrence from the new time.
      this.target = this.zone.nextOccurrence(this.hhmm, now);
    }
    this.schedule();
  }
}
