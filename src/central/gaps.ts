/**
 * End-to-end completeness, per kiosk: the seqs missing between the lowest kept and the highest known (the highest
 * stored, or the kiosk's reported lastSeq, so a missing tail counts too). A gap is *closing* while the kiosk reports
 * pending check-ins; once it reports none and the range is still missing, central asks for it (`resend`), and what
 * the kiosk answers it no longer has, or cannot read, becomes *lost*.
 */
import type { Clock, Timer } from '../core/clock.js';
import type { HealthMessage, RequestPayloads, ResendResult } from '../forwarder/contract.js';
import { RESEND_MAX_RANGE } from '../forwarder/schemas.js';
import type { Logger } from '../logger.js';
import type { KioskTracker } from './kiosk-tracker.js';
import { countSeqs, subtract } from './ranges.js';
import { kioskKey, type CentralStore, type KioskId, type LostRange, type SeqRange } from './store-types.js';

const TICK_MS = 1000;
/**
 * Missing ranges this close together are asked for in one resend: the seqs between them come again as duplicates
 * (stored once, by id), but a consumer that died under a shared subscription leaves every other seq missing, and a
 * request per seq took tens of seconds to repair a thousand of them.
 */
const RESEND_JOIN_GAP = 64;

/** Joins ranges separated by at most `gap` seqs (ascending input). */
export function coalesce(ranges: readonly SeqRange[], gap: number): SeqRange[] {
  const out: SeqRange[] = [];
  for (const r of ranges) {
    const last = out.at(-1);
    if (last !== undefined && r.from - last.to - 1 <= gap) out[out.length - 1] = { from: last.from, to: Math.max(last.to, r.to) };
    else out.push({ from: r.from, to: r.to });
  }
  return out;
}

export interface Completeness {
  /** Highest seq with every seq below it stored or known lost. */
  readonly contiguousSeq: number;
  readonly open: readonly SeqRange[];
  readonly lost: readonly LostRange[];
  readonly openCount: number;
  readonly lostCount: number;
  readonly closing: boolean;
}

export interface GapDeps {
  readonly store: CentralStore;
  readonly tracker: KioskTracker;
  readonly clock: Clock;
  readonly log: Logger;
  readonly resendAfterMs: number;
  /** Publishes `body` to the kiosk's `B/request/{op}`. */
  readonly request: <Op extends 'resend' | 'health'>(k: KioskId, op: Op, body: RequestPayloads[Op]) => void;
  readonly onResend?: () => void;
  /**
   * With a store shared by several central processes, check-ins of a kiosk may be stored by another one: every
   * known kiosk is looked at again this often. Unset: only kiosks this process has news of.
   */
  readonly rescanAllMs?: number;
}

export class GapWatcher {
  private readonly dirty = new Map<string, KioskId>();
  private readonly lastResend = new Map<string, number>();
  private readonly lastHealthAsk = new Map<string, number>();
  private timer: Timer | undefined;
  private readonly cache = new Map<string, Completeness>();
  /** Per kiosk, the highest seq with every seq below it stored or lost (it only grows). */
  private readonly contiguous = new Map<string, number>();
  private ticking = false;
  private lastRescan = -Infinity;

  constructor(private readonly deps: GapDeps) {}

