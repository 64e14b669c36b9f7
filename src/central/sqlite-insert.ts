/** The check-in insert of central's SQLite store, shared by the store (its own thread) and the writer thread. */
import type { Database } from 'better-sqlite3';
import type { CheckinRow } from './store-types.js';

const INSERT_CHECKIN =
  'INSERT INTO checkins (id, site, device, seq, direction, doc_type, scanned_at, scanned_ms, clock_synced, received_ms, number_mac, person_mac, sealed) VALUES (@id, @site, @device, @seq, @direction, @docType, @scannedAt, @scannedMs, @clockSynced, @receivedMs, @numberMac, @personMac, @sealed) ON CONFLICT (id) DO NOTHING';

/** One immediate transaction per call; for each row, whether it was new (false: its id was stored already). */
export function insertCheckinsInto(db: Database): (rows: readonly CheckinRow[]) => boolean[] {
  const insert = db.prepare(INSERT_CHECKIN);
  const many = db.transaction((rows: readonly CheckinRow[]) =>
    rows.map((r) => insert.run({ ...r, clockSynced: r.clockSynced ? 1 : 0 }).changes === 1),
  );
  return (rows) => many.immediate(rows);
}
