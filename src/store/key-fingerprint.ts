/**
 * A database records the fingerprint of the key it was sealed with (meta.key_fingerprint), so that no connection
 * opens it with another key file: rows sealed under two keys could never all be opened again.
 */
import type { Database } from 'better-sqlite3';
import { StoreError } from './errors.js';
import type { Sealer } from './sealer.js';

export function storedFingerprint(db: Database): string | undefined {
  return db.prepare("SELECT value FROM meta WHERE key = 'key_fingerprint'").pluck().get() as string | undefined;
}

export function recordFingerprint(db: Database, sealer: Sealer): void {
  db.prepare("INSERT INTO meta (key, value) VALUES ('key_fingerprint', ?)").run(sealer.fingerprint());
}

/** Throws E_STORE_KEY unless `sealer` holds the key the database records. */
export function assertSameKey(stored: string | undefined, sealer: Sealer, keyFile: string): void {
  if (stored !== sealer.fingerprint()) throw new StoreError('E_STORE_KEY', `${keyFile} is not the key this database was sealed with`);
}
