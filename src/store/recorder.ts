/**
 * The transactional write path: accepted scans and rejects, each write one transaction, committed (fsynced WAL)
 * before the method returns, so "recorded" means recorded. A full outbox (store.maxPending) refuses with E_STORE_FULL.
 */
import { StoreError } from './errors.js';
import type { StoreContext } from './store-context.js';
import type { Checkin, CheckinDraft, CheckinInput, Reject, RejectInput } from './types.js';
import { uuidv7 } from './uuidv7.js';

export type RecordResult = { readonly ok: true; readonly checkin: Checkin } | { readonly ok: false; readonly error: StoreError };

export class CheckinRecorder {
  constructor(private readonly ctx: StoreContext) {}

  /** Records an accepted scan and updates who is inside, atomically. Throws StoreError when it cannot. */
  recordCheckin(input: CheckinInput): Checkin {
    const [result] = this.recordCheckins([input]);
    if (result === undefined) throw new Error('recordCheckins returned no result for one draft');
    if (!result.ok) throw result.error;
    return result.checkin;
  }

  /**
   * Records several accepted scans in one transaction: one fsync for a burst (a scanner replaying its buffer,
   * frames that arrived in one read) instead of one each. Each result says whether that scan was recorded; nothing
   * is recorded unless the transaction commits. `toggle` is decided in the transaction, so the same person twice in
   * one burst goes in, then out.
   */
  recordCheckins(drafts: readonly CheckinDraft[]): RecordResult[] {
    const { options, pending, sealer, zone, q } = this.ctx;
    const room = options.forwarding ? Math.max(0, options.maxPending - pending.checkins) : drafts.length;
    const accepted = drafts.slice(0, room);
    const prepared: Array<{ input: CheckinInput; id: string; scannedAt: string; mac: Buffer; sealed: Buffer; sentMs: number | null }> = [];
    let seqs: number[];
    try {
      seqs = this.ctx.write(() =>
        q.insertMany((insertOne) =>
          accepted.map((draft) => {
            const mac = this.ctx.personMac(draft.document);
            const direction = draft.direction === 'toggle' ? (this.ctx.insideByMac(mac) ? 'out' : 'in') : draft.direction;
            const input: CheckinInput = { ...draft, direction };
            const id = uuidv7(this.ctx.nowMs());
            const sealed = sealer.seal(JSON.stringify(input.document), id);
            const row = {
              input,
              id,
              scannedAt: zone.iso(input.scannedAt),
              mac,
              sealed,
              sentMs: options.forwarding ? null : this.ctx.nowMs(),
            };
            prepared.push(row);
            return insertOne(input, row);
          }),
        ),
      );
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      this.ctx.lastWrite = err;
      return drafts.map(() => ({ ok: false, error: err }));
    }
    if (accepted.length > 0) this.ctx.lastWrite = 'ok';
    if (options.forwarding) pending.checkins += seqs.length;
    // Made only when a draft did not fit: an Error (its stack) costs as much as sealing the document.
    let full: StoreError | undefined;
    return drafts.map((_, i) => {
      const row = prepared[i];
      const seq = seqs[i];
      if (row === undefined || seq === undefined)
        return {
          ok: false,
          error: (full ??= new StoreError('E_STORE_FULL', `${pending.checkins} check-ins waiting for the broker (store.maxPending)`)),
        };
      const { scannedAt: _at, ...rest } = row.input;
      return { ok: true, checkin: { ...rest, id: row.id, seq, scannedAt: row.scannedAt, warnings: [...row.input.warnings] } };
    });
  }

  recordReject(input: RejectInput): Reject {
    const { options, pending, zone, q } = this.ctx;
    if (options.forwarding && pending.rejects >= options.maxPending) {
      throw new StoreError('E_STORE_FULL', `${pending.rejects} rejects waiting for the broker (store.maxPending)`);
    }
    const id = uuidv7(this.ctx.nowMs());
    const scannedAt = zone.iso(input.scannedAt);
    const sentMs = options.forwarding ? null : this.ctx.nowMs();
    let n: number;
    try {
      n = this.ctx.write(() =>
        Number(
          q.insertReject.run(id, input.scanner, input.code, scannedAt, input.scannedAt.getTime(), input.clockSynced ? 1 : 0, sentMs)
            .lastInsertRowid,
        ),
      );
    } catch (err) {
      if (err instanceof StoreError) this.ctx.lastWrite = err;
      throw err;
    }
    // A reject's small row proves the database writes again, not that a check-in fits: it clears a failed write,
    // never a full store (only a recorded check-in or the retention's purge does).
    const last = this.ctx.lastWrite;
    if (typeof last === 'string' || last.code !== 'E_STORE_FULL') this.ctx.lastWrite = 'ok';
    if (sentMs === null) pending.rejects += 1;
    return { id, n, scanner: input.scanner, code: input.code, scannedAt, clockSynced: input.clockSynced };
  }
}
