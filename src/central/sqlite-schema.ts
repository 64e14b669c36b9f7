/** Central's SQLite schema (version 1). Check-ins are keyed on the kiosk's id (the idempotency key). */
export const CENTRAL_SCHEMA_VERSION = 1;

export const CENTRAL_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkins (
  id TEXT PRIMARY KEY, site TEXT NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL, direction TEXT NOT NULL,
  doc_type TEXT NOT NULL, scanned_at TEXT NOT NULL, scanned_ms INTEGER NOT NULL, clock_synced INTEGER NOT NULL,
  received_ms INTEGER NOT NULL, number_mac BLOB NOT NULL, person_mac BLOB NOT NULL, sealed BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS checkins_device_seq ON checkins (site, device, seq);
CREATE INDEX IF NOT EXISTS checkins_site_time ON checkins (site, scanned_ms);
CREATE INDEX IF NOT EXISTS checkins_time ON checkins (scanned_ms);
CREATE INDEX IF NOT EXISTS checkins_number ON checkins (number_mac);
CREATE TABLE IF NOT EXISTS rejects (
  id TEXT PRIMARY KEY, site TEXT NOT NULL, device TEXT NOT NULL, code TEXT NOT NULL, scanned_ms INTEGER NOT NULL, received_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rejects_time ON rejects (scanned_ms);
CREATE TABLE IF NOT EXISTS kiosks (site TEXT NOT NULL, device TEXT NOT NULL, password_hash TEXT NOT NULL, created_ms INTEGER NOT NULL, PRIMARY KEY (site, device));
CREATE TABLE IF NOT EXISTS kiosk_state (
  site TEXT NOT NULL, device TEXT NOT NULL, state TEXT NOT NULL, since_ms INTEGER NOT NULL, last_seen_ms INTEGER,
  last_checkin_ms INTEGER, version TEXT, health TEXT, last_clock_synced INTEGER, floor_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site, device)
);
CREATE TABLE IF NOT EXISTS lost (site TEXT NOT NULL, device TEXT NOT NULL, from_seq INTEGER NOT NULL, to_seq INTEGER NOT NULL, reason TEXT NOT NULL, at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS lost_device ON lost (site, device, from_seq);
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit (n INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, query TEXT NOT NULL);
`;
