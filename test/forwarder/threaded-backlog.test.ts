/**
 * The backlog reader thread, run from the build (global-setup makes dist/): the bundle's entry, as installed, and the
 * compiled module's. Its batches must be exactly what this thread would read, and a thread that fails must cost
 * nothing but speed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { InThreadBacklog, type OutgoingCheckin } from '../../src/forwarder/backlog.js';
import { checkinBody } from '../../src/forwarder/messages.js';
import { ThreadedBacklog } from '../../src/forwarder/threaded-backlog.js';
import { createLogger } from '../../src/logger.js';
import { CheckinStore } from '../../src/store/checkin-store.js';
import type { OutboxCheckin } from '../../src/store/types.js';
import { cccdDoc, checkinInput } from '../helpers/documents.js';
import { tempDir } from '../helpers/tmp.js';
import { systemClock, type Clock } from '../../src/core/clock.js';

const BUNDLED = new URL('../../dist/backlog-thread.cjs', import.meta.url);
const COMPILED = new URL('../../dist/src/forwarder/backlog-thread.js', import.meta.url);
const WEDGED = new URL('../fixtures/wedged-backlog-thread.mjs', import.meta.url);
const ORIGIN = { site: 'hq', device: 'kiosk-7' };

const opened: Array<{ store: CheckinStore; backlog: ThreadedBacklog }> = [];
afterEach(() => {
  for (const o of opened.splice(0)) {
    o.backlog.release();
    o.store.close();
  }
});

function storeWith(n: number): { store: CheckinStore; path: string; keyFile: string } {
  const dir = tempDir();
  const path = join(dir, 'q.db');
  const keyFile = join(dir, 'k');
  const store = CheckinStore.open({ path, keyFile, maxPending: 1_000_000, forwarding: true });
  for (let i = 0; i < n; i += 500) {
    const count = Math.min(500, n - i);
    // Names with diacritics: the bodies are UTF-8, and the thread hands over byte offsets.
    store.recordCheckins(
      Array.from({ length: count }, (_, j) => checkinInput(cccdDoc(`0011900${String(i + j).padStart(5, '0')}`, `Khách Thử ${i + j}`))),
    );
  }
  return { store, path, keyFile };
}

interface Logged {
  readonly level: string;
  readonly msg: string;
}

function threaded(
  fx: { store: CheckinStore; path: string; keyFile: string },
  entry: URL,
  options: { keyFile?: string; minBacklog?: number; stallMs?: number } = {},
) {
  const lines: Logged[] = [];
  const log = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line) as Logged) } as unknown as NodeJS.WritableStream);
  const body = (row: OutboxCheckin) => checkinBody(row, ORIGIN, 'full');
  /** Every timeout the backlog sets, by its delay: which limit it armed, whatever the machine's speed. */
  const timeouts: number[] = [];
  const clock: Clock = { ...systemClock, setTimeout: (fn, ms) => (timeouts.push(ms), systemClock.setTimeout(fn, ms)) };
  /** Every reader thread started, so that a test can kill one from outside. */
  const workers: Worker[] = [];
  const backlog = new ThreadedBacklog({
    clock,
    startWorker: (file, workerOptions) => {
      const worker = new Worker(file, workerOptions);
      workers.push(worker);
      return worker;
    },
    entry,
    data: { store: { path: fx.path, keyFile: options.keyFile ?? fx.keyFile }, origin: ORIGIN, fields: 'full' },
    inThread: new InThreadBacklog(fx.store, body),
    pendingCount: () => fx.store.pendingCount(),
    minBacklog: options.minBacklog ?? 1,
    log,
    ...(options.stallMs === undefined ? {} : { stallMs: options.stallMs }),
  });
  opened.push({ store: fx.store, backlog });
  return { backlog, lines, timeouts, workers, inThread: new InThreadBacklog(fx.store, body) };
}

/** Reads as the pump does: batch after batch from `after`, waiting when the thread has not answered yet. */
async function readAll(backlog: ThreadedBacklog, limit: number, after = 0, stopAt = Infinity): Promise<OutgoingCheckin[]> {
  const out: OutgoingCheckin[] = [];
  for (;;) {
    const rows = await new Promise<readonly OutgoingCheckin[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no batch within 10 s')), 10_000);
      const attempt = (): void => {
        const got = backlog.read(after, limit, attempt);
        if (got !== null) {
          clearTimeout(timer);
          resolve(got);
        }
      };
      attempt();
    });
    out.push(...rows);
    const last = rows[rows.length - 1];
    if (last !== undefined) after = last.seq;
    if (rows.length < limit || out.length >= stopAt) return out;
  }
}

