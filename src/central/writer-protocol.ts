/** The messages between central's ingest and its SQLite writer thread (writer-thread.ts). */
import type { CheckinRow } from './store-types.js';

export interface WriterThreadData {
  /** The database file, already opened (created, migrated, key checked) by the main thread. */
  readonly path: string;
}

export interface InsertRequest {
  readonly n: number;
  readonly rows: readonly CheckinRow[];
}

export type FromWriterThread =
  | { readonly ready: true }
  | { readonly n: number; readonly inserted: boolean[] }
  | { readonly n: number; readonly error: { readonly code: string | null; readonly message: string } };
