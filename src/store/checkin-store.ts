/**
 * The durable check-in store and outbox. It knows nothing of MQTT: the forwarder reads pending rows in `seq` order
 * and marks them sent when it has its acknowledgement. Every write is one transaction, committed (fsynced WAL)
 * before the method returns, so "recorded" means recorded.
 */
import type { Database } from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import type { Warning } from '../decode/index.js';
import { systemClock, type Clock } from '../core/clock.js';
import { TimeZone } from '../core/zone.js';
import { StoreError, toStoreError } from './errors.js';
import { assertSameKey, recordFingerprint, storedFingerprint } from './key-fingerprint.js';
import { migrate } from './migrations.js';
import { movedAsideCopies, openDatabase, removeCopy } from './open-database.js';
import { OutboxReader, rowMeta, unreadable, type OutboxRow } from './outbox-reader.js';
import { personKey } from './person-key.js';
import { beginSalvage, continueSalvage, describeSalvage, pendingSalvageFrom } from './salvage.js';
import { createKeyFile, loadKeyFile, readKeyIfPresent, Sealer } from './sealer.js';
import { prepare, type Statements } from './statements.js';
import type { Checkin, CheckinDraft, CheckinInput, DayCounts, OutboxCheckin, Reject, RejectInput, StoreAlarm, UnreadableCheckin } from './types.js';
import { uuidv7 } from './uuidv7.js';

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

interface CheckinRow extends OutboxRow {
  scanned_ms: number;
  doc_type: string;
  person_mac: Buffer;
  sent_ms: number | null;
}

interface RejectRow {
  n: number;
  id: string;
  scanner: string;
  code: string;
  scanned_at: string;
  scanned_ms: number;
  clock_synced: number;
  sent_ms: number | null;
}

const PURGE_BATCH = 5000;

export class CheckinStore {
  readonly alarms: readonly StoreAlarm[];
  private readonly sealer: Sealer;
  private readonly clock: Clock;
  private readonly zone: TimeZone;
  private pending: number;
  private pendingRejects: number;
  private readonly q: Statements;
  private readonly outbox: OutboxReader;

  private constructor(
    private readonly db: Database,
    private readonly options: StoreOptions,
    sealer: Sealer,
    alarms: StoreAlarm[],
  ) {
    this.sealer = sealer;
    this.alarms = alarms;
    this.clock = options.clock ?? systemClock;
    this.zone = options.zone ?? new TimeZone();
    this.q = prepare(db);
    this.outbox = new OutboxReader(db, sealer);
    this.pending = (this.q.countPending.get() as { n: number }).n;
    this.pendingRejects = (this.q.countPendingRejects.get() as { n: number }).n;
  }

