// The fleet's day counts on a big day (src/central/day-totals.ts, sqlite-reader.ts): a SQLite central holding a
// district's day (875,000 check-ins; 200,000 in quick mode) is asked for its counts as /api/fleet asks. Baseline, in
// the same run: the same two queries on a bare better-sqlite3 connection, which is how long the thread running the
// embedded broker (every kiosk's acknowledgement) stood still before the reader thread. Value: the longest that
// thread's event loop stood still while the store answered through its reader thread.
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
    return [
      row(`central fleet day counts, ${total.toLocaleString('en')} check-ins: longest main-thread stall`, threaded, 'ms', {
        baseline: bareStall,
        target: '<= 0.05 x reading them on that thread',
        pass: threaded <= 0.05 * bareStall,
        note: `baseline = the same two queries (in/out/rejected per kiosk, distinct persons per site) on a bare better-sqlite3 connection of this thread, ${bareStall.toFixed(0)} ms; with the reader thread, 3 reads: ${stalls.map((s) => s.toFixed(1)).join(', ')} ms. A read that cost that long is reused for 10 x its cost (day-totals.ts)`,
      }),
    ];
  } finally {
    await cleanup.run();
  }
}
