/**
 * The outbox side of the store: what waits for the broker, in `seq` order, and the delivery marks the forwarder
 * writes once it has a PUBACK. It knows nothing of MQTT.
 */
import type { Code } from '../core/codes.js';
import { readableOnly, type StoreContext } from './store-context.js';
import type { Checkin, OutboxCheckin, Reject, UnreadableCheckin } from './types.js';

interface RejectRow {
  n: number;
  id: string;
  scanner: string;
  code: Code;
  scanned_at: string;
  scanned_ms: number;
  clock_synced: number;
  sent_ms: number | null;
}

export class Outbox {
  constructor(private readonly ctx: StoreContext) {}

  /** Pending check-ins after `afterSeq`, oldest first, decrypted (those whose sealed document still opens). */
  pendingCheckins(afterSeq: number, limit: number): Checkin[] {
    return readableOnly(this.ctx.reader.rows(afterSeq, limit).map((r) => this.ctx.toCheckin(r)));
  }

  /** The same rows as `pendingCheckins`, in the form the forwarder sends: the document left as its JSON text. */
  outboxAfter(afterSeq: number, limit: number): Array<OutboxCheckin | UnreadableCheckin> {
    return this.ctx.reader.read(afterSeq, limit);
  }

  /** Every stored check-in with `from <= seq <= to`, delivered or not (central's `resend` request). */
  checkinsInRange(from: number, to: number): Array<OutboxCheckin | UnreadableCheckin> {
    return this.ctx.reader.readRange(from, to);
  }

  /**
   * Takes a pending check-in whose sealed document does not open out of the outbox: it can never be sent as
   * recorded, and left pending it would be read again after every reconnect. It is kept, marked with sent_ms 0
   * (never a delivery time), until the retention deletes it. Returns whether it was pending. The policy around it
   * (log, or keep it pending when even this fails) is set-aside.ts.
   */
  setAsideUnreadable(seq: number): boolean {
    const changed = this.ctx.writeMarks(() => this.ctx.q.setAside.run(seq).changes);
    this.ctx.pending.checkins -= changed;
    return changed > 0;
  }

  /** Marks check-ins delivered; returns how many were pending. */
  markCheckinsSent(seqs: readonly number[]): number {
    const at = this.ctx.nowMs();
    // One transaction per batch, all or nothing, so the pending count cannot drift from the file when a write fails
    // part-way; one UPDATE per run of consecutive seqs (acks mostly come in order).
    const changed = this.ctx.writeMarks(() => this.ctx.q.markSentRanges.immediate(at, runsOf(seqs)));
    this.ctx.pending.checkins -= changed;
    return changed;
  }

  pendingRejectsAfter(afterN: number, limit: number): Reject[] {
    return (this.ctx.q.pendingRejectsAfter.all(afterN, limit) as RejectRow[]).map(toReject);
  }

  markRejectsSent(ns: readonly number[]): number {
    const at = this.ctx.nowMs();
    const changed = this.ctx.writeMarks(() => this.ctx.q.markRejectsSentRanges.immediate(at, runsOf(ns)));
    this.ctx.pending.rejects -= changed;
    return changed;
  }

  pendingCount(): number {
    return this.ctx.pending.checkins;
  }

  oldestPending(): { seq: number; scannedAt: string } | null {
    const row = this.ctx.q.oldestPending.get() as { seq: number; scanned_at: string } | undefined;
    return row === undefined ? null : { seq: row.seq, scannedAt: row.scanned_at };
  }

  lastSeq(): number {
    return this.ctx.q.lastSeq.pluck().get() as number;
  }
}

/** Sorted runs of consecutive numbers: [3, 1, 2, 7] → [[1, 3], [7, 7]]. */
export function runsOf(ns: readonly number[]): Array<readonly [number, number]> {
  const sorted = [...ns].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const n of sorted) {
    const last = runs[runs.length - 1];
    if (last !== undefined && n <= last[1] + 1) last[1] = Math.max(last[1], n);
    else runs.push([n, n]);
  }
  return runs;
}

function toReject(r: RejectRow): Reject {
  return { id: r.id, n: r.n, scanner: r.scanner, code: r.code, scannedAt: r.scanned_at, clockSynced: r.clock_synced === 1 };
}

/** The outbox's calls, structurally: what a consumer of the outbox (the forwarder) is given of the store. */
export type OutboxStore = Pick<Outbox, keyof Outbox>;
