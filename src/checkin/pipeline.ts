/**
 * frame → decode → check-in. Frames are decided one at a time, in order, and every commit is synchronous, so the
 * order of check-ins is the order of frames, and an event is emitted only once its row is durable. Frames that
 * arrived together (`acceptAll`) are committed in one transaction: one fsync for a burst instead of one per scan.
 */
import type { Code } from '../core/codes.js';
import { EventEmitter } from 'node:events';
import type { Clock } from '../core/clock.js';
import type { Frame } from '../core/scanner.js';
import type { Config } from '../config/schema.js';
import type { TimeZone } from '../core/zone.js';
import { decodeScan, decodeTypedNumber, type DecodeResult, type IdentityDocument } from '../decode/index.js';
import type { CheckinStore } from '../store/checkin-store.js';
import { StoreError } from '../store/errors.js';
import type { RecordResult } from '../store/recorder.js';
import type { Checkin, CheckinDraft, Direction } from '../store/types.js';
import { RereadFilter } from './dedupe.js';
import type { PipelineEvents, RejectEvent } from './events.js';

export type ScannerDirection = Direction | 'toggle';

export interface PipelineOptions {
  /** The write path and the automatic checkout: all the pipeline needs of the store. */
  readonly store: Pick<CheckinStore, 'recordCheckins' | 'recordReject' | 'autoCheckout'>;
  readonly clock: Clock;
  /** The kiosk's zone (clock.timeZone): card validity is judged on its civil date, scannedAt carries its offset. */
  readonly zone: TimeZone;
  readonly settings: Config['pipeline'];
  readonly directionOf: (scannerId: string) => ScannerDirection;
  readonly clockSynced: () => boolean;
}

interface Held {
  readonly frame: Frame;
  /** Its decode result, kept so that deciding it later (alone) does not decode it again. */
  readonly result: DecodeResult;
  readonly timer: NodeJS.Timeout;
}

/** A frame's fate inside a burst, kept so that events still come out in frame order. */
type Decided =
  | { readonly kind: 'checkin'; readonly draft: CheckinDraft }
  | { readonly kind: 'reject'; readonly scanner: string; readonly code: Code; readonly scannedAt: Date }
  | { readonly kind: 'repeat'; readonly scanner: string };

type Recorded = RecordResult;

export type ManualEntry = {
  readonly number: string;
  readonly name?: string | undefined;
  readonly direction?: ScannerDirection | undefined;
};

export type Outcome = { readonly ok: true; readonly checkin: Checkin } | { readonly ok: false; readonly reject: RejectEvent };

export const MANUAL_SCANNER_ID = 'manual';

