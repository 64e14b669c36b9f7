/**
 * Schema migrations keyed on `PRAGMA user_version`: migration N takes a database from version N-1 to N, in one
 * transaction with the version bump, so a power cut leaves either the old or the new schema.
 */
import type { Database } from 'better-sqlite3';
import { StoreError } from './errors.js';

const MIGRATIONS: readonly string[] = [
  // 1: check-ins (the outbox: sent_ms IS NULL), rejects, the gap-free sequence counter, store metadata.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
  INSERT INTO counters (name, value) VALUES ('seq', 0);
  CREATE TABLE checkins (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    scanner TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    auto INTEGER NOT NULL,
    manual INTEGER NOT NULL,
    scanned_at TEXT NOT NULL,
    scanned_ms INTEGER NOT NULL,
    clock_synced INTEGER NOT NULL,
    doc_type TEXT NOT NULL,
    person_mac BLOB NOT NULL,
    sealed BLOB NOT NULL,
    warnings TEXT NOT NULL,
    sent_ms INTEGER
  ) STRICT;
  CREATE INDEX checkins_pending ON checkins (seq) WHERE sent_ms IS NULL;
  CREATE INDEX checkins_scanned ON checkins (scanned_ms);
  CREATE TABLE rejects (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    scanner TEXT NOT NULL,
    code TEXT NOT NULL,
    scanned_at TEXT NOT NULL,
    scanned_ms INTEGER NOT NULL,
    clock_synced INTEGER NOT NULL,
    sent_ms INTEGER
  ) STRICT;
  CREATE INDEX rejects_pending ON rejects (n) WHERE sent_ms IS NULL;
  CREATE INDEX rejects_scanned ON rejects (scanned_ms);
  `,
  // 2: who is inside now, one row per person, pointing at their last "in"; rebuilt from the history.
  `
  CREATE TABLE presence (person_mac BLOB PRIMARY KEY, seq INTEGER NOT NULL REFERENCES checkins (seq)) STRICT, WITHOUT ROWID;
  CREATE INDEX checkins_person ON checkins (person_mac, seq);
  INSERT INTO presence (person_mac, seq)
    SELECT person_mac, seq FROM checkins AS c
    WHERE direction = 'in' AND seq = (SELECT MAX(seq) FROM checkins AS l WHERE l.person_mac = c.person_mac);
  `,
  // 3: checkins_person only served the rebuild above (who is inside is read from presence): one index page fewer
  // written and fsynced per check-in, which is write wear on an SD card.
  `
  DROP INDEX checkins_person;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to `target` (default: the latest); returns the version it started from. */
export function migrate(db: Database, target: number = SCHEMA_VERSION): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SCHEMA_VERSION) {
    throw new StoreError('E_STORE_VERSION', `database schema ${from}, this qrgate knows up to ${SCHEMA_VERSION}`);
  }
  for (let v = from; v < target; v += 1) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return from;
}
