/** Read views for the page, the metrics and the technician's export: counts of a day, rejects by code, a day's rows. */
import type { Code } from '../core/codes.js';
import type { StoreContext, CheckinRow } from './store-context.js';
import type { Checkin, DayCounts, UnreadableCheckin } from './types.js';

export class Reports {
  constructor(private readonly ctx: StoreContext) {}

  /** Check-ins scanned in [fromMs, toMs), in seq order, decrypted: the technician's CSV export of a day. */
  checkinsBetween(fromMs: number, toMs: number): Array<Checkin | UnreadableCheckin> {
    return (this.ctx.q.checkinsBetween.all(fromMs, toMs) as CheckinRow[]).map((r) => this.ctx.toCheckin(r));
  }

  /** How many scans were rejected since `fromMs`, by code, most frequent first. */
  rejectCountsSince(fromMs: number): Array<{ code: Code; count: number }> {
    return this.ctx.q.rejectCountsSince.all(fromMs) as Array<{ code: Code; count: number }>;
  }

  private countsSince(fromMs: number): DayCounts {
    const { q } = this.ctx;
    const byDirection = q.countsSince.all(fromMs) as Array<{ direction: 'in' | 'out'; n: number }>;
    return {
      in: byDirection.find((r) => r.direction === 'in')?.n ?? 0,
      out: byDirection.find((r) => r.direction === 'out')?.n ?? 0,
      rejected: q.rejectsSince.pluck().get(fromMs) as number,
      insideNow: q.insideCount.pluck().get() as number,
    };
  }

  today(): DayCounts {
    return this.countsSince(this.ctx.zone.startOfDay(this.ctx.clock.now()));
  }
}
