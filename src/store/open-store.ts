/**
 * Opening the store: the key, the database file (a corrupt one moved aside), the schema, the size cap, the key
 * check against the stored fingerprint, and a salvage of what a moved-aside copy still holds. A failure closes
 * the database and leaves nothing half-made behind.
 */
import type { Database } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { systemClock } from '../core/clock.js';
import { toStoreError } from './errors.js';
import { assertSameKey, recordFingerprint, storedFingerprint } from './key-fingerprint.js';
import { migrate } from './migrations.js';
import { openDatabase } from './open-database.js';
import { beginSalvage, continueSalvage, describeSalvage } from './salvage.js';
import { createKeyFile, loadKeyFile, readKeyIfPresent, Sealer } from './sealer.js';
import type { StoreOptions } from './store-context.js';
import type { StoreAlarm } from './types.js';

export interface OpenedStore {
  readonly db: Database;
  readonly sealer: Sealer;
  readonly alarms: StoreAlarm[];
}

export function openStoreFiles(options: StoreOptions): OpenedStore {
  // Wall clock only for a store opened outside the daemon (bench and chaos fixtures); the daemon passes its own.
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
    return { db, sealer, alarms };
  } catch (err) {
    db.close();
    throw err;
  }
}
