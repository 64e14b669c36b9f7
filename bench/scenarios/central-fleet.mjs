// The fleet's day counts on a big day (src/central/day-totals.ts, sqlite-reader.ts): a SQLite central holding a
// district's day (875,000 check-ins; 200,000 in quick mode) is asked for its counts as /api/fleet asks. Baseline, in
// the same run: the same two queries on a bare better-sqlite3 connection, which is how long the thread running the
// embedded broker (every kiosk's acknowledgement) stood still before the reader thread. Value: the longest that
// thread's event loop stood still while the store answered through its reader thread.
// Second row, the hourly retention purge of an hour's worth of expired check-ins at that size (36,000): baseline, the
// same rows deleted by one bare DELETE (how long one statement holds the thread); value, the longest batch of the
// store's purge as central runs it (batches of 2,000, the event loop let run between them).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import Database from 'better-sqlite3';
import { Cleanup, dist, tempDir } from '../../scripts/lib/util.mjs';
import { row } from './row.mjs';

const { SqliteCentralStore } = await dist('src/central/sqlite-store.js');
const { Sealer } = await dist('src/store/sealer.js');
const { dayQueriesOn } = await dist('src/central/sqlite-day-queries.js');

const DAY_START = Date.parse('2026-11-21T17:00:00Z');
const ENTRY = new URL('../../dist/central-writer.cjs', import.meta.url);

/** The longest gap between this thread's event-loop turns while `work` runs (ms). */
async function longestStall(work) {
  let last = performance.now();
  let worst = 0;
  let going = true;
  const tick = () => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    if (going) setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  going = false;
  return Math.max(worst, performance.now() - last);
}

export async function run({ quick }) {
  const total = quick ? 200_000 : 875_000;
  const cleanup = new Cleanup();
  const tmp = tempDir('bench-central-fleet');
  cleanup.add(tmp.remove);
  try {
    const path = join(tmp.dir, 'central.db');
    const store = SqliteCentralStore.open(path, new Sealer(randomBytes(32)), join(tmp.dir, 'k'), new Date(DAY_START));
    cleanup.add(() => store.close());
    // 50 sites of 20 kiosks; about 300,000 people, most of them in and out once.
    const people = Array.from({ length: 300_000 }, () => randomBytes(32));
    const sealed = randomBytes(350);
    for (let i = 0; i < total; i += 5000) {
      /** @type {import('../../src/central/store-types.js').CheckinRow[]} */
      const batch = [];
      for (let j = i; j < Math.min(total, i + 5000); j += 1) {
        const k = j % 1000;
        const person = people[j % people.length];
        const ms = DAY_START + 6 * 3_600_000 + Math.floor((j / total) * 12 * 3_600_000);
        batch.push({
          id: `c-${j}`,
          site: `s${k % 50}`,
          device: `k${k}`,
          seq: Math.floor(j / 1000) + 1,
          direction: /** @type {'in' | 'out'} */ (j % 2 === 0 ? 'in' : 'out'),
          docType: 'cccd',
          scannedAt: new Date(ms).toISOString(),
          scannedMs: ms,
          clockSynced: true,
          receivedMs: ms,
          numberMac: person,
          personMac: person,
          sealed,
        });
      }
      await store.insertCheckins(batch);
    }
    const bareDb = new Database(path, { readonly: true });
    cleanup.add(() => bareDb.close());
    const bare = dayQueriesOn(bareDb);
    const bareStall = await longestStall(async () => {
      bare.kioskCountsSince(DAY_START);
      bare.personsSince(DAY_START);
    });
    await store.startReader(ENTRY);
    const stalls = [];
    for (let i = 0; i < 3; i += 1) {
      stalls.push(await longestStall(() => Promise.all([store.kioskCountsSince(DAY_START), store.personsSince(DAY_START)])));
    }
    const threaded = Math.max(...stalls);

    // An hour of expired check-ins, 22 days old, of the same kiosks (with their states, whose floors the purge raises).
    const expired = 36_000;
    const oldStart = DAY_START - 22 * 86_400_000;
    const expiredRows = (round) =>
      Array.from({ length: expired }, (_, j) => {
        const k = j % 1000;
        const ms = oldStart + j;
        return {
          id: `old-${round}-${j}`,
          site: `s${k % 50}`,
          device: `k${k}`,
          seq: Math.floor(j / 1000) + 1,
          direction: /** @type {'in' | 'out'} */ ('in'),
          docType: 'cccd',
          scannedAt: new Date(ms).toISOString(),
          scannedMs: ms,
          clockSynced: true,
          receivedMs: ms,
          numberMac: sealed,
          personMac: sealed,
          sealed,
        };
      });
    await store.saveKioskStates(
      Array.from({ length: 1000 }, (_, k) => ({
        site: `s${k % 50}`,
        device: `k${k}`,
        state: /** @type {'online'} */ ('online'),
        sinceMs: oldStart,
        lastSeenMs: oldStart,
        lastCheckinMs: oldStart,
        version: 'bench',
        health: null,
        lastClockSynced: true,
      })),
    );
    const cutoff = oldStart + 86_400_000;
    for (let i = 0; i < expired; i += 5000) await store.insertCheckins(expiredRows(0).slice(i, i + 5000));
    const writable = new Database(path);
    cleanup.add(() => writable.close());
    const bareDelete = await longestStall(async () => {
      writable.prepare('DELETE FROM checkins WHERE scanned_ms < ?').run(cutoff);
    });
    for (let i = 0; i < expired; i += 5000) await store.insertCheckins(expiredRows(1).slice(i, i + 5000));
    // Each batch holds the thread for its own time (better-sqlite3 is synchronous); the loop yields between them as
    // central's does. (The stall between loop turns would also count this bench's own garbage collection.)
    const batches = [];
    for (;;) {
      const t0 = performance.now();
      const r = await store.purgeBefore(cutoff, 2000);
      batches.push(performance.now() - t0);
      if (!r.more) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const purgeStall = Math.max(...batches);
    return [
      row(`central fleet day counts, ${total.toLocaleString('en')} check-ins: longest main-thread stall`, threaded, 'ms', {
        baseline: bareStall,
        target: '<= 0.05 x reading them on that thread',
        pass: threaded <= 0.05 * bareStall,
        note: `baseline = the same two queries (in/out/rejected per kiosk, distinct persons per site) on a bare better-sqlite3 connection of this thread, ${bareStall.toFixed(0)} ms; with the reader thread, 3 reads: ${stalls.map((s) => s.toFixed(1)).join(', ')} ms. A read that cost that long is reused for 10 x its cost (day-totals.ts)`,
      }),
      row(
        `central retention purge of ${expired.toLocaleString('en')} expired check-ins: longest batch on the main thread`,
        purgeStall,
        'ms',
        {
          baseline: bareDelete,
          target: '<= 0.5 x one bare DELETE of them',
          pass: purgeStall <= 0.5 * bareDelete,
          note: `baseline = the same rows deleted by one bare DELETE on this thread, ${bareDelete.toFixed(0)} ms; the store's purge as central runs it hourly: batches of 2,000, each raising the floors of the kiosks it deletes from, the event loop let run between batches; ${batches.length} batches, each ${batches.map((b) => b.toFixed(0)).join(' ')} ms (a batch deletes 2,000 of the rows and raises the floor of each of the 1,000 kiosks it touches, about half its time; the longest is the one whose commit ran a WAL checkpoint)`,
        },
      ),
    ];
  } finally {
    await cleanup.run();
  }
}
