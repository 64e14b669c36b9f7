/**
 * Group commit: check-ins that arrive within `windowMs` are inserted in one transaction (one fsync), and each
 * waiting publisher is told only after that transaction committed. With the embedded broker that is the moment the
 * kiosk's PUBACK is written, so an acknowledged check-in is on disk. One commit is in flight at a time; what
 * arrives meanwhile forms the next batch, committed as soon as the one in flight is done.
 */
import type { Clock, Timer } from '../core/clock.js';
import type { CheckinRow } from './store-types.js';

export type CommitOutcome = 'stored' | 'duplicate';

interface Waiting<R> {
  readonly row: R;
  readonly resolve: (o: CommitOutcome) => void;
  readonly reject: (err: Error) => void;
}

/** `R`: what is inserted (the ingest's CheckinDraft, sealed where it is inserted; tests use plain rows). */
export interface GroupCommitDeps<R = CheckinRow> {
  readonly insert: (rows: readonly R[]) => Promise<boolean[]>;
  readonly clock: Clock;
  readonly windowMs: number;
  /** A batch this large is committed at once, without waiting for the window (broker.groupCommitRows); no batch is larger. */
  readonly maxBatch: number;
  readonly onCommit?: (rows: readonly R[], inserted: readonly boolean[], seconds: number) => void;
}

export class GroupCommit<R = CheckinRow> {
  private queue: Waiting<R>[] = [];
  private timer: Timer | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly deps: GroupCommitDeps<R>) {}

  get waiting(): number {
    return this.queue.length;
  }

  add(row: R): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (this.inFlight !== undefined) return;
      if (this.queue.length >= this.deps.maxBatch) void this.flush();
      else if (this.timer === undefined) this.timer = this.deps.clock.setTimeout(() => void this.flush(), this.deps.windowMs);
    });
  }

  /** Commits what is queued now (after the commit in flight); every waiting publisher learns the outcome. */
  flush(): Promise<void> {
    this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight !== undefined) return this.inFlight;
    const batch = this.queue.splice(0, this.deps.maxBatch);
    if (batch.length === 0) return Promise.resolve();
    this.inFlight = this.commit(batch).finally(() => {
      this.inFlight = undefined;
      // Whatever came during the commit has waited long enough: no second window.
      if (this.queue.length > 0) void this.flush();
    });
    return this.inFlight;
  }

  /** Commits everything queued, waiting for the commit in flight. */
  async close(): Promise<void> {
    while (this.inFlight !== undefined || this.queue.length > 0) await this.flush();
  }

  private async commit(batch: readonly Waiting<R>[]): Promise<void> {
    const started = performance.now();
    const rows = batch.map((w) => w.row);
    let inserted: boolean[];
    try {
      inserted = await this.deps.insert(rows);
    } catch (err) {
      for (const w of batch) w.reject(err as Error);
      return;
    }
    this.deps.onCommit?.(rows, inserted, (performance.now() - started) / 1000);
    batch.forEach((w, i) => w.resolve(inserted[i] === true ? 'stored' : 'duplicate'));
  }
}
