/**
 * Reads a large backlog on a second thread. Draining, this thread's time went a third to reading rows, unsealing
 * them (a fresh AES-GCM decipher per row: ~10 µs in Node) and writing bodies, a third to garbage collection, and the
 * rest to mqtt.js; the reader thread takes the first part and its garbage to the other core, batches ahead, so this
 * thread only publishes and marks (docs/performance.md). A small backlog is read here: starting a thread (~8 MB, tens
 * of ms) is not worth it. If the thread cannot start or fails, reading falls back here and nothing is lost: rows are
 * only marked sent on their PUBACK, whichever thread read them.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { Clock, Timer } from '../core/clock.js';
import type { Logger } from '../logger.js';
import type { BacklogBatch, BacklogThreadData, FromBacklogThread, ToBacklogThread } from './backlog-thread-protocol.js';
import type { BacklogSource, OutgoingCheckin } from './backlog.js';
import type { CheckinMessage, EncodedBytes } from './contract.js';

/** Batches read ahead of the publisher: one being published, one ready, one being read. */
const CREDIT = 2;
/** A batch takes tens of ms; a thread that gives none for this long is taken for wedged and replaced by reads here. */
const STALL_MS = 10_000;

export interface ThreadedBacklogOptions {
  /** The thread's entry: backlog-thread.js, or its bundle. */
  readonly entry: URL;
  readonly data: BacklogThreadData;
  /** Reads while the thread starts, for small backlogs, and after a failure. */
  readonly inThread: BacklogSource;
  readonly pendingCount: () => number;
  /** Pending check-ins from which a drain starts the thread. */
  readonly minBacklog: number;
  readonly log: Logger;
  /** Default 10 s. */
  readonly stallMs?: number;
  /** The stall timer's clock (the forwarder's). */
  readonly clock: Clock;
  /** Starts the thread; default `new Worker(entry, options)`. A test passes one that keeps the Worker, to kill it. */
  readonly startWorker?: (entry: URL, options: WorkerOptions) => Worker;
}

const startWorker = (entry: URL, options: WorkerOptions): Worker => new Worker(entry, options);

export class ThreadedBacklog implements BacklogSource {
  private worker: Worker | null = null;
  private started = false;
  /** The thread failed during this drain: read here until the next one. */
  private failed = false;
  private token = 0;
  /** The `afterSeq` the stream's next batch starts after; null: no stream. */
  private expect: number | null = null;
  private limit = 0;
  private batches: BacklogBatch[] = [];
  private ready: (() => void) | null = null;
  private stallTimer: Timer | undefined;

  private readonly clock: Clock;

  constructor(private readonly options: ThreadedBacklogOptions) {
    this.clock = options.clock;
  }

  /** Whether a reader thread serves the reads now. */
  get threaded(): boolean {
    return this.started;
  }

  read(afterSeq: number, limit: number, ready: () => void): readonly OutgoingCheckin[] | null {
    if (this.worker === null && !this.failed && this.options.pendingCount() >= this.options.minBacklog) this.spawn();
    if (!this.started) return this.options.inThread.read(afterSeq, limit, ready);
    if (afterSeq !== this.expect || limit !== this.limit) this.stream(afterSeq, limit);
    const batch = this.batches.shift();
    if (batch === undefined) {
      this.ready = ready;
      this.stallTimer ??= this.clock
        .setTimeout(() => this.fail(new Error(`the backlog reader thread gave no rows for ${this.stallMs / 1000} s`)), this.stallMs)
        .unref();
      return null;
    }
    const count = batch.seqs.length;
    if (batch.end) this.expect = null;
    else {
      this.expect = batch.seqs[count - 1] as number;
      this.post({ op: 'credit', token: this.token });
    }
    const rows = new Array<OutgoingCheckin>(count);
    let start = 0;
    for (let i = 0; i < count; i += 1) {
      const end = batch.ends[i] as number;
      // A view, not a copy: mqtt.js writes it to the socket and lets go of it on the PUBACK. The thread wrote it as
      // checkinBody() writes a body (backlog-thread.ts), so it is a CheckinMessage's JSON.
      rows[i] = {
        seq: batch.seqs[i] as number,
        body: end === start ? null : (Buffer.from(batch.bytes, start, end - start) as EncodedBytes<CheckinMessage>),
      };
      start = end;
    }
    return rows;
  }

  release(): void {
    this.stop();
    this.failed = false;
  }

  private spawn(): void {
    let worker: Worker;
    try {
      worker = (this.options.startWorker ?? startWorker)(this.options.entry, {
        workerData: this.options.data,
        // Its heap holds a few batches at a time; a bound keeps a fault there from growing the kiosk's memory.
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
      });
    } catch (err) {
      this.fail(err);
      return;
    }
    // It never keeps the daemon alive: a stop with a backlog left exits at once.
    worker.unref();
    this.worker = worker;
    worker.on('message', (m: FromBacklogThread) => this.onMessage(worker, m));
    worker.on('error', (err) => {
      if (worker === this.worker) this.fail(err);
    });
    worker.on('exit', (code) => {
      if (worker === this.worker) this.fail(new Error(`the backlog reader thread exited (code ${code})`));
    });
  }

  private onMessage(worker: Worker, m: FromBacklogThread): void {
    if (worker !== this.worker) return;
    if ('ready' in m) {
      this.started = true;
      this.options.log.info({ pending: this.options.pendingCount() }, 'reading the backlog on a second thread');
      return;
    }
    if (m.token !== this.token) return; // a stream the publisher has left
    if ('error' in m) {
      this.fail(Object.assign(new Error(m.error.message), { code: m.error.code }));
      return;
    }
    this.batches.push(m);
    this.clearStall();
    this.wake();
  }

  private stream(after: number, limit: number): void {
    this.token += 1;
    this.expect = after;
    this.limit = limit;
    this.batches = [];
    this.post({ op: 'stream', token: this.token, after, limit, credit: CREDIT });
  }

  private post(m: ToBacklogThread): void {
    this.worker?.postMessage(m);
  }

  private fail(err: unknown): void {
    this.options.log.warn({ err }, 'the backlog reader thread failed; reading the backlog on the main thread');
    this.stop();
    this.failed = true;
    this.wake();
  }

  private get stallMs(): number {
    return this.options.stallMs ?? STALL_MS;
  }

  private clearStall(): void {
    this.clock.clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  private stop(): void {
    this.clearStall();
    const worker = this.worker;
    this.worker = null;
    this.started = false;
    this.expect = null;
    this.batches = [];
    if (worker !== null) void worker.terminate();
  }

  private wake(): void {
    const ready = this.ready;
    this.ready = null;
    ready?.();
  }
}
