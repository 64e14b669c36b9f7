/** The messages between the pump's thread and the backlog reader thread (backlog-thread.ts). */
import type { OutboxFile } from '../store/outbox-reader.js';
import type { Origin } from './messages.js';

export interface BacklogThreadData {
  readonly store: OutboxFile;
  readonly origin: Origin;
  readonly fields: 'full' | 'minimal';
}

export type ToBacklogThread =
  /** Read from `after` on, `limit` rows a batch, up to `credit` batches ahead; replaces any stream before it. */
  | { readonly op: 'stream'; readonly token: number; readonly after: number; readonly limit: number; readonly credit: number }
  /** One batch of the stream `token` was consumed: one more may be read. */
  | { readonly op: 'credit'; readonly token: number };

/**
 * Consecutive pending check-ins: body i is `bytes[ends[i - 1] ?? 0, ends[i])`, its seq `seqs[i]`; an empty body is a
 * row whose sealed document does not open (an OutgoingCheckin with body null).
 */
export interface BacklogBatch {
  readonly token: number;
  readonly seqs: Float64Array;
  readonly ends: Uint32Array;
  readonly bytes: ArrayBuffer;
  /** Fewer rows than a batch: the backlog ended here and the stream stopped. */
  readonly end: boolean;
}

export interface BacklogThreadError {
  readonly token: number;
  readonly error: { readonly code: string | undefined; readonly message: string };
}

/** The store is open: streams can start. */
export interface BacklogThreadReady {
  readonly ready: true;
}

export type FromBacklogThread = BacklogThreadReady | BacklogBatch | BacklogThreadError;
