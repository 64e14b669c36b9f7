// Small shared helpers for the bench and chaos scripts (plain ESM: they run against dist/ without a build step).
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = new URL('../../', import.meta.url);
export const BIN = fileURLToPath(new URL('bin/qrgate.js', ROOT));

/**
 * The compiled modules the scripts import, typed by their TypeScript sources: a renamed export or method fails
 * `npm run typecheck` (tsconfig.scripts.json) even though CI does not run the bench. Add a module here to import it.
 * @typedef {{
 *   'drivers/serial/framer.js': typeof import('../../drivers/serial/framer.js'),
 *   'drivers/serial/serial-driver.js': typeof import('../../drivers/serial/serial-driver.js'),
 *   'src/app.js': typeof import('../../src/app.js'),
 *   'src/central/app.js': typeof import('../../src/central/app.js'),
 *   'src/central/config-load.js': typeof import('../../src/central/config-load.js'),
 *   'src/central/pg-store.js': typeof import('../../src/central/pg-store.js'),
 *   'src/central/sqlite-day-queries.js': typeof import('../../src/central/sqlite-day-queries.js'),
 *   'src/central/sqlite-store.js': typeof import('../../src/central/sqlite-store.js'),
 *   'src/config/load.js': typeof import('../../src/config/load.js'),
 *   'src/decode/index.js': typeof import('../../src/decode/index.js'),
 *   'src/forwarder/messages.js': typeof import('../../src/forwarder/messages.js'),
 *   'src/logger.js': typeof import('../../src/logger.js'),
 *   'src/store/checkin-store.js': typeof import('../../src/store/checkin-store.js'),
 *   'src/store/sealer.js': typeof import('../../src/store/sealer.js'),
 *   'src/store/uuidv7.js': typeof import('../../src/store/uuidv7.js'),
 * }} DistModules
 */

/**
 * Imports a compiled module, e.g. dist('src/store/checkin-store.js').
 * @template {keyof DistModules} P
 * @param {P} path
 * @returns {Promise<DistModules[P]>}
 */
export function dist(path) {
  return import(new URL(`dist/${path}`, ROOT).href);
}

export const sleep = (ms) => delay(ms);

/**
 * Polls `cond` every `everyMs` until it is true; throws after `timeoutMs` with `what`. The one poll-until of the
 * tests, the bench and chaos (test/helpers/until.ts re-exports it). Monotonic time: a clock step does not end it.
 * @param {() => boolean | Promise<boolean>} cond
 * @param {string} what
 * @param {number} [timeoutMs]
 * @param {number} [everyMs]
 * @returns {Promise<void>}
 */
export async function waitUntil(cond, what, timeoutMs = 10_000, everyMs = 10) {
  const deadline = performance.now() + timeoutMs;
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(everyMs);
  }
}

/**
 * A fresh folder under the system's temporary one, `qrgate-PREFIX-…`, and how to remove it. The one tempDir of the
 * tests (test/helpers/tmp.ts removes it after the test), the bench and chaos.
 * @param {string} prefix
 * @returns {{ dir: string, remove: () => void }}
 */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `qrgate-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Sorted copy; percentile by nearest rank. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => percentile(values, 50);

export const nowMs = () => performance.now();

/** Every child process the scripts start, so a watchdog can end them all (by pid) if a scenario hangs. */
export const children = new Set();

export function track(proc) {
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return proc;
}

export function killTracked() {
  for (const proc of children) {
    try {
      proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Runs cleanups in reverse order, never throwing: for `finally` blocks. */
export class Cleanup {
  #fns = [];
  add(fn) {
    this.#fns.push(fn);
  }
  async run() {
    for (const fn of this.#fns.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error(`cleanup failed: ${err?.message ?? err}`);
      }
    }
    this.#fns = [];
  }
}
