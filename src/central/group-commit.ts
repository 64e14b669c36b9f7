/**
 * Group commit: check-ins that arrive within `windowMs` are inserted in one transaction (one fsync), and each
 * waiting publisher is told only after that transaction committed. With the embedded broker that is the moment the
 * kiosk's PUBACK is written, so an acknowledged check-in is on disk.
 */
import type { Clock, Timer } from '../core/clock.js';
import type { CheckinRow } from './store-types.js';

export type CommitOutcome = 'stored' | 'duplicate';

interface Waiting {
  readonly row: CheckinRow;
  readonly resolve: (o: CommitOutcome) => void;
  readonly reject: (err: Error) => void;
}

export interface GroupCommitDeps {
  readonly insert: (rows: readonly CheckinRow[]) => boolean[];
  readonly clock: Clock;
  readonly windowMs: number;
  /** A batch this large is committed at once, without waiting for the window. */
  readonly maxBatch?: number;
  readonly onCommit?: (rows: readonly CheckinRow[], inserted: readonly boolean[], seconds: number) => void;
}

export class GroupCommit {
  private queue: Waiting[] = [];
  private timer: Timer | undefined;
  private readonly maxBatch: number;

  constructor(private readonly d: GroupCommitDeps) {
    this.maxBatch = d.maxBatch ?? 2000;
  }

  get waiting(): number {
    return this.queue.length;
  }

  add(row: CheckinRow): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (this.timer === undefined) this.timer = this.d.clock.setTimeout(() => this.flush(), this.d.windowMs);
    });
  }

  /** Commits what is queued now; every waiting publisher learns the outcome. */
  flush(): void {
    this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const started = performance.now();
    const rows = batch.map((w) => w.row);
    let inserted: boolean[];
    try {
      inserted = this.d.insert(rows);
    } catch (err) {
      for (const w of batch) w.reject(err as Error);
      return;
    }
    this.d.onCommit?.(rows, inserted, (performance.now() - started) / 1000);
    batch.forEach((w, i) => w.resolve(inserted[i] === true ? 'stored' : 'duplicate'));
  }

  close(): void {
    this.flush();
  }
}
