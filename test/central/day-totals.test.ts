/**
 * The fleet's day counts (src/central/day-totals.ts): read fresh while reading is cheap, reused for ten times what
 * a read cost once it is not, one read at a time, a new day read at once, a failed read never kept. The store is a
 * stand-in whose reads take the time the test says, on a clock the test moves.
 */
import { describe, expect, it } from 'vitest';
import { DayTotals } from '../../src/central/day-totals.js';
import type { DayCounts } from '../../src/central/store-types.js';
import type { Clock } from '../../src/core/clock.js';

const DAY = Date.parse('2026-11-21T17:00:00Z');

function rig() {
  let now = DAY + 9 * 3_600_000;
  const clock: Clock = {
    now: () => new Date(now),
    setTimeout: () => {
      throw new Error('not used');
    },
    clearTimeout: () => undefined,
    setInterval: () => {
      throw new Error('not used');
    },
    clearInterval: () => undefined,
  };
  const reads: number[] = [];
  let costMs = 0;
  let fail = false;
  let release: (() => void) | null = null;
  let hold = false;
  const store = {
    async kioskCountsSince(fromMs: number): Promise<Map<string, DayCounts>> {
      reads.push(fromMs);
      if (hold) await new Promise<void>((r) => (release = r));
      if (fail) throw new Error('database is locked');
      now += costMs; // the read takes this long
      return new Map([['hq/k1', { in: reads.length, out: 0, rejected: 0 }]]);
    },
    personsSince(): Promise<Map<string, number>> {
      return Promise.resolve(new Map([['hq', reads.length]]));
    },
  };
  const totals = new DayTotals({ store, clock });
  return {
    totals,
    reads,
    advance: (ms: number) => (now += ms),
    cost: (ms: number) => (costMs = ms),
    failing: (f: boolean) => (fail = f),
    holding: (h: boolean) => (hold = h),
    release: () => release?.(),
    now: () => now,
  };
}

describe('the day counts of the fleet', () => {
  it('reads them at every request while a read costs under 100 ms (a small agency sees each check-in at once)', async () => {
    const r = rig();
    r.cost(99);
    for (let i = 1; i <= 3; i++) {
      expect((await r.totals.get(DAY, r.now())).counts.get('hq/k1')?.in).toBe(i);
      r.advance(1);
    }
    expect(r.reads).toEqual([DAY, DAY, DAY]);
  });

  it('reuses a read that cost 500 ms for 5 s after it began, then reads again; asOf says when the counts were read', async () => {
    const r = rig();
    r.cost(500);
    const first = await r.totals.get(DAY, r.now());
    const began = r.now() - 500;
    expect(first.asOfMs).toBe(began);
    r.advance(4_499); // 4,999 ms after it began (the read itself took 500)
    expect(await r.totals.get(DAY, r.now())).toBe(first);
    r.advance(2);
    const second = await r.totals.get(DAY, r.now());
    expect(second).not.toBe(first);
    expect(second.counts.get('hq/k1')?.in).toBe(2);
    expect(r.reads).toHaveLength(2);
  });

  it('makes one read for every request that comes while it runs', async () => {
    const r = rig();
    r.holding(true);
    const asked = [r.totals.get(DAY, r.now()), r.totals.get(DAY, r.now()), r.totals.get(DAY, r.now())];
    await Promise.resolve();
    r.release();
    const answers = await Promise.all(asked);
    expect(r.reads).toHaveLength(1);
    expect(new Set(answers).size).toBe(1);
  });

  it('reads a new day at once, even while the last day’s read would still be reused', async () => {
    const r = rig();
    r.cost(1_000);
    await r.totals.get(DAY, r.now());
    r.advance(1_000);
    const next = DAY + 86_400_000;
    expect((await r.totals.get(next, r.now())).counts.get('hq/k1')?.in).toBe(2);
    expect(r.reads).toEqual([DAY, next]);
  });

  it('keeps no failed read: the request fails and the next one reads again', async () => {
    const r = rig();
    r.cost(1_000);
    r.failing(true);
    await expect(r.totals.get(DAY, r.now())).rejects.toThrow('database is locked');
    r.failing(false);
    expect((await r.totals.get(DAY, r.now())).counts.get('hq/k1')?.in).toBe(2);
  });
});