/** Bytes that stop inside a multi-byte UTF-8 character: the scan was cut there, whatever the decoder makes of it. */
export function endsMidCharacter(bytes: Uint8Array): boolean {
  for (let back = 1; back <= Math.min(4, bytes.length); back += 1) {
    const b = bytes[bytes.length - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: keep looking for its lead
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return needed > back;
  }
  return false;
}

/** A scan that ended too early: the rest may be in the next frame. */
function isTruncated(r: DecodeResult, bytes: Uint8Array): boolean {
  if (r.ok) return false;
  return r.code === 'E_CCCD_FIELDS' || r.code === 'E_BHYT_FIELDS' || (r.code === 'E_ENCODING' && endsMidCharacter(bytes));
}

export class CheckinPipeline extends EventEmitter<PipelineEvents> {
  private readonly held = new Map<string, Held>();
  private readonly rereads: RereadFilter;
  private closed = false;
  /** While `acceptAll` runs: what its frames came to, in frame order, acted on after its one commit. */
  private batch: Decided[] | null = null;

  constructor(private readonly options: PipelineOptions) {
    super();
    this.rereads = new RereadFilter(options.settings.dedupeMs);
  }

  /** Takes one frame from a driver. */
  accept(frame: Frame): void {
    if (this.closed) return;
    const alone = this.decode(frame);
    const held = this.held.get(frame.scannerId);
    if (held !== undefined) {
      this.release(frame.scannerId);
      // Only a frame that cannot stand on its own is the rest of the held one: a complete scan of another card
      // joined to a cut one could still parse, as a wrong record.
      if (!alone.ok) {
        const joined: Frame = { ...held.frame, bytes: Buffer.concat([held.frame.bytes, frame.bytes]) };
        const result = this.decode(joined);
        if (result.ok || isTruncated(result, joined.bytes)) return this.handle(joined, result);
      }
      this.finish(held.frame, held.result);
    }
    this.handle(frame, alone);
  }

  /** Takes the frames a driver produced together (one read): decided in order, their check-ins committed together. */
  acceptAll(frames: readonly Frame[]): void {
    if (this.batch !== null) throw new Error('acceptAll is not re-entrant');
    this.batch = [];
    let decided: Decided[];
    try {
      for (const frame of frames) this.accept(frame);
    } finally {
      decided = this.batch;
      this.batch = null;
    }
    this.settle(decided);
  }

  /** A visitor without any QR: the receptionist types the 12-digit number or a BHYT number (and the name). */
  manual(entry: ManualEntry): Outcome {
    const now = this.options.clock.now();
    const result = decodeTypedNumber(entry.number, { scannedAt: now, utcOffsetMinutes: this.options.zone.offsetMinutes(now) });
    if (!result.ok) return { ok: false, reject: this.reject(MANUAL_SCANNER_ID, result.code, now) };
    const name = entry.name?.trim().replace(/\s+/g, ' ').normalize('NFC') || null;
    const document: IdentityDocument =
      result.document.type === 'bhyt' ? { ...result.document, name } : { ...result.document, type: 'id-number', name, manual: true };
    return this.commit(MANUAL_SCANNER_ID, entry.direction ?? 'in', now, { ...result, document }, true);
  }

  /** The daily checkout of everyone still inside (with `inBefore`: of those whose "in" was scanned before it). */
  autoCheckout(at: Date, inBefore?: number): Checkin[] {
    try {
      const outs = this.options.store.autoCheckout(at, this.options.clockSynced(), inBefore);
      for (const c of outs) this.emit('checkin', c);
      return outs;
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      this.emit('alarm', { code: err.code, detail: `auto checkout failed: ${err.message}` });
      return [];
    }
  }

  /** Stops intake; a scan still waiting for its second half is decided now, so nothing is left in memory. */
  close(): void {
    this.closed = true;
    for (const [scannerId, held] of [...this.held]) {
      this.release(scannerId);
      this.finish(held.frame, held.result);
    }
  }

  private decode(frame: Frame): DecodeResult {
    return decodeScan(frame.bytes, frame.receivedAt, { utcOffsetMinutes: this.options.zone.offsetMinutes(frame.receivedAt) });
  }

  private handle(frame: Frame, result: DecodeResult): void {
    if (isTruncated(result, frame.bytes) && this.options.settings.reassemblyMs > 0 && !this.closed) {
      const timer = this.options.clock.setTimeout(() => {
        this.held.delete(frame.scannerId);
        this.finish(frame, result);
      }, this.options.settings.reassemblyMs);
      this.held.set(frame.scannerId, { frame, result, timer });
      return;
    }
    this.finish(frame, result);
  }

  private release(scannerId: string): void {
    const held = this.held.get(scannerId);
    if (held !== undefined) this.options.clock.clearTimeout(held.timer);
    this.held.delete(scannerId);
  }

  private finish(frame: Frame, result: DecodeResult): void {
    const decided: Decided = this.rereads.isRepeat(frame.scannerId, frame.bytes, this.options.clock.now().getTime())
      ? { kind: 'repeat', scanner: frame.scannerId }
      : !result.ok
        ? { kind: 'reject', scanner: frame.scannerId, code: result.code, scannedAt: frame.receivedAt }
        : {
            kind: 'checkin',
            draft: this.draft(frame.scannerId, this.options.directionOf(frame.scannerId), frame.receivedAt, result, false),
          };
    if (this.batch !== null) this.batch.push(decided);
    else this.settle([decided]);
  }

  /** Commits the check-ins among `decided` in one transaction, then acts on each, in frame order. */
  private settle(decided: readonly Decided[]): void {
    const drafts = decided.flatMap((d) => (d.kind === 'checkin' ? [d.draft] : []));
    const recorded = drafts.length === 0 ? [] : this.options.store.recordCheckins(drafts);
    let next = 0;
    for (const d of decided) {
      if (d.kind === 'repeat') this.emit('repeat', { scanner: d.scanner });
      else if (d.kind === 'reject') this.reject(d.scanner, d.code, d.scannedAt);
      else
        this.announce(
          recorded[next++] ?? { ok: false, error: new StoreError('E_STORE_WRITE', 'the store gave no result for this check-in') },
          d.draft,
        );
    }
  }

  private draft(
    scanner: string,
    direction: ScannerDirection,
    scannedAt: Date,
    result: Extract<DecodeResult, { ok: true }>,
    manual: boolean,
  ): CheckinDraft {
    // A toggle scanner's direction is decided by the store, in the transaction, from who is inside.
    return {
      scanner,
      direction,
      auto: false,
      manual,
      scannedAt,
      clockSynced: this.options.clockSynced(),
      document: result.document,
      warnings: result.warnings,
    };
  }

  private commit(
    scanner: string,
    direction: ScannerDirection,
    scannedAt: Date,
    result: Extract<DecodeResult, { ok: true }>,
    manual: boolean,
  ): Outcome {
    const draft = this.draft(scanner, direction, scannedAt, result, manual);
    const [recorded] = this.options.store.recordCheckins([draft]);
    if (recorded === undefined) throw new Error('recordCheckins returned no result for one draft');
    return this.announce(recorded, draft);
  }

  private announce(result: Recorded, draft: CheckinDraft): Outcome {
    if (result.ok) {
      this.emit('checkin', result.checkin);
      return { ok: true, checkin: result.checkin };
    }
    // Refused on screen, never acknowledged: the visitor is told the kiosk could not record them.
    this.emit('alarm', { code: result.error.code, detail: result.error.message });
    return { ok: false, reject: this.rejectUnstored(draft.scanner, result.error.code, draft.scannedAt) };
  }

  private reject(scanner: string, code: Code, scannedAt: Date): RejectEvent {
    const clockSynced = this.options.clockSynced();
    try {
      const stored = this.options.store.recordReject({ scanner, code, scannedAt, clockSynced });
      const event: RejectEvent = { id: stored.id, scanner, code, scannedAt: stored.scannedAt, clockSynced };
      this.emit('reject', event);
      return event;
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      this.emit('alarm', { code: err.code, detail: `a rejected scan could not be logged: ${err.message}` });
      return this.rejectUnstored(scanner, code, scannedAt);
    }
  }

  private rejectUnstored(scanner: string, code: Code, scannedAt: Date): RejectEvent {
    const event: RejectEvent = {
      id: null,
      scanner,
      code,
      scannedAt: this.options.zone.iso(scannedAt),
      clockSynced: this.options.clockSynced(),
    };
    this.emit('reject', event);
    return event;
  }
}