  start(): void {
    this.timer = this.deps.clock.setInterval(() => void this.safeTick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    this.deps.clock.clearInterval(this.timer);
  }

  touch(k: KioskId): void {
    this.dirty.set(kioskKey(k), k);
    this.cache.delete(kioskKey(k));
  }

  /** The last computed completeness (at most a tick old for a kiosk with news), computing it when there is none. */
  async cached(k: KioskId): Promise<Completeness> {
    return this.cache.get(kioskKey(k)) ?? (await this.completeness(k));
  }

  async completeness(k: KioskId): Promise<Completeness> {
    const c = await this.compute(k);
    this.cache.set(kioskKey(k), c);
    this.contiguous.set(kioskKey(k), c.contiguousSeq);
    return c;
  }

  private async compute(k: KioskId): Promise<Completeness> {
    // Below the last contiguous seq every row is stored or lost for good (retention only raises the floor): reading
    // from there keeps a check O(new rows), not O(every row the kiosk ever sent).
    const known = this.cache.get(kioskKey(k))?.contiguousSeq ?? this.contiguous.get(kioskKey(k)) ?? 0;
    const { gaps, maxSeq } = await this.deps.store.seqGaps(k, known);
    const lastSeq = this.deps.tracker.healthOf(k)?.lastSeq ?? 0;
    const missing = lastSeq > maxSeq ? [...gaps, { from: maxSeq + 1, to: lastSeq }] : gaps;
    const lost = await this.deps.store.lostRanges(k);
    const open = subtract(missing, lost);
    const first = open[0];
    const top = Math.max(maxSeq, lastSeq);
    const pending = this.deps.tracker.healthOf(k)?.pending ?? 0;
    return {
      contiguousSeq: first === undefined ? top : first.from - 1,
      open,
      lost,
      openCount: countSeqs(open),
      lostCount: countSeqs(lost),
      closing: open.length > 0 && pending > 0,
    };
  }

  /** The kiosk answered a resend: ranges it no longer has, or cannot read, are lost. */
  async onResendResult(k: KioskId, r: ResendResult): Promise<void> {
    const lost: LostRange[] = [
      ...r.missing.map(([from, to]) => ({ from, to, reason: 'missing' as const })),
      ...r.unreadable.map((s) => ({ from: s, to: s, reason: 'unreadable' as const })),
    ];
    const known = await this.deps.store.lostRanges(k);
    // A joined request also covers seqs stored here: what the kiosk no longer has among those is not lost.
    const { open } = await this.compute(k);
    const fresh = lost
      .flatMap((l) => subtract([l], subtract([l], open)).map((r) => ({ ...r, reason: l.reason })))
      .filter((l) => subtract([l], known).length > 0);
    if (fresh.length > 0) {
      await this.deps.store.addLost(k, fresh, this.deps.clock.now().getTime());
      this.deps.log.warn(
        { site: k.site, device: k.device, ranges: fresh.length, seqs: countSeqs(fresh) },
        'check-ins the kiosk no longer has are marked lost',
      );
    }
    this.touch(k);
  }

  onHealth(k: KioskId, _h: HealthMessage): void {
    this.touch(k);
  }

  /** One round, never two at once; a store that fails now is retried at the next tick (it must not stop the process). */
  async safeTick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.tick();
    } catch (err) {
      this.deps.log.error({ err }, 'gap check failed');
    } finally {
      this.ticking = false;
    }
  }

  async tick(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const every = this.deps.rescanAllMs;
    // The first round looks at every known kiosk (gaps left by the last run); later ones, with a shared store, again.
    if (this.lastRescan === -Infinity || (every !== undefined && now - this.lastRescan >= every)) {
      this.lastRescan = now;
      for (const k of await this.deps.store.knownKiosks()) this.touch(k);
    }
    for (const [key, k] of this.dirty) {
      const c = await this.completeness(k);
      if (c.open.length === 0) {
        this.dirty.delete(key);
        continue;
      }
      const health = this.deps.tracker.healthOf(k);
      const resentAt = this.lastResend.get(key) ?? -Infinity;
      // A report from before the last resend (or older than the resend period) says nothing of the gap now.
      if (health === undefined || health.pending > 0 || health.at <= resentAt || now - health.at > this.deps.resendAfterMs) {
        // Closing, or not known: ask for a fresh report rather than wait for the kiosk's next minute.
        if (now - (this.lastHealthAsk.get(key) ?? -Infinity) >= Math.min(this.deps.resendAfterMs, 5000)) {
          this.lastHealthAsk.set(key, now);
          this.deps.request(k, 'health', {});
        }
        continue;
      }
      if (now - resentAt < this.deps.resendAfterMs) continue;
      this.lastResend.set(key, now);
      // Another central process sharing the store asked within the period: its request serves this gap too.
      if (!(await this.deps.store.claimResend(k, now, this.deps.resendAfterMs))) continue;
      // Every open range at once (one request each), at most RESEND_MAX_RANGE seqs in all per round.
      let budget = RESEND_MAX_RANGE;
      for (const r of coalesce(c.open, RESEND_JOIN_GAP)) {
        if (budget <= 0) break;
        const range = { from: r.from, to: Math.min(r.to, r.from + budget - 1) };
        budget -= range.to - range.from + 1;
        this.deps.log.info({ site: k.site, device: k.device, ...range }, 'asking the kiosk to resend a missing range');
        this.deps.onResend?.();
        this.deps.request(k, 'resend', { ...range, tid: `resend-${range.from}-${range.to}` });
      }
    }
  }
}