/** Asks for the first batch every 10 ms, as a pump would keep doing, until `done` (at most 10 s). */
async function readingUntil(backlog: ThreadedBacklog, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done() && Date.now() < deadline) {
    backlog.read(0, 100, () => undefined);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const text = (rows: readonly OutgoingCheckin[]): Array<[number, string | null]> => rows.map((r) => [r.seq, r.body?.toString() ?? null]);

describe('backlog reader thread', () => {
  it.each([
    ['the bundle (as installed)', BUNDLED],
    ['the compiled module', COMPILED],
  ])('reads, from %s, every pending row in seq order with bodies byte-identical to a read on this thread', async (_what, entry) => {
    const fx = storeWith(1234);
    const { backlog, lines, inThread } = threaded(fx, entry);
    const expected = text(inThread.read(0, 5000));
    // Until the thread has opened the store, reads are served here; then the thread takes over.
    await new Promise((r) => setTimeout(r, 50));
    const first = backlog.read(0, 100, () => undefined);
    expect(first === null || first.length === 100).toBe(true);
    const deadline = Date.now() + 10_000;
    while (!backlog.threaded && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(backlog.threaded).toBe(true);
    const rows = await readAll(backlog, 100);
    expect(rows.every((r) => Buffer.isBuffer(r.body))).toBe(true);
    expect(text(rows)).toEqual(expected);
    expect(lines.some((l) => l.msg === 'reading the backlog on a second thread')).toBe(true);
  });

  it('starts over from any seq when the publisher does (a reconnect), and sees rows committed since', async () => {
    const fx = storeWith(700);
    const { backlog, inThread } = threaded(fx, BUNDLED);
    await readingUntil(backlog, () => backlog.threaded);
    const part = await readAll(backlog, 100, 0, 300);
    expect(part.map((r) => r.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    fx.store.recorder.recordCheckin(checkinInput(cccdDoc('001190099999', 'Khách Mới')));
    const again = await readAll(backlog, 100, 0);
    expect(text(again)).toEqual(text(inThread.read(0, 5000)));
    expect(again.map((r) => r.seq)).toEqual(Array.from({ length: 701 }, (_, i) => i + 1));
  });

  it('falls back to this thread with a warning when the thread cannot open the store, and still reads everything', async () => {
    const fx = storeWith(600);
    const wrongKey = join(tempDir(), 'other.key');
    writeFileSync(wrongKey, Buffer.alloc(32, 7));
    const { backlog, lines, inThread } = threaded(fx, BUNDLED, { keyFile: wrongKey });
    await readingUntil(backlog, () => lines.some((l) => l.level === 'warn'));
    const warning = lines.find((l) => l.level === 'warn');
    expect(warning?.msg).toBe('the backlog reader thread failed; reading the backlog on the main thread');
    expect(JSON.stringify(warning)).toContain('E_STORE_KEY');
    expect(backlog.threaded).toBe(false);
    expect(text(await readAll(backlog, 100))).toEqual(text(inThread.read(0, 5000)));
  });

  it('reads a backlog smaller than its threshold on this thread, starting nothing', async () => {
    const fx = storeWith(300);
    const { backlog, lines } = threaded(fx, BUNDLED, { minBacklog: 301 });
    const rows = await readAll(backlog, 100);
    expect(rows).toHaveLength(300);
    expect(rows.every((r) => typeof r.body === 'string')).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(backlog.threaded).toBe(false);
    expect(lines).toEqual([]);
  });

  it('replaces a thread that gives no rows (wedged) with reads here after the stall limit, losing nothing', async () => {
    const fx = storeWith(600);
    const { backlog, lines, inThread, timeouts } = threaded(fx, WEDGED, { stallMs: 300 });
    await readingUntil(backlog, () => backlog.threaded);
    expect(backlog.threaded).toBe(true);
    const rows = await readAll(backlog, 100);
    // The rows came after the stall limit fired (not by another path): the limit was armed, and the warning says so.
    expect(timeouts).toContain(300);
    expect(text(rows)).toEqual(text(inThread.read(0, 5000)));
    const warning = lines.find((l) => l.level === 'warn');
    expect(warning?.msg).toBe('the backlog reader thread failed; reading the backlog on the main thread');
    expect(JSON.stringify(warning)).toContain('gave no rows for 0.3 s');
  });

  it('fails over to this thread mid-drain when the thread dies, losing no row', async () => {
    const fx = storeWith(2000);
    const { backlog, lines, inThread, workers } = threaded(fx, BUNDLED);
    await readingUntil(backlog, () => backlog.threaded);
    const part = await readAll(backlog, 100, 0, 500);
    // The thread is killed from outside (an out-of-memory kill of the isolate looks the same to us).
    expect(workers).toHaveLength(1);
    await workers[0]?.terminate();
    await new Promise((r) => setTimeout(r, 50));
    const rest = await readAll(backlog, 100, part[part.length - 1]?.seq ?? 0);
    expect(text([...part, ...rest])).toEqual(text(inThread.read(0, 5000)));
    expect(lines.some((l) => l.level === 'warn')).toBe(true);
  });
});
