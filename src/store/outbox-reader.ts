/**
 * Reads the outbox: pending check-ins after a seq, oldest first. The store reads it on its own connection; a drain
 * of a large backlog reads it from a second thread on a second, read-only connection to the same file (WAL lets a
 * reader see every committed row while the daemon keeps writing), so this file is all that thread needs of the store.
 */
import Database, { type Database as Db, type Statement } from 'better-sqlite3';
import type { Warning } from '../decode/index.js';
import { assertSameKey, storedFingerprint } from './key-fingerprint.js';
import { PAGE_CACHE_KIB } from './open-database.js';
import { loadKeyFile, Sealer } from './sealer.js';
import type { Checkin, OutboxCheckin, UnreadableCheckin } from './types.js';

/** Only the columns a message needs: a drain reads every pending row, and each unused column costs. */
const OUTBOX_SQL =
  'SELECT seq, id, scanner, direction, auto, manual, scanned_at, clock_synced, sealed, warnings FROM checkins WHERE sent_ms IS NULL AND seq > ? ORDER BY seq LIMIT ?';
/** Every stored check-in in a seq range, sent or not: central's `resend` request (docs/mqtt.md). */
const RANGE_SQL =
  'SELECT seq, id, scanner, direction, auto, manual, scanned_at, clock_synced, sealed, warnings FROM checkins WHERE seq BETWEEN ? AND ? ORDER BY seq';

export interface OutboxRow {
  seq: number;
  id: string;
  scanner: string;
  direction: 'in' | 'out';
  auto: number;
  manual: number;
  scanned_at: string;
  clock_synced: number;
  sealed: Buffer;
  warnings: string;
}

export class OutboxReader {
  private readonly pendingAfter: Statement;
  private readonly inRange: Statement;

  constructor(
    db: Db,
    private readonly sealer: Sealer,
  ) {
    this.pendingAfter = db.prepare(OUTBOX_SQL);
    this.inRange = db.prepare(RANGE_SQL);
  }

  /** The rows as stored (the document still sealed). */
  rows(afterSeq: number, limit: number): OutboxRow[] {
    return this.pendingAfter.all(afterSeq, limit) as OutboxRow[];
  }

  /**
   * The rows in the form the forwarder sends: the document opened but left as its JSON text. A row whose document
   * does not open comes as an UnreadableCheckin, in its place, so one damaged value cannot stop the rows after it.
   */
  read(afterSeq: number, limit: number): Array<OutboxCheckin | UnreadableCheckin> {
    return this.toOutbox(this.rows(afterSeq, limit));
  }

  /** Every stored check-in with `from <= seq <= to`, sent or not, in the form `read` gives. */
  readRange(from: number, to: number): Array<OutboxCheckin | UnreadableCheckin> {
    return this.toOutbox(this.inRange.all(from, to) as OutboxRow[]);
  }

  private toOutbox(rows: readonly OutboxRow[]): Array<OutboxCheckin | UnreadableCheckin> {
    return rows.map((r) => {
      const documentJson = this.open(r);
      if (documentJson === null) return unreadable(r);
      return { ...rowMeta(r), documentJson, warningCodes: warningCodesOf(r) };
    });
  }

  /** As open(), the document's UTF-8 bytes. */
  openBytes(r: OutboxRow): Buffer | null {
    return this.sealer.tryOpenBytes(r.sealed, r.id);
  }

  /** Opens the document of a row read with `rows`: its JSON text, or null when the sealed value no longer opens. */
  open(r: OutboxRow): string | null {
    return this.sealer.tryOpen(r.sealed, r.id);
  }
}

export function warningCodesOf(r: Pick<OutboxRow, 'warnings'>): string[] {
  return r.warnings === '[]' ? [] : (JSON.parse(r.warnings) as Warning[]).map((w) => w.code);
}

export function unreadable(r: Pick<OutboxRow, 'seq' | 'id'>): UnreadableCheckin {
  return { seq: r.seq, id: r.id, unreadable: true };
}

/** A check-in row's fields other than its document and warnings. */
export function rowMeta(r: OutboxRow): Omit<Checkin, 'document' | 'warnings'> {
  return {
    id: r.id,
    seq: r.seq,
    scanner: r.scanner,
    direction: r.direction,
    auto: r.auto === 1,
    manual: r.manual === 1,
    scannedAt: r.scanned_at,
    clockSynced: r.clock_synced === 1,
  };
}

export interface OutboxFile {
  readonly path: string;
  readonly keyFile: string;
}

/**
 * A read-only connection to a store another connection has opened (and checked, migrated, and keyed): it refuses to
 * create anything, and checks the key against the database's fingerprint as the store does.
 */
export function openOutboxReader(file: OutboxFile): { readonly reader: OutboxReader; close(): void } {
  const db = new Database(file.path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    const sealer = new Sealer(loadKeyFile(file.keyFile, false).key);
    assertSameKey(storedFingerprint(db), sealer, file.keyFile);
    return { reader: new OutboxReader(db, sealer), close: () => db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}
