/**
 * What the HTTP layer may see of the daemon: read-only getters and the manual-entry door, never the services
 * themselves, so a route cannot close the store or reconfigure a driver. The composition root fills it in.
 */
import type { ScannerStateEvent } from '../core/scanner.js';
import type { CheckinPipeline } from '../checkin/pipeline.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { TimeZone } from '../core/zone.js';
import type { Forwarder } from '../forwarder/forwarder.js';
import type { Logger } from '../logger.js';
import type { CheckinStore } from '../store/checkin-store.js';
import type { Metrics } from './metrics.js';

export type ScannerSnapshot = ScannerStateEvent | { readonly scannerId: string; readonly state: 'stopped' };

export type StoreView = Pick<
  CheckinStore,
  | 'today'
  | 'insideNow'
  | 'insideLatest'
  | 'pendingCount'
  | 'oldestPending'
  | 'sizeBytes'
  | 'checkinsBetween'
  | 'rejectCountsSince'
  | 'alarms'
  | 'lastSeq'
  | 'refusal'
>;

export interface HttpDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly version: string;
  readonly startedAt: Date;
  readonly clock: Clock;
  /** The kiosk's zone (clock.timeZone): every time shown and every day asked for is in it. */
  readonly zone: TimeZone;
  readonly store: StoreView;
  /** Events to show live, and manual entry (validated by the decoder's rules inside the pipeline). */
  readonly pipeline: Pick<CheckinPipeline, 'on' | 'off' | 'manual'>;
  readonly forwarder: Pick<Forwarder, 'status'>;
  readonly scanners: () => readonly ScannerSnapshot[];
  readonly clockSynced: () => boolean;
  readonly metrics: Metrics;
  /** Scanner state events as they happen (an oversized scan is shown at the gate); absent in tests without drivers. */
  readonly onScannerState?: (listener: (s: ScannerStateEvent) => void) => () => void;
}
