import type { Code } from '../core/codes.js';
import type { Checkin } from '../store/types.js';

/** A refused scan, as shown on screen and forwarded: the reason code, never the payload. */
export interface RejectEvent {
  /** The stored reject's id, or null when it could not be stored (the store itself was the problem). */
  readonly id: string | null;
  readonly scanner: string;
  readonly code: Code;
  readonly scannedAt: string;
  readonly clockSynced: boolean;
}

export interface AlarmEvent {
  readonly code: Code;
  readonly detail: string;
}

/** What the pipeline tells the rest of the daemon, always after the commit it describes. */
export interface PipelineEvents {
  checkin: [Checkin];
  reject: [RejectEvent];
  /** A re-read of the same payload, suppressed. */
  repeat: [{ readonly scanner: string }];
  alarm: [AlarmEvent];
}
