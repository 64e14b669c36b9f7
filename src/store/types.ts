import type { Code } from '../core/codes.js';
import type { IdentityDocument, Warning } from '../decode/index.js';

export type Direction = 'in' | 'out';

export interface CheckinInput {
  readonly scanner: string;
  readonly direction: Direction;
  /** Made by the automatic end-of-day checkout, not by a scan. */
  readonly auto: boolean;
  /** Typed by the receptionist. */
  readonly manual: boolean;
  readonly scannedAt: Date;
  readonly clockSynced: boolean;
  readonly document: IdentityDocument;
  readonly warnings: readonly Warning[];
}

/** A check-in to record whose direction may still depend on whether the person is inside (a toggle scanner). */
export interface CheckinDraft extends Omit<CheckinInput, 'direction'> {
  readonly direction: Direction | 'toggle';
}

/** A committed check-in, exactly as it is forwarded: `id` is the idempotency key, `seq` is gap-free per device. */
export interface Checkin {
  readonly id: string;
  readonly seq: number;
  readonly scanner: string;
  readonly direction: Direction;
  readonly auto: boolean;
  readonly manual: boolean;
  /** RFC 3339 with the kiosk's offset. */
  readonly scannedAt: string;
  readonly clockSynced: boolean;
  readonly document: IdentityDocument;
  readonly warnings: readonly Warning[];
}

/**
 * A pending check-in as the outbox reads it for sending: the document stays the JSON text it was sealed as and the
 * warnings are their codes, so draining a backlog does not parse and re-serialize every document.
 */
export interface OutboxCheckin extends Omit<Checkin, 'document' | 'warnings'> {
  readonly documentJson: string;
  readonly warningCodes: readonly string[];
}

/**
 * A pending check-in whose sealed document no longer opens: damaged on the medium after it was written (SQLite's
 * page checks do not see a changed byte inside a value). It cannot be sent as recorded; the forwarder sets it aside.
 */
export interface UnreadableCheckin {
  readonly seq: number;
  readonly id: string;
  readonly unreadable: true;
}

export interface RejectInput {
  readonly scanner: string;
  readonly code: Code;
  readonly scannedAt: Date;
  readonly clockSynced: boolean;
}

/** A rejected scan: the reason, never the payload. */
export interface Reject {
  readonly id: string;
  readonly n: number;
  readonly scanner: string;
  readonly code: Code;
  readonly scannedAt: string;
  readonly clockSynced: boolean;
}

export interface StoreAlarm {
  readonly code: 'E_STORE_CORRUPT' | 'W_KEY_PERMISSIONS';
  readonly detail: string;
}

export interface DayCounts {
  readonly in: number;
  readonly out: number;
  readonly rejected: number;
  readonly insideNow: number;
}