  static open(options: StoreOptions): CheckinStore {
    const now = (options.clock ?? systemClock).now();
    // The key first: a key this user cannot read (or a directory in its place) is E_STORE_KEY before any file is
    // made; and a first start makes the key before the database, so a failure leaves nothing behind.
    const present = readKeyIfPresent(options.keyFile);
    const early = present ?? (existsSync(options.path) ? null : createKeyFile(options.keyFile));
    const { db, movedAside } = (() => {
      try {
        return openDatabase(options.path, now);
      } catch (err) {
        // A read-only medium or a file SQLite cannot open is a store fault with a code, not a crash.
        throw toStoreError(err) ?? err;
      }
    })();
    try {
      migrate(db);
      if (options.maxSizeMB !== undefined) {
        const pageSize = db.pragma('page_size', { simple: true }) as number;
        db.pragma(`max_page_count = ${Math.floor((options.maxSizeMB * 1024 * 1024) / pageSize)}`);
      }
      if (movedAside !== null) beginSalvage(db, movedAside);
      const stored = storedFingerprint(db);
      const keyFile = early ?? loadKeyFile(options.keyFile, stored === undefined);
      const sealer = new Sealer(keyFile.key);
      if (stored === undefined) recordFingerprint(db, sealer);
      else assertSameKey(stored, sealer, options.keyFile);
      const alarms: StoreAlarm[] = [];
      // This start's move, or one a crash or a full disk interrupted: either way it goes on from where it stopped.
      const salvage = continueSalvage(db, (sealed, id) => sealer.tryOpen(sealed, id) !== null);
      if (salvage !== null) alarms.push({ code: 'E_STORE_CORRUPT', detail: describeSalvage(salvage) });
      if (keyFile.tooOpen) alarms.push({ code: 'W_KEY_PERMISSIONS', detail: `chmod 600 ${options.keyFile}` });
      return new CheckinStore(db, options, sealer, alarms);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Records an accepted scan and updates who is inside, atomically. Throws StoreError when it cannot. */
  recordCheckin(input: CheckinInput): Checkin {
    const [result] = this.recordCheckins([input]);
    if (result === undefined) throw new Error('recordCheckins returned no result for one draft');
    if (!result.ok) throw result.error;
    return result.checkin;
  }

  /**
   * Records several accepted scans in one transaction: one fsync for a burst (a scanner replaying its buffer,
   * frames that arrived in one read) instead of one each. Each result says whether that scan was recorded; nothing
   * is recorded unless the transaction commits. `toggle` is decided in the transaction, so the same person twice in
   * one burst goes in, then out.
   */
  recordCheckins(drafts: readonly CheckinDraft[]): Array<{ readonly ok: true; readonly checkin: Checkin } | { readonly ok: false; readonly error: StoreError }> {
    const room = this.options.forwarding ? Math.max(0, this.options.maxPending - this.pending) : drafts.length;
    const accepted = drafts.slice(0, room);
    const prepared: Array<{ input: CheckinInput; id: string; scannedAt: string; mac: Buffer; sealed: Buffer; sentMs: number | null }> = [];
    let seqs: number[];
    try {
      seqs = this.write(() =>
        this.q.insertMany((insertOne) =>
          accepted.map((draft) => {
            const mac = this.sealer.mac(personKey(draft.document));
            const direction = draft.direction === 'toggle' ? (this.insideByMac(mac) ? 'out' : 'in') : draft.direction;
            const input: CheckinInput = { ...draft, direction };
            const id = uuidv7(this.nowMs());
            const x = { input, id, scannedAt: this.zone.iso(input.scannedAt), mac, sealed: this.sealer.seal(JSON.stringify(input.document), id), sentMs: this.options.forwarding ? null : this.nowMs() };
            prepared.push(x);
            return insertOne(input, x);
          }),
        ),
      );
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      return drafts.map(() => ({ ok: false, error: err }));
    }
    if (this.options.forwarding) this.pending += seqs.length;
    // Made only when a draft did not fit: an Error (its stack) costs as much as sealing the document.
    let full: StoreError | undefined;
    return drafts.map((_, i) => {
      const x = prepared[i];
      const seq = seqs[i];
      if (x === undefined || seq === undefined) return { ok: false, error: (full ??= new StoreError('E_STORE_FULL', `${this.pending} check-ins waiting for the broker (store.maxPending)`)) };
      const { scannedAt: _at, ...rest } = x.input;
      return { ok: true, checkin: { ...rest, id: x.id, seq, scannedAt: x.scannedAt, warnings: [...x.input.warnings] } };
    });
  }

  recordReject(input: RejectInput): Reject {
    if (this.options.forwarding && this.pendingRejects >= this.options.maxPending) {
      throw new StoreError('E_STORE_FULL', `${this.pendingRejects} rejects waiting for the broker (store.maxPending)`);
    }
    const id = uuidv7(this.nowMs());
    const scannedAt = this.zone.iso(input.scannedAt);
    const sentMs = this.options.forwarding ? null : this.nowMs();
    const n = this.write(() =>
      Number(this.q.insertReject.run(id, input.scanner, input.code, scannedAt, input.scannedAt.getTime(), input.clockSynced ? 1 : 0, sentMs).lastInsertRowid),
    );
    if (sentMs === null) this.pendingRejects += 1;
    return { id, n, scanner: input.scanner, code: input.code, scannedAt, clockSynced: input.clockSynced };
  }

  /** Whether the person holding this document is inside now. */
  isInside(input: Pick<CheckinInput, 'document'>): boolean {
    return this.insideByMac(this.sealer.mac(personKey(input.document)));
  }

  private insideByMac(mac: Buffer): boolean {
    return this.q.presenceOf.get(mac) !== undefined;
  }

  /** Pending check-ins after `afterSeq`, oldest first, decrypted (those whose sealed document still opens). */
  pendingCheckins(afterSeq: number, limit: number): Checkin[] {
    return readableOnly(this.outbox.rows(afterSeq, limit).map((r) => this.toCheckin(r)));
  }

  /** The same rows as `pendingCheckins`, in the form the forwarder sends: the document left as its JSON text. */
  outboxAfter(afterSeq: number, limit: number): Array<OutboxCheckin | UnreadableCheckin> {
    return this.outbox.read(afterSeq, limit);
  }

  /** Every stored check-in with `from <= seq <= to`, delivered or not (central's `resend` request). */
  checkinsInRange(from: number, to: number): Array<OutboxCheckin | UnreadableCheckin> {
    return this.outbox.readRange(from, to);
  }

  /**
   * Takes a pending check-in whose sealed document does not open out of the outbox: it can never be sent as
   * recorded, and left pending it would be read again after every reconnect. It is kept, marked with sent_ms 0
   * (never a delivery time), until the retention deletes it. Returns whether it was pending.
   */
  setAsideUnreadable(seq: number): boolean {
    const changed = this.writeMarks(() => this.q.setAside.run(seq).changes);
    this.pending -= changed;
    return changed > 0;
  }

  /** Marks check-ins delivered; returns how many were pending. */
  markCheckinsSent(seqs: readonly number[]): number {
    const at = this.nowMs();
    // One transaction per batch, all or nothing, so the pending count cannot drift from the file when a write fails
    // part-way; one UPDATE per run of consecutive seqs (acks mostly come in order).
    const changed = this.writeMarks(() => this.q.markSentRanges.immediate(at, runsOf(seqs)));
    this.pending -= changed;
    return changed;
  }

  pendingRejectsAfter(afterN: number, limit: number): Reject[] {
    return (this.q.pendingRejectsAfter.all(afterN, limit) as RejectRow[]).map(toReject);
  }

  markRejectsSent(ns: readonly number[]): number {
    const at = this.nowMs();
    const changed = this.writeMarks(() => this.q.markRejectsSentRanges.immediate(at, runsOf(ns)));
    this.pendingRejects -= changed;
    return changed;
  }

  pendingCount(): number {
    return this.pending;
  }

  oldestPending(): { seq: number; scannedAt: string } | null {
    const row = this.q.oldestPending.get() as { seq: number; scanned_at: string } | undefined;
    return row === undefined ? null : { seq: row.seq, scannedAt: row.scanned_at };
  }

  lastSeq(): number {
    return this.q.lastSeq.pluck().get() as number;
  }

  /** Who is inside, by the check-ins they came in by; one whose document no longer opens cannot be shown. */
  insideNow(): Checkin[] {
    return readableOnly((this.q.insideNow.all() as CheckinRow[]).map((r) => this.toCheckin(r)));
  }

  /** Check-ins scanned in [fromMs, toMs), in seq order, decrypted: the technician's CSV export of a day. */
  checkinsBetween(fromMs: number, toMs: number): Array<Checkin | UnreadableCheckin> {
    return (this.q.checkinsBetween.all(fromMs, toMs) as CheckinRow[]).map((r) => this.toCheckin(r));
  }

  /** How many scans were rejected since `fromMs`, by code, most frequent first. */
  rejectCountsSince(fromMs: number): Array<{ code: string; count: number }> {
    return this.q.rejectCountsSince.all(fromMs) as Array<{ code: string; count: number }>;
  }

  countsSince(fromMs: number): DayCounts {
    const byDirection = this.q.countsSince.all(fromMs) as Array<{ direction: 'in' | 'out'; n: number }>;
    return {
      in: byDirection.find((r) => r.direction === 'in')?.n ?? 0,
      out: byDirection.find((r) => r.direction === 'out')?.n ?? 0,
      rejected: this.q.rejectsSince.pluck().get(fromMs) as number,
      insideNow: this.q.insideCount.pluck().get() as number,
    };
  }

  today(): DayCounts {
    return this.countsSince(this.zone.startOfDay(this.clock.now()));
  }

  /**
   * Checks out everyone inside (with `inBefore`, only those whose "in" was scanned before it: their retention ends),
   * marked auto. Returns the new check-ins. Someone whose "in" no longer opens cannot be checked out with their
   * document; they leave the inside list all the same, so nobody stays inside for good.
   */
  autoCheckout(at: Date, clockSynced: boolean, inBefore?: number): Checkin[] {
    const inside = this.insideNow().filter((c) => inBefore === undefined || new Date(c.scannedAt).getTime() < inBefore);
    return this.write(() =>
      this.db.transaction(() => {
        const outs = inside.map((c) =>
          this.recordCheckin({ scanner: c.scanner, direction: 'out', auto: true, manual: c.manual, scannedAt: at, clockSynced, document: c.document, warnings: [] }),
        );
        if (inBefore === undefined) this.q.clearPresence.run();
        else this.q.leaveInBefore.run(inBefore);
        return outs;
      }).immediate(),
    );
  }

  /**
   * Deletes delivered rows older than the retention, at most `maxBatches` batches of 5000 per call; only pending rows
   * stay. Someone still inside whose "in" is older than the retention leaves the inside list first (their row is
   * then deleted like any other), so presence never keeps personal data past the retention. `more` says whether
   * another call would find more: callers on the event loop purge one batch at a time and yield in between, so a
   * large first purge never stalls scanning.
   */
  purgeExpired(retentionDays: number, maxBatches = Number.POSITIVE_INFINITY): { checkins: number; rejects: number; more: boolean } {
    const cutoff = this.retentionCutoff(retentionDays);
    this.write(() => this.q.leaveInBefore.run(cutoff));
    let checkins = 0;
    let rejects = 0;
    for (let batch = 0; batch < maxBatches; batch += 1) {
      const c = this.write(() => this.q.purgeCheckins.run(cutoff, PURGE_BATCH).changes);
      const r = this.write(() => this.q.purgeRejects.run(cutoff, PURGE_BATCH).changes);
      checkins += c;
      rejects += r;
      if (c < PURGE_BATCH && r < PURGE_BATCH) return { checkins, rejects, more: false };
    }
    return { checkins, rejects, more: true };
  }

  /** Epoch ms before which a check-in's retention has ended. */
  retentionCutoff(retentionDays: number): number {
    return this.nowMs() - retentionDays * 86_400_000;
  }

  /**
   * Deletes the copies of this database moved aside as corrupt more than the retention ago (they hold sealed personal
   * data too), but never one a salvage still reads from. Returns the paths deleted.
   */
  purgeMovedAside(retentionDays: number): string[] {
    const cutoff = this.nowMs() - retentionDays * 86_400_000;
    const reading = pendingSalvageFrom(this.db);
    const expired = movedAsideCopies(this.options.path).filter((c) => c.at.getTime() < cutoff && c.path !== reading);
    for (const c of expired) removeCopy(c.path);
    return expired.map((c) => c.path);
  }

  /** Cheap liveness of the database handle, for the systemd watchdog; not an integrity check. */
  isHealthy(): boolean {
    try {
      return this.db.open && this.q.lastSeq.pluck().get() !== undefined;
    } catch {
      return false;
    }
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  sizeBytes(): number {
    const wal = (() => {
      try {
        return statSync(`${this.options.path}-wal`).size;
      } catch {
        return 0;
      }
    })();
    return statSync(this.options.path).size + wal;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Delivery marks are committed without waiting for the disk (WAL, synchronous=NORMAL): they survive a crash of the
   * process, and a power cut can only undo the last marks, which means those rows are sent again with the same id
   * (at least once). The next check-in's FULL commit syncs the WAL, marks included. Without this, every ack batch
   * stalled the drain for an fsync.
   */
  private writeMarks<T>(fn: () => T): T {
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.write(fn);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }

  private write<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err) ?? err;
    }
  }

  private toCheckin(r: OutboxRow): Checkin | UnreadableCheckin {
    const documentJson = this.outbox.open(r);
    if (documentJson === null) return unreadable(r);
    return { ...rowMeta(r), document: JSON.parse(documentJson) as Checkin['document'], warnings: JSON.parse(r.warnings) as Warning[] };
  }
}

function readableOnly(rows: ReadonlyArray<Checkin | UnreadableCheckin>): Checkin[] {
  return rows.filter((r): r is Checkin => !('unreadable' in r));
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
