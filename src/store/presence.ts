/**
 * Who is inside: kept by the keyed MAC of the person (never the document number), updated in the same transaction
 * as the check-in that moves them, and emptied by the automatic checkout.
 */
import type { CheckinRecorder } from './recorder.js';
import { readableOnly, type CheckinRow, type StoreContext } from './store-context.js';
import type { Checkin, CheckinInput } from './types.js';

export class Presence {
  constructor(
    private readonly ctx: StoreContext,
    private readonly recorder: CheckinRecorder,
  ) {}

  /** Whether the person holding this document is inside now. */
  isInside(input: Pick<CheckinInput, 'document'>): boolean {
    return this.ctx.insideByMac(this.ctx.personMac(input.document));
  }

  /** Who is inside, by the check-ins they came in by; one whose document no longer opens cannot be shown. */
  /** The `limit` most recent arrivals still inside, newest first (the status page's list). */
  insideLatest(limit: number): Checkin[] {
    return readableOnly((this.ctx.q.insideLatest.all(limit) as CheckinRow[]).map((r) => this.ctx.toCheckin(r)));
  }

  insideNow(): Checkin[] {
    return readableOnly((this.ctx.q.insideNow.all() as CheckinRow[]).map((r) => this.ctx.toCheckin(r)));
  }

  /**
   * Checks out everyone inside (with `inBefore`, only those whose "in" was scanned before it: their retention ends),
   * marked auto. Returns the new check-ins. Someone whose "in" no longer opens cannot be checked out with their
   * document; they leave the inside list all the same, so nobody stays inside for good.
   */
  autoCheckout(at: Date, clockSynced: boolean, inBefore?: number): Checkin[] {
    const inside =
      inBefore === undefined
        ? this.insideNow()
        : readableOnly((this.ctx.q.insideBefore.all(inBefore) as CheckinRow[]).map((r) => this.ctx.toCheckin(r)));
    const { db, q } = this.ctx;
    return this.ctx.write(() =>
      db
        .transaction(() => {
          const outs = inside.map((c) =>
            this.recorder.recordCheckin({
              scanner: c.scanner,
              direction: 'out',
              auto: true,
              manual: c.manual,
              scannedAt: at,
              clockSynced,
              document: c.document,
              warnings: [],
            }),
          );
          if (inBefore === undefined) q.clearPresence.run();
          else q.leaveInBefore.run(inBefore);
          return outs;
        })
        .immediate(),
    );
  }
}
