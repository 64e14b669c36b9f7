/**
 * The fleet's day counts off the thread that runs the broker: SQLite's reader thread gives the main thread's
 * answers without holding it, the /metrics scrape reads none, and /api/fleet says when its counts were read.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { SqliteCentralStore } from '../../src/central/sqlite-store.js';
import type { CheckinRow, RejectRow } from '../../src/central/store-types.js';
import { Sealer } from '../../src/store/sealer.js';
import { afterThisTest } from '../helpers/after-test.js';
import { TEST_NOW } from '../helpers/clock.js';
import { tempDir } from '../helpers/tmp.js';
import { login, startCentral, WRITER_ENTRY } from './harness.js';

const T = TEST_NOW.getTime();
const row = (device: string, seq: number, direction: 'in' | 'out', person: number, atMs = T): CheckinRow => ({
  id: `${device}-${seq}`,
  site: device === 'c' ? 'branch' : 'hq',
  device,
  seq,
  direction,
  docType: 'cccd',
  scannedAt: new Date(atMs).toISOString(),
  scannedMs: atMs,
  clockSynced: true,
  receivedMs: atMs,
  numberMac: Buffer.alloc(32, person),
  personMac: Buffer.alloc(32, person),
  sealed: Buffer.from(`sealed ${seq}`),
});
const reject = (device: string, n: number): RejectRow => ({
  id: `r-${device}-${n}`,
  site: 'hq',
  device,
  code: 'E_CCCD_FIELDS',
  scannedMs: T,
  receivedMs: T,
});

/** Counts setImmediate turns of this thread's event loop until `p` settles. */
async function turnsWhile<V>(p: () => Promise<V>): Promise<{ value: V; turns: number }> {
  let turns = 0;
  let going = true;
  const spin = (): void => {
    if (!going) return;
    turns += 1;
    setImmediate(spin);
  };
  setImmediate(spin);
  const value = await p();
  going = false;
  return { value, turns };
}

describe('the day counts of the fleet, off the broker’s thread', () => {
  it('are read on the SQLite reader thread with the main thread’s answers, and the main thread turns meanwhile', async () => {
    const dir = tempDir('qrgate-reader-');
    const store = SqliteCentralStore.open(join(dir, 'c.db'), new Sealer(Buffer.alloc(32, 3)), join(dir, 'k'), TEST_NOW);
    afterThisTest(() => store.close());
    await store.insertCheckins([
      row('a', 1, 'in', 1),
      row('a', 2, 'out', 1),
      row('a', 3, 'in', 2),
      row('b', 1, 'in', 2),
      row('c', 1, 'in', 1),
      row('a', 4, 'in', 9, T - 86_400_000), // yesterday: not counted
    ]);
    await store.insertRejects([reject('a', 1), reject('b', 1), reject('b', 2)]);
    const here = await turnsWhile(async () => [await store.kioskCountsSince(T - 1000), await store.personsSince(T - 1000)]);
    // better-sqlite3 answers synchronously: on this thread the loop does not turn while it counts.
    expect(here.turns).toBe(0);
    await store.startReader(WRITER_ENTRY);
    const there = await turnsWhile(async () => [await store.kioskCountsSince(T - 1000), await store.personsSince(T - 1000)]);
    expect(there.value).toEqual(here.value);
    expect(there.turns).toBeGreaterThan(0);
    expect(there.value[0]).toEqual(
      new Map([
        ['hq/a', { in: 2, out: 1, rejected: 1 }],
        ['hq/b', { in: 1, out: 0, rejected: 2 }],
        ['branch/c', { in: 1, out: 0, rejected: 0 }],
      ]),
    );
    expect(there.value[1]).toEqual(
      new Map([
        ['hq', 2],
        ['branch', 1],
      ]),
    );
  });

  it('answers on the main thread when the reader thread cannot start', async () => {
    const dir = tempDir('qrgate-reader-');
    const store = SqliteCentralStore.open(join(dir, 'c.db'), new Sealer(Buffer.alloc(32, 3)), join(dir, 'k'), TEST_NOW);
    afterThisTest(() => store.close());
    await store.insertCheckins([row('a', 1, 'in', 1)]);
    await expect(store.startReader(new URL('file:///nonexistent/central-writer.cjs'))).rejects.toThrow();
    expect(await store.personsSince(T - 1000)).toEqual(new Map([['hq', 1]]));
  });

  it('are not read by a /metrics scrape; /api/fleet reads them and says when (todayAt)', async () => {
    const h = await startCentral();
    const counts = vi.spyOn(h.app.store, 'kioskCountsSince');
    const persons = vi.spyOn(h.app.store, 'personsSince');
    const metrics = await h.app.http.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('qrgate_central_kiosks{state="online"}');
    expect(counts).not.toHaveBeenCalled();
    expect(persons).not.toHaveBeenCalled();
    const cookie = await login(h, 'v', 'viewer');
    const fleet = await h.app.http.inject({ url: '/api/fleet', headers: { cookie } });
    expect(fleet.statusCode).toBe(200);
    expect(counts).toHaveBeenCalledTimes(1);
    expect(persons).toHaveBeenCalledTimes(1);
    const body = fleet.json<{ at: string; todayAt: string }>();
    expect(body.todayAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/);
    expect(Date.parse(body.todayAt)).toBeLessThanOrEqual(Date.parse(body.at));
  });
});
