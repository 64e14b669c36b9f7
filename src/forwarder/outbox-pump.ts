/**
 * Drains the store's outbox to the broker: at least once, with a bounded in-flight window, marking a row sent only
 * after its PUBACK. Ordering policy (docs/mqtt.md): rows go out in `seq` order, except that a check-in recorded
 * while a backlog drains takes the live lane and is sent ahead of the backlog, so a visitor at the gate is not
 * queued behind hours of outage; consumers that need strict order sort by `seq`, which is gap-free.
 */
import type { Clock } from '../core/clock.js';
import type { OutboxStore } from '../store/outbox.js';
import type { Reject } from '../store/types.js';
import { isPublishable, type BacklogSource, type OutgoingCheckin, type PublishableCheckin } from './backlog.js';

const FETCH = 512;
/** Acknowledgements are written in batches: one fsync per batch instead of one per message. */
const ACK_BATCH = 256;
const ACK_FLUSH_MS = 20;
/** Unreadable rows set aside in one turn of the event loop, at most. */
const SET_ASIDE_PER_TURN = 64;

export type Item = { readonly kind: 'checkin'; readonly row: PublishableCheckin } | { readonly kind: 'reject'; readonly row: Reject };

export interface PumpOptions {
  readonly store: Pick<OutboxStore, 'markCheckinsSent' | 'pendingRejectsAfter' | 'markRejectsSent'>;
  readonly backlog: BacklogSource;
  /** Publishes one item; `done` is called on its PUBACK, or with an error if it will never come on this connection. */
  readonly publish: (item: Item, done: (err?: Error | null) => void) => void;
  readonly window: number;
  /** Backlog messages per second after an outage (live check-ins are not limited); undefined: as fast as acks allow. */
  readonly drainRatePerSec?: number | undefined;
  readonly clock: Clock;
  readonly onError?: (err: unknown) => void;
  /** A backlog row whose sealed document does not open (body null): it is handed here instead of being published. */
  readonly setAside: (seq: number) => void;
}

