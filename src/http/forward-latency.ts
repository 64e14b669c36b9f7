/**
 * Time from a check-in's commit to its row being marked delivered (PUBACK, then the pump's batched write, ≤ 20 ms).
 * The forwarder does not announce single acknowledgements, so this watches the outbox instead: every check-in with
 * a seq below the oldest pending one has been delivered. While rows wait it asks the store (one indexed LIMIT 1
 * query), quickly at first and backing off to once a second during an outage. During a backlog drain a live-lane
 * check-in (sent ahead of the backlog) is only counted once the backlog passes it, so those figures are high.
 */
import type { CheckinStore } from '../store/checkin-store.js';

const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 1000;
/** Check-ins tracked at once; beyond it the oldest are forgotten (an outage is visible in the pending gauge). */
const MAX_TRACKED = 10_000;

export interface ForwardLatencyOptions {
  readonly store: Pick<CheckinStore, 'oldestPending'>;
  readonly observe: (seconds: number) => void;
  readonly now?: () => number;
}

export class ForwardLatencyProbe {
  private readonly waiting: Array<{ readonly seq: number; readonly at: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  private pollMs = FIRST_POLL_MS;
  private readonly now: () => number;

  constructor(private readonly o: ForwardLatencyOptions) {
    this.now = o.now ?? (() => performance.timeOrigin + performance.now());
  }

  committed(seq: number): void {
    this.waiting.push({ seq, at: this.now() });
    if (this.waiting.length > MAX_TRACKED) this.waiting.shift();
    this.pollMs = FIRST_POLL_MS;
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.length = 0;
  }

  private schedule(): void {
    if (this.waiting.length === 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), this.pollMs);
    this.timer.unref();
  }

  private poll(): void {
    this.timer = undefined;
    let oldest: number;
    try {
      oldest = this.o.store.oldestPending()?.seq ?? Number.POSITIVE_INFINITY;
    } catch {
      // The store is closing: nothing more will be delivered in this process.
      this.stop();
      return;
    }
    const at = this.now();
    let released = 0;
    while (this.waiting.length > 0 && (this.waiting[0] as { seq: number }).seq < oldest) {
      const item = this.waiting.shift() as { seq: number; at: number };
      this.o.observe(Math.max(0, at - item.at) / 1000);
      released += 1;
    }
    this.pollMs = released > 0 ? FIRST_POLL_MS : Math.min(MAX_POLL_MS, this.pollMs * 2);
    this.schedule();
  }
}
