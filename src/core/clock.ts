/**
 * The one source of time for the daemon and the drivers: every reading of the wall clock and every timer that
 * decides behaviour goes through a `Clock`, so that tests (and the bench) own their time. The composition root hands
 * out `systemClock`; tests hand out a fixed or manual clock (test/helpers/clock.ts). Lint forbids `Date.now()`,
 * `new Date()` and the global timers everywhere else in `src/` and `drivers/`.
 */
export type Timer = NodeJS.Timeout;

/** Function properties, not methods: a clock's functions are passed around on their own. */
export interface Clock {
  readonly now: () => Date;
  readonly setTimeout: (fn: () => void, ms: number) => Timer;
  readonly clearTimeout: (t: Timer | undefined) => void;
  readonly setInterval: (fn: () => void, ms: number) => Timer;
  readonly clearInterval: (t: Timer | undefined) => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (t) => clearInterval(t),
};

/** Resolves after `ms` on the given clock (a timer that does not keep the process alive). */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms).unref());
}
