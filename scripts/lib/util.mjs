// Small shared helpers for the bench and chaos scripts (plain ESM: they run against dist/ without a build step).
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = new URL('../../', import.meta.url);
export const BIN = fileURLToPath(new URL('bin/qrgate.js', ROOT));

/** Imports a compiled module, e.g. dist('src/store/checkin-store.js'). */
export function dist(path) {
  return import(new URL(`dist/${path}`, ROOT).href);
}

export const sleep = (ms) => delay(ms);

/** Polls `cond` every `everyMs` until it is true; throws after `timeoutMs` with `what`. */
export async function waitUntil(cond, what, timeoutMs = 10_000, everyMs = 10) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(everyMs);
  }
}

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