export class OutboxPump {
  private running = false;
  private generation = 0;
  private inflight = 0;
  private cursor = 0;
  private rejectCursor = 0;
  private backlog: OutgoingCheckin[] = [];
  private rejects: Reject[] = [];
  private live: PublishableCheckin[] = [];
  /** Sent through the live lane before the backlog cursor reached them. */
  private readonly ahead = new Set<number>();
  private acked: number[] = [];
  private ackedRejects: number[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private rateTimer: NodeJS.Timeout | undefined;
  private tokens: number;
  private lastRefill: number;
  private backlogExhausted = false;
  private rejectsExhausted = false;
  private refillScheduled = false;

  constructor(private readonly options: PumpOptions) {
    this.tokens = options.window;
    this.lastRefill = options.clock.now().getTime();
  }

  get inFlight(): number {
    return this.inflight;
  }

  /** Sending (connected and not paused): only then do live check-ins go through notifyCheckin. */
  get isRunning(): boolean {
    return this.running;
  }

  /** On connect: start again from the first unacknowledged row. */
  start(): void {
    this.running = true;
    this.pump();
  }

  /** Before a graceful stop: send nothing new, but keep counting the acknowledgements of what is in flight. */
  pause(): void {
    this.running = false;
  }

  /** On disconnect: what is in flight is unacknowledged, so it will be read again from the store. */
  stop(): void {
    this.running = false;
    this.generation += 1;
    this.flushAcks();
    this.inflight = 0;
    this.cursor = 0;
    this.rejectCursor = 0;
    this.backlog = [];
    this.rejects = [];
    this.live = [];
    this.ahead.clear();
    this.backlogExhausted = false;
    this.rejectsExhausted = false;
    this.options.backlog.release();
    if (this.rateTimer !== undefined) this.options.clock.clearTimeout(this.rateTimer);
    this.rateTimer = undefined;
  }

  /** A check-in was just committed. */
  notifyCheckin(c: PublishableCheckin): void {
    if (!this.running) return;
    this.live.push(c);
    this.pump();
  }

  /** A reject was just committed. */
  notifyReject(): void {
    if (!this.running) return;
    this.rejectsExhausted = false;
    this.pump();
  }

  /** Writes pending acknowledgements now (before a shutdown). */
  flushAcks(): void {
    if (this.flushTimer !== undefined) this.options.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    try {
      if (this.acked.length > 0) this.options.store.markCheckinsSent(this.acked);
      if (this.ackedRejects.length > 0) this.options.store.markRejectsSent(this.ackedRejects);
    } catch (err) {
      // Not marked means sent again later with the same id: at least once, never lost.
      this.options.onError?.(err);
    }
    this.acked = [];
    this.ackedRejects = [];
  }

  private pump(): void {
    while (this.running && this.inflight < this.options.window) {
      const item = this.next();
      if (item === null) return;
      this.send(item);
    }
  }

  private send(item: Item): void {
    const generation = this.generation;
    this.inflight += 1;
    this.options.publish(item, (err) => {
      if (generation !== this.generation) return;
      this.inflight -= 1;
      if (err) return; // the connection is going; stop() resets and the row is read again
      if (item.kind === 'checkin') this.acked.push(item.row.seq);
      else this.ackedRejects.push(item.row.n);
      if (this.acked.length + this.ackedRejects.length >= ACK_BATCH) this.flushAcks();
      else this.flushTimer ??= this.options.clock.setTimeout(() => this.flushAcks(), ACK_FLUSH_MS);
      this.scheduleRefill();
    });
  }

  /**
   * Refills the window once per event-loop turn rather than once per PUBACK: the acknowledgements that arrived in
   * one socket read are all counted first, then the freed slots are published in one synchronous burst, which
   * mqtt.js writes to the socket in one corked write instead of one system call per message.
   */
  private scheduleRefill(): void {
    if (this.refillScheduled) return;
    this.refillScheduled = true;
    setImmediate(() => {
      this.refillScheduled = false;
      this.pump();
    });
  }

  private next(): Item | null {
    for (let c = this.live.shift(); c !== undefined; c = this.live.shift()) {
      if (c.seq <= this.cursor) continue; // the backlog already covered it
      // With the backlog drained, every newer row comes through here in order: just move the cursor. Only rows
      // that jump a backlog are remembered, until the backlog reaches them.
      if (this.backlogExhausted) this.cursor = c.seq;
      else this.ahead.add(c.seq);
      return { kind: 'checkin', row: c };
    }
    const fromBacklog = this.nextBacklog();
    if (fromBacklog === 'wait') return null;
    if (fromBacklog !== null) return { kind: 'checkin', row: fromBacklog };
    const reject = this.nextReject();
    return reject === null ? null : { kind: 'reject', row: reject };
  }

  private nextBacklog(): PublishableCheckin | null | 'wait' {
    for (let setAside = 0; ; setAside += 1) {
      if (this.backlog.length === 0 && !this.backlogExhausted) {
        const generation = this.generation;
        const rows = this.options.backlog.read(this.cursor, FETCH, () => {
          if (generation === this.generation) this.pump();
        });
        if (rows === null) return 'wait';
        const last = rows[rows.length - 1];
        if (last !== undefined) this.cursor = last.seq;
        const acked = new Set(this.acked);
        this.backlog = rows.filter((r) => !this.ahead.delete(r.seq) && !acked.has(r.seq));
        if (rows.length < FETCH) {
          this.backlogExhausted = true;
          this.options.backlog.release();
        }
      }
      if (this.backlog.length === 0) {
        // New rows arrive through notifyCheckin; look at the store again only after a disconnect or a reject.
        return null;
      }
      if (setAside >= SET_ASIDE_PER_TURN) {
        // A long run of damaged rows is written off a turn at a time: scans go on being recorded meanwhile.
        this.scheduleRefill();
        return 'wait';
      }
      if (!this.takeToken()) return 'wait';
      const row = this.backlog.shift() as OutgoingCheckin;
      if (isPublishable(row)) return row;
      this.options.setAside(row.seq);
    }
  }

  private nextReject(): Reject | null {
    if (this.rejects.length === 0 && !this.rejectsExhausted) {
      const rows = this.options.store.pendingRejectsAfter(this.rejectCursor, FETCH);
      const last = rows[rows.length - 1];
      if (last !== undefined) this.rejectCursor = last.n;
      this.rejects = rows.filter((r) => !this.ackedRejects.includes(r.n));
      if (rows.length < FETCH) this.rejectsExhausted = true;
    }
    return this.rejects.shift() ?? null;
  }

  /** Token bucket for the backlog drain rate. */
  private takeToken(): boolean {
    const rate = this.options.drainRatePerSec;
    if (rate === undefined) return true;
    const now = this.options.clock.now().getTime();
    this.tokens = Math.min(this.options.window, this.tokens + ((now - this.lastRefill) / 1000) * rate);
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    if (this.rateTimer === undefined) {
      const wait = Math.ceil(((1 - this.tokens) / rate) * 1000);
      this.rateTimer = this.options.clock.setTimeout(() => {
        this.rateTimer = undefined;
        this.pump();
      }, wait);
    }
    return false;
  }
}
