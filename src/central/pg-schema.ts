/**
 * Central's PostgreSQL schema, as numbered migrations recorded in `schema_migrations`, and the key check. Several
 * central processes may start against one database at once: each takes the same transaction-scoped advisory lock
 * before reading the version, so exactly one applies a migration and the others find it applied. A migration and its
 * version row commit together (PostgreSQL's DDL is transactional), so a crash leaves the old schema or the new one.
 *
 * Same tables and meaning as sqlite-schema.ts. Text keys are COLLATE "C" so that ordering by site and device is by
 * code point, as SQLite's, whatever the database's locale. Milliseconds and seqs are bigint (parsed to numbers by
 * the store's own type parser), MACs and sealed documents bytea.
 */
import type { PoolClient } from 'pg';
import { StoreError } from '../store/errors.js';
import { assertSameKey } from '../store/key-fingerprint.js';
import type { Sealer } from '../store/sealer.js';

const MIGRATIONS: readonly string[] = [
  // 1: the tables of sqlite-schema.ts version 1.
  `
  CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
  CREATE TABLE checkins (
    id text COLLATE "C" PRIMARY KEY, site text COLLATE "C" NOT NULL, device text COLLATE "C" NOT NULL, seq bigint NOT NULL,
    direction text NOT NULL CHECK (direction IN ('in', 'out')), doc_type text NOT NULL, scanned_at text NOT NULL,
    scanned_ms bigint NOT NULL, clock_synced boolean NOT NULL, received_ms bigint NOT NULL, number_mac bytea NOT NULL,
    person_mac bytea NOT NULL, sealed bytea NOT NULL
  );
  CREATE INDEX checkins_device_seq ON checkins (site, device, seq);
  CREATE INDEX checkins_site_time ON checkins (site, scanned_ms);
  CREATE INDEX checkins_time ON checkins (scanned_ms);
  CREATE INDEX checkins_number ON checkins (number_mac);
  CREATE TABLE rejects (
    id text COLLATE "C" PRIMARY KEY, site text COLLATE "C" NOT NULL, device text COLLATE "C" NOT NULL, code text NOT NULL,
    scanned_ms bigint NOT NULL, received_ms bigint NOT NULL
  );
  CREATE INDEX rejects_time ON rejects (scanned_ms);
  CREATE TABLE kiosks (
    site text COLLATE "C" NOT NULL, device text COLLATE "C" NOT NULL, password_hash text NOT NULL, created_ms bigint NOT NULL,
    PRIMARY KEY (site, device)
  );
  CREATE TABLE kiosk_state (
    site text COLLATE "C" NOT NULL, device text COLLATE "C" NOT NULL, state text NOT NULL, since_ms bigint NOT NULL,
    last_seen_ms bigint, last_checkin_ms bigint, version text, health text, last_clock_synced boolean,
    floor_seq bigint NOT NULL DEFAULT 0, PRIMARY KEY (site, device)
  );
  CREATE TABLE lost (
    site text COLLATE "C" NOT NULL, device text COLLATE "C" NOT NULL, from_seq bigint NOT NULL, to_seq bigint NOT NULL,
    reason text NOT NULL, at_ms bigint NOT NULL
  );
  CREATE INDEX lost_device ON lost (site, device, from_seq);
  CREATE TABLE users (name text COLLATE "C" PRIMARY KEY, role text NOT NULL, password_hash text NOT NULL, created_ms bigint NOT NULL);
  CREATE TABLE audit (n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at_ms bigint NOT NULL, "user" text NOT NULL, action text NOT NULL, query text NOT NULL);
  CREATE INDEX audit_time ON audit (at_ms);
  `,
  // 2: the last resend request per kiosk, claimed by one central process of many (claimResend).
  `
  CREATE TABLE resend_claims (
    site text COLLATE "C" NOT NULL, device text COLLATE "C" NOT NULL, at_ms bigint NOT NULL, PRIMARY KEY (site, device)
  );
  `,
];

export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** The advisory lock every central process takes to migrate: 'qrgc' in ASCII. */
const MIGRATION_LOCK = 0x71726763;

export interface MigrationResult {
  /** The version the database had (0: empty). */
  readonly from: number;
  /** Whether this call recorded the key's fingerprint (a new database). */
  readonly recordedKey: boolean;
}

/**
 * Brings the database to PG_SCHEMA_VERSION and checks the key, in one transaction under the migration lock:
 * E_STORE_VERSION for a schema newer than this qrgate knows, E_STORE_KEY for a database sealed under another key.
 */
export async function migrate(client: PoolClient, sealer: Sealer, keyFile: string): Promise<MigrationResult> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const from = (await client.query<{ v: number }>('SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations')).rows[0]?.v ?? 0;
    if (from > PG_SCHEMA_VERSION)
      throw new StoreError('E_STORE_VERSION', `the database has schema ${from}; this qrgate knows up to ${PG_SCHEMA_VERSION}`);
    for (let v = from; v < PG_SCHEMA_VERSION; v += 1) {
      await client.query(MIGRATIONS[v] as string);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
    }
    const stored = (await client.query<{ value: string }>("SELECT value FROM meta WHERE key = 'key_fingerprint'")).rows[0]?.value;
    if (stored === undefined) await client.query("INSERT INTO meta (key, value) VALUES ('key_fingerprint', $1)", [sealer.fingerprint()]);
    else assertSameKey(stored, sealer, keyFile);
    await client.query('COMMIT');
    return { from, recordedKey: stored === undefined };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
