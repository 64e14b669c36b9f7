/**
 * The fleet's "today" (in, out and rejected per kiosk, distinct persons per site): the two counts read every row of
 * the day, 3.3 s together at a district's 875,000 check-ins (docs/performance.md, "Central"), and every open fleet
 * page asks for them every few seconds. So one read at a time, shared by whoever asks meanwhile, and a read that
 * cost `cost` is reused for 10 × `cost`: the counts stay at most a tenth of the time behind and their reading takes
 * at most about a tenth of a core, whatever the size of the day. A read under 100 ms is never reused (a small
 * agency sees every check-in at once).
 */
import type { Clock } from '../core/clock.js';
import type { CentralStore, DayCounts } from './store-types.js';

/** Reads under this are never reused; above it, a read is reused for REUSE_FACTOR times what it cost. */
const CHEAP_MS = 100;
const REUSE_FACTOR = 10;

export interface DayTotalsValue {
  readonly counts: ReadonlyMap<string, DayCounts>;
  readonly persons: ReadonlyMap<string, number>;
  /** When the read began: what it counted was stored by then. */
  readonly asOfMs: number;
}

export class DayTotals {
  private last: { readonly dayStart: number; readonly value: DayTotalsValue; readonly costMs: number } | undefined;
  private inFlight: { readonly dayStart: number; readonly value: Promise<DayTotalsValue> } | undefined;

  constructor(private readonly deps: { readonly store: Pick<CentralStore, 'kioskCountsSince' | 'personsSince'>; readonly clock: Clock }) {}

  /** The counts of the day that began at `dayStart` (epoch ms), asked at `now` (a read begun now is as of `now`). */
  get(dayStart: number, now: number): Promise<DayTotalsValue> {
    const last = this.last;
    if (last !== undefined && last.dayStart === dayStart && last.costMs >= CHEAP_MS && now - last.value.asOfMs < REUSE_FACTOR * last.costMs)
      return Promise.resolve(last.value);
    if (this.inFlight?.dayStart === dayStart) return this.inFlight.value;
    const value = this.read(dayStart, now);
    const inFlight = { dayStart, value };
    this.inFlight = inFlight;
    const done = (): void => {
      if (this.inFlight === inFlight) this.inFlight = undefined;
    };
    value.then(done, done);
    return value;
  }

  private async read(dayStart: number, startedMs: number): Promise<DayTotalsValue> {
    const [counts, persons] = await Promise.all([this.deps.store.kioskCountsSince(dayStart), this.deps.store.personsSince(dayStart)]);
    const value: DayTotalsValue = { counts, persons, asOfMs: startedMs };
    this.last = { dayStart, value, costMs: this.deps.clock.now().getTime() - startedMs };
    return value;
  }
}
