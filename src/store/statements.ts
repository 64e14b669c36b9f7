/** The store's prepared statements, in one place: the SQL of every read and write of the check-in store's parts (checkin-store.ts). */
import type { Database } from 'better-sqlite3';
import type { CheckinInput } from './types.js';

export type Statements = ReturnType<typeof prepare>;

export function prepare(db: Database) {
  const nextSeq = db.prepare("UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value").pluck();
  const insert = db.prepare(`INSERT INTO checkins
    (seq, id, scanner, direction, auto, manual, scanned_at, scanned_ms, clock_synced, doc_type, person_mac, sealed, warnings, sent_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const enter = db.prepare(
    'INSERT INTO presence (person_mac, seq) VALUES (?, ?) ON CONFLICT (person_mac) DO UPDATE SET seq = excluded.seq',
  );
  const leave = db.prepare('DELETE FROM presence WHERE person_mac = ?');
  type Sealed = { id: string; scannedAt: string; mac: Buffer; sealed: Buffer; sentMs: number | null };
  const insertOne = (c: CheckinInput, x: Sealed): number => {
    // The counter and the row commit together: a seq is never skipped, even by a crash between them.
    const seq = nextSeq.get() as number;
    insert.run(
      seq,
      x.id,
      c.scanner,
      c.direction,
      c.auto ? 1 : 0,
      c.manual ? 1 : 0,
      x.scannedAt,
      c.scannedAt.getTime(),
      c.clockSynced ? 1 : 0,
      c.document.type,
      x.mac,
      x.sealed,
      JSON.stringify(c.warnings),
      x.sentMs,
    );
    if (c.direction === 'in') enter.run(x.mac, seq);
    else leave.run(x.mac);
    return seq;
  };
  const insertMany = db.transaction((each: (insert: typeof insertOne) => number[]): number[] => each(insertOne));
  const markSent = db.prepare('UPDATE checkins SET sent_ms = ? WHERE seq BETWEEN ? AND ? AND sent_ms IS NULL');
  const setAside = db.prepare('UPDATE checkins SET sent_ms = 0 WHERE seq = ? AND sent_ms IS NULL');
  const markRejectSent = db.prepare('UPDATE rejects SET sent_ms = ? WHERE n BETWEEN ? AND ? AND sent_ms IS NULL');
  type Runs = ReadonlyArray<readonly [number, number]>;
  const markSentRanges = db.transaction((at: number, runs: Runs): number =>
    runs.reduce((sum, [a, b]) => sum + markSent.run(at, a, b).changes, 0),
  );
  const markRejectsSentRanges = db.transaction((at: number, runs: Runs): number =>
    runs.reduce((sum, [a, b]) => sum + markRejectSent.run(at, a, b).changes, 0),
  );
  return {
    insertMany: (each: (insert: typeof insertOne) => number[]) => insertMany.immediate(each),
    insertReject: db.prepare(
      'INSERT INTO rejects (id, scanner, code, scanned_at, scanned_ms, clock_synced, sent_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    presenceOf: db.prepare('SELECT seq FROM presence WHERE person_mac = ?'),
    countPending: db.prepare('SELECT COUNT(*) AS n FROM checkins WHERE sent_ms IS NULL'),
    countPendingRejects: db.prepare('SELECT COUNT(*) AS n FROM rejects WHERE sent_ms IS NULL'),
    markSentRanges,
    setAside,
    pendingRejectsAfter: db.prepare('SELECT * FROM rejects WHERE sent_ms IS NULL AND n > ? ORDER BY n LIMIT ?'),
    markRejectsSentRanges,
    oldestPending: db.prepare('SELECT seq, scanned_at FROM checkins WHERE sent_ms IS NULL ORDER BY seq LIMIT 1'),
    lastSeq: db.prepare("SELECT value FROM counters WHERE name = 'seq'"),
    insideNow: db.prepare('SELECT c.* FROM presence AS p JOIN checkins AS c ON c.seq = p.seq ORDER BY c.seq'),
    // Bounded reads of the inside list: a kiosk with tens of thousands inside must not unseal them all at once.
    insideLatest: db.prepare('SELECT c.* FROM presence AS p JOIN checkins AS c ON c.seq = p.seq ORDER BY c.seq DESC LIMIT ?'),
    insideBefore: db.prepare('SELECT c.* FROM presence AS p JOIN checkins AS c ON c.seq = p.seq WHERE c.scanned_ms < ? ORDER BY c.seq'),
    insideCount: db.prepare('SELECT COUNT(*) FROM presence'),
    clearPresence: db.prepare('DELETE FROM presence'),
    countsSince: db.prepare('SELECT direction, COUNT(*) AS n FROM checkins WHERE scanned_ms >= ? GROUP BY direction'),
    rejectsSince: db.prepare('SELECT COUNT(*) FROM rejects WHERE scanned_ms >= ?'),
    checkinsBetween: db.prepare('SELECT * FROM checkins WHERE scanned_ms >= ? AND scanned_ms < ? ORDER BY seq'),
    rejectCountsSince: db.prepare(
      'SELECT code, COUNT(*) AS count FROM rejects WHERE scanned_ms >= ? GROUP BY code ORDER BY count DESC, code',
    ),
    leaveInBefore: db.prepare('DELETE FROM presence WHERE seq IN (SELECT seq FROM checkins WHERE scanned_ms < ?)'),
    purgeCheckins: db.prepare(`DELETE FROM checkins WHERE seq IN (
      SELECT seq FROM checkins WHERE sent_ms IS NOT NULL AND scanned_ms < ? AND seq NOT IN (SELECT seq FROM presence) LIMIT ?)`),
    purgeRejects: db.prepare('DELETE FROM rejects WHERE n IN (SELECT n FROM rejects WHERE sent_ms IS NOT NULL AND scanned_ms < ? LIMIT ?)'),
  };
}
