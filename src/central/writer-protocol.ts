/** The messages between central's ingest and its SQLite writer thread (writer-thread.ts), and its reader mode. */
import type { CheckinDraft, CheckinRow, DayCounts } from './store-types.js';

export interface WriterThreadData {
  /** The database file, already opened (created, migrated, key checked) by the main thread. */
  readonly path: string;
  /** The store's master key, when the thread is to seal drafts itself (the key file's 32 bytes). */
  readonly key: Uint8Array | null;
  /** `reader`: a read-only connection answering DayRequests (the fleet's day counts), never writing. */
  readonly mode?: 'writer' | 'reader';
}

/** One of the day's counts (sqlite-day-queries.ts), asked of the reader thread. */
export interface DayRequest {
  readonly n: number;
  readonly query: 'kioskCountsSince' | 'personsSince';
  readonly fromMs: number;
}

export type FromReaderThread =
  | { readonly ready: true }
  | { readonly n: number; readonly result: Map<string, DayCounts> | Map<string, number> }
  | { readonly n: number; readonly error: { readonly code: string | null; readonly message: string } };

/** Rows already sealed, or drafts the thread seals (and hashes) before inserting them. */
export type InsertRequest =
  { readonly n: number; readonly rows: readonly CheckinRow[] } | { readonly n: number; readonly drafts: readonly CheckinDraft[] };

export type FromWriterThread =
  | { readonly ready: true }
  | { readonly n: number; readonly inserted: boolean[] }
  | { readonly n: number; readonly error: { readonly code: string | null; readonly message: string } };
