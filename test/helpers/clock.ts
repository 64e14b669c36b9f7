/**
 * Tests own their time: the scan times in documents.ts and the clock the parts under test read agree, whatever day
 * the suite runs on. `testClock()` reads a time the test sets (and moves), with real timers, so integration tests
 * still wait for real sockets; tests of timers themselves use vitest's fake timers with `systemClock`.
 */
import { performance } from 'node:perf_hooks';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { TimeZone } from '../../src/core/zone.js';

/** The instant every fixed test scan is taken at (documents.ts): a Sunday morning at the gate. */
export const TEST_NOW = new Date('2026-11-22T09:30:00+07:00');

/** The kiosk's default zone, as the daemon would use it. */
export const TEST_ZONE = new TimeZone('Asia/Ho_Chi_Minh');

/** Real timers: tests that need time itself to jump use vitest's fake timers with systemClock instead. */
const REAL_TIMERS = {
  setTimeout: systemClock.setTimeout,
  clearTimeout: systemClock.clearTimeout,
  setInterval: systemClock.setInterval,
  clearInterval: systemClock.clearInterval,
};

export interface TestClock extends Clock {
  /** Moves the clock to `at` (timers already set keep their real delays). */
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start: Date | string = TEST_NOW): TestClock {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (at) => {
      now = new Date(at).getTime();
    },
    advance: (ms) => {
      now += ms;
    },
    ...REAL_TIMERS,
  };
}

/**
 * A clock that starts at `start` (default TEST_NOW) and runs at the real pace from there: for whole-daemon tests,
 * where re-read windows and timeouts need time to pass, yet "today" must be the day of the fixed scans.
 */
export function runningClock(start: Date | string = TEST_NOW): TestClock {
  let base = new Date(start).getTime();
  let t0 = performance.now();
  const now = (): number => base + (performance.now() - t0);
  return {
    now: () => new Date(Math.floor(now())),
    set: (at) => {
      base = new Date(at).getTime();
      t0 = performance.now();
    },
    advance: (ms) => {
      base += ms;
    },
    ...REAL_TIMERS,
  };
}
