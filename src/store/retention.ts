/**
 * Retention: delivered rows older than store.retentionDays are deleted in batches, presence first, and so are the
 * copies of the database moved aside as corrupt. Pending rows always stay.
 */
import { movedAsideCopies, removeCopy } from './open-database.js';
import { pendingSalvageFrom } from './salvage.js';
import type { StoreContext } from './store-context.js';

/** What one `purgeExpired` call deleted. */
export interface PurgeResult {
  readonly checkins: number;
  readonly rejects: number;
  /** Another call would find more (the batch limit was reached). */
  readonly more: boolean;
}

const PURGE_BATCH = 5000;
const DAY_MS = 86_400_000;

export class Retention {
  constructor(private readonly ctx: StoreContext) {}

  /**
   * Deletes delivered rows older than the retention, at most `maxBatches` batches of 5000 per call; only pending rows
   * stay. Someone still inside whose "in" is older than the retention leaves the inside list first (their row is
   * then deleted like any other), so presence never keeps personal data past the retention. `more` says whether
   * another call would find more: callers on the event loop purge one batch at a time and yield in between, so a
   * large first purge never stalls scanning.
   */
  purgeExpired(retentionDays: number, maxBatches = Number.POSITIVE_INFINITY): PurgeResult {
    const { q } = this.ctx;
    const cutoff = this.retentionCutoff(retentionDays);
    this.ctx.write(() => q.leaveInBefore.run(cutoff));
    let checkins = 0;
    let rejects = 0;
    for (let batch = 0; batch < maxBatches; batch += 1) {
      const c = this.ctx.write(() => q.purgeCheckins.run(cutoff, PURGE_BATCH).changes);
      const r = this.ctx.write(() => q.purgeRejects.run(cutoff, PURGE_BATCH).changes);
      checkins += c;
      rejects += r;
      if (c + r > 0) this.forgetFullness();
      if (c < PURGE_BATCH && r < PURGE_BATCH) return { checkins, rejects, more: false };
    }
    return { checkins, rejects, more: true };
  }

  /** A refusal for want of room says nothing once rows are deleted: the room left decides again (CheckinStore.refusal). */
  private forgetFullness(): void {
    const last = this.ctx.lastWrite;
    if (typeof last !== 'string' && last.code === 'E_STORE_FULL') this.ctx.lastWrite = 'unknown';
  }

  /** Epoch ms before which a check-in's retention has ended. */
  retentionCutoff(retentionDays: number): number {
    return this.ctx.nowMs() - retentionDays * DAY_MS;
  }

  /**
   * Deletes the copies of this database moved aside as corrupt more than the retention ago (they hold sealed personal
   * data too), but never one a salvage still reads from. Returns the paths deleted.
   */
  purgeMovedAside(retentionDays: number): string[] {
    const cutoff = this.retentionCutoff(retentionDays);
    const reading = pendingSalvageFrom(this.ctx.db);
    const expired = movedAsideCopies(this.ctx.options.path).filter((c) => c.at.getTime() < cutoff && c.path !== reading);
    for (const c of expired) removeCopy(c.path);
    return expired.map((c) => c.path);
  }
}
