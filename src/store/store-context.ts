/**
 * What the parts of the check-in store share: the open database and its prepared statements, the sealer, the
 * clock and zone, the pending counts (kept in memory, so the drain never counts rows), and the two ways a write is
 * made (a check-in's fsynced commit, a delivery mark's unsynced one). Each part of the store (recorder, outbox,
 * presence, retention, reports) is given this and nothing else.
 */
import type { Database } from 'better-sqlite3';
import type { Warning } from '../decode/index.js';
import { systemClock, type Clock } from '../core/clock.js';
import { TimeZone } from '../core/zone.js';
import { toStoreError, type StoreError } from './errors.js';
import { OutboxReader, rowMeta, unreadable, type OutboxRow } from './outbox-reader.js';
import { personKey } from './person-key.js';
import type { Sealer } from './sealer.js';
import { prepare, type Statements } from './statements.js';
import type { Checkin, CheckinInput, UnreadableCheckin } from './types.js';

export interface StoreOptions {
  readonly path: string;
  readonly keyFile: string;
  readonly maxPending: number;
  /** Cap on the database size (SQLite max_page_count); reaching it is SQLITE_FULL, like a full disk. */
  readonly maxSizeMB?: number | undefined;
  /**
   * False when no broker is configured: rows are then recorded as having nothing to deliver, so retention can
   * delete them and the outbox never fills up.
   */
  readonly forwarding: boolean;
  /** Time of the delivery marks, the ids and the retention cutoff. Default: the system clock (tests give their own). */
  readonly clock?: Clock;
  /** The kiosk's zone (clock.timeZone): scannedAt's offset and the start of "today". Default: Asia/Ho_Chi_Minh. */
  readonly zone?: TimeZone;
}

/** A stored check-in row as `SELECT *` returns it. */
export interface CheckinRow extends OutboxRow {
  scanned_ms: number;
  doc_type: string;
  person_mac: Buffer;
  sent_ms: number | null;
}

export class StoreContext {
  readonly clock: Clock;
  readonly zone: TimeZone;
  readonly q: Statements;
  readonly reader: OutboxReader;
  /** Check-ins and rejects waiting for the broker. */
  readonly pending = { checkins: 0, rejects: 0 };
  /**
   * What the last attempt to record a scan (check-in or reject) met: 'unknown' until the first since opening,
   * 'ok', or the StoreError that refused it. The status page says "not recording" from it, so that a kiosk whose
   * store refuses does not invite the next visitor to scan.
   */
  lastWrite: 'unknown' | 'ok' | StoreError = 'unknown';

  constructor(
    readonly db: Database,
    readonly options: StoreOptions,
    readonly sealer: Sealer,
  ) {
    // Wall clock only for a store opened outside the daemon (bench and chaos fixtures); the daemon passes its own.
    this.clock = options.clock ?? systemClock;
    this.zone = options.zone ?? new TimeZone();
    this.q = prepare(db);
    this.reader = new OutboxReader(db, sealer);
    this.pending.checkins = (this.q.countPending.get() as { n: number }).n;
    this.pending.rejects = (this.q.countPendingRejects.get() as { n: number }).n;
  }

  nowMs(): number {
    return this.clock.now().getTime();
  }

  /** A write; an SQLite failure comes out as a StoreError with its code (full, read-only, …). */
  write<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err) ?? err;
    }
  }

  /**
   * Delivery marks are committed without waiting for the disk (WAL, synchronous=NORMAL): they survive a crash of the
   * process, and a power cut can only undo the last marks, which means those rows are sent again with the same id
   * (at least once). The next check-in's FULL commit syncs the WAL, marks included. Without this, every ack batch
   * stalled the drain for an fsync.
   */
  writeMarks<T>(fn: () => T): T {
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.write(fn);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /** The keyed MAC of the person holding this document: presence is kept by it, never by the number. */
  personMac(document: CheckinInput['document']): Buffer {
    return this.sealer.mac(personKey(document));
  }

  insideByMac(mac: Buffer): boolean {
    return this.q.presenceOf.get(mac) !== undefined;
  }

  toCheckin(r: OutboxRow): Checkin | UnreadableCheckin {
    const documentJson = this.reader.open(r);
    if (documentJson === null) return unreadable(r);
    return { ...rowMeta(r), document: JSON.parse(documentJson) as Checkin['document'], warnings: JSON.parse(r.warnings) as Warning[] };
  }
}

export function readableOnly(rows: ReadonlyArray<Checkin | UnreadableCheckin>): Checkin[] {
  return rows.filter((r): r is Checkin => !('unreadable' in r));
}
