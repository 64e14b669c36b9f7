/**
 * Which store central uses: PostgreSQL when store.url is set (several central processes may share it), else the
 * SQLite file at store.path. The key is loaded by the caller (the same key file for every process sharing a
 * database: the database records its fingerprint).
 */
import type { Sealer } from '../store/sealer.js';
import type { StoreError } from '../store/errors.js';
import type { CentralConfig } from './config-schema.js';
import { PgCentralStore } from './pg-store.js';
import { SqliteCentralStore } from './sqlite-store.js';
import type { CentralStore } from './store-types.js';

export interface OpenStoreHooks {
  /** PostgreSQL only: a pooled connection failed while idle (the pool replaces it); for the log. */
  readonly onConnectionError?: (err: StoreError | Error) => void;
}

export async function openCentralStoreFor(
  config: CentralConfig,
  sealer: Sealer,
  now: Date,
  hooks: OpenStoreHooks = {},
): Promise<CentralStore> {
  const { url, pool, path, keyFile } = config.store;
  if (url !== undefined) {
    return PgCentralStore.open(url, sealer, {
      keyFile,
      maxConnections: pool,
      ...(hooks.onConnectionError === undefined ? {} : { onConnectionError: hooks.onConnectionError }),
    });
  }
  return SqliteCentralStore.open(path, sealer, keyFile, now);
}
