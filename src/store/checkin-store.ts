/**
 * The durable check-in store and outbox, composed of one part per job, all on one database (store-context.ts):
 * the transactional write path (recorder.ts), the outbox and its delivery marks (outbox.ts), who is inside
 * (presence.ts), retention (retention.ts) and the read views (reports.ts). Opening is open-store.ts. A consumer
 * that needs one part can be given that part (`store.outbox`, `store.reports`, …); the methods here are the same
 * calls, for the daemon's callers that hold the whole store (a call only tests make goes to the part that owns it).
 * It knows nothing of MQTT.
 */
import type { Code } from '../core/codes.js';
import { statSync } from 'node:fs';
import { openStoreFiles } from './open-store.js';
import { Outbox } from './outbox.js';
import { Presence } from './presence.js';
import { CheckinRecorder, type RecordResult } from './recorder.js';
import { refusalOf, type StoreRefusal } from './refusal.js';
import { Reports } from './reports.js';
import { Retention, type PurgeResult } from './retention.js';
import { StoreContext, type StoreOptions } from './store-context.js';
import type { Checkin, CheckinDraft, DayCounts, OutboxCheckin, Reject, RejectInput, StoreAlarm, UnreadableCheckin } from './types.js';

export type { StoreOptions } from './store-context.js';
export type { StoreRefusal } from './refusal.js';

export { runsOf } from './outbox.js';

export class CheckinStore {
  readonly alarms: readonly StoreAlarm[];
  readonly recorder: CheckinRecorder;
  readonly outbox: Outbox;
  readonly presence: Presence;
  readonly retention: Retention;
  readonly reports: Reports;

  private constructor(
    private readonly ctx: StoreContext,
    alarms: StoreAlarm[],
  ) {
    this.alarms = alarms;
    this.recorder = new CheckinRecorder(ctx);
    this.outbox = new Outbox(ctx);
    this.presence = new Presence(ctx, this.recorder);
    this.retention = new Retention(ctx);
    this.reports = new Reports(ctx);
  }

  static open(options: StoreOptions): CheckinStore {
    const { db, sealer, alarms } = openStoreFiles(options);
    return new CheckinStore(new StoreContext(db, options, sealer), alarms);
  }

  // The write path (recorder.ts).

  recordCheckins(drafts: readonly CheckinDraft[]): RecordResult[] {
    return this.recorder.recordCheckins(drafts);
  }

  recordReject(input: RejectInput): Reject {
    return this.recorder.recordReject(input);
  }

  // The outbox (outbox.ts).

  outboxAfter(afterSeq: number, limit: number): Array<OutboxCheckin | UnreadableCheckin> {
    return this.outbox.outboxAfter(afterSeq, limit);
  }

  checkinsInRange(from: number, to: number): Array<OutboxCheckin | UnreadableCheckin> {
    return this.outbox.checkinsInRange(from, to);
  }

  setAsideUnreadable(seq: number): boolean {
    return this.outbox.setAsideUnreadable(seq);
  }

  markCheckinsSent(seqs: readonly number[]): number {
    return this.outbox.markCheckinsSent(seqs);
  }

  pendingRejectsAfter(afterN: number, limit: number): Reject[] {
    return this.outbox.pendingRejectsAfter(afterN, limit);
  }

  markRejectsSent(ns: readonly number[]): number {
    return this.outbox.markRejectsSent(ns);
  }

  pendingCount(): number {
    return this.outbox.pendingCount();
  }

  oldestPending(): { seq: number; scannedAt: string } | null {
    return this.outbox.oldestPending();
  }

  lastSeq(): number {
    return this.outbox.lastSeq();
  }

  // Presence (presence.ts).

  insideNow(): Checkin[] {
    return this.presence.insideNow();
  }

  insideLatest(limit: number): Checkin[] {
    return this.presence.insideLatest(limit);
  }

  autoCheckout(at: Date, clockSynced: boolean, inBefore?: number): Checkin[] {
    return this.presence.autoCheckout(at, clockSynced, inBefore);
  }

  // Read views (reports.ts).

  checkinsBetween(fromMs: number, toMs: number): Array<Checkin | UnreadableCheckin> {
    return this.reports.checkinsBetween(fromMs, toMs);
  }

  rejectCountsSince(fromMs: number): Array<{ code: Code; count: number }> {
    return this.reports.rejectCountsSince(fromMs);
  }

  today(): DayCounts {
    return this.reports.today();
  }

  // Retention (retention.ts).

  purgeExpired(retentionDays: number, maxBatches?: number): PurgeResult {
    return this.retention.purgeExpired(retentionDays, maxBatches);
  }

  retentionCutoff(retentionDays: number): number {
    return this.retention.retentionCutoff(retentionDays);
  }

  purgeMovedAside(retentionDays: number): string[] {
    return this.retention.purgeMovedAside(retentionDays);
  }

  // The database itself.

  /** Why the store would refuse the next scan, or null (refusal.ts). */
  refusal(): StoreRefusal | null {
    return refusalOf(this.ctx);
  }

  /** Cheap liveness of the database handle, for the systemd watchdog; not an integrity check. */
  isHealthy(): boolean {
    try {
      return this.ctx.db.open && this.ctx.q.lastSeq.pluck().get() !== undefined;
    } catch {
      return false;
    }
  }

  sizeBytes(): number {
    const { path } = this.ctx.options;
    const wal = (() => {
      try {
        return statSync(`${path}-wal`).size;
      } catch {
        return 0;
      }
    })();
    return statSync(path).size + wal;
  }

  close(): void {
    if (this.ctx.db.open) this.ctx.db.close();
  }
}
