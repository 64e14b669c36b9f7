/**
 * Where the outbox pump gets its backlog: pending check-ins, oldest first, already written as `B/checkins` bodies.
 * Two sources: this thread (every read is a synchronous store query) and a reader thread for large backlogs
 * (threaded-backlog.ts), which reads, unseals and writes the bodies ahead while this thread publishes.
 */
import type { OutboxStore } from '../store/outbox.js';
import type { OutboxCheckin, UnreadableCheckin } from '../store/types.js';
import type { CheckinMessage, EncodedBytes } from './contract.js';
import type { CheckinBody } from './messages.js';

/** A check-in ready to publish; body null: its sealed document does not open, so it is set aside, not published. */
export interface OutgoingCheckin {
  readonly seq: number;
  readonly body: OutgoingBody | null;
}

/** A `B/checkins` body, as text (read here) or as bytes (written by the backlog thread). */
export type OutgoingBody = CheckinBody | EncodedBytes<CheckinMessage>;

export type PublishableCheckin = OutgoingCheckin & { readonly body: OutgoingBody };

export function isPublishable(c: OutgoingCheckin): c is PublishableCheckin {
  return c.body !== null;
}

export interface BacklogSource {
  /**
   * Up to `limit` pending check-ins after `afterSeq`, oldest first (fewer than `limit`: that was the end of the
   * backlog). `null`: the rows are still being read; `ready` is then called once a read would answer.
   */
  read(afterSeq: number, limit: number, ready: () => void): readonly OutgoingCheckin[] | null;
  /** The drain ended or the connection went: free what reading holds. */
  release(): void;
}

export class InThreadBacklog implements BacklogSource {
  constructor(
    private readonly store: Pick<OutboxStore, 'outboxAfter'>,
    private readonly body: (row: OutboxCheckin) => CheckinBody,
  ) {}

  read(afterSeq: number, limit: number): readonly OutgoingCheckin[] {
    return this.store.outboxAfter(afterSeq, limit).map((row) => ({ seq: row.seq, body: isUnreadable(row) ? null : this.body(row) }));
  }

  release(): void {
    // Nothing is held between reads.
  }
}

export function isUnreadable(row: OutboxCheckin | UnreadableCheckin): row is UnreadableCheckin {
  return 'unreadable' in row;
}
