/**
 * The fleet's day counts off the thread that runs the broker: SQLite's reader thread gives the main thread's
 * answers without holding it, the /metrics scrape reads none, and /api/fleet says when its counts were read.
 */
import Database from 'better-sqlite3';
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

/**
 * How many statements this thread ran (better-sqlite3's Statement#all, spied on its prototype) while `p` ran: the
 * day counts are `all` queries, so on this thread they count, and on the reader thread they do not.
 */
async function statementsHereWhile<V>(p: () => Promise<V>): Promise<{ value: V; here: number }> {
  const probe = new Database(':memory:');
  const all = vi.spyOn(Object.getPrototypeOf(probe.prepare('SELECT 1')) as { all: (...a: unknown[]) => unknown[] }, 'all');
  try {
    const value = await p();
    return { value, here: all.mock.calls.length };
  } finally {
    all.mockRestore();
    probe.close();
  }
}

describe('the day counts of the fleet, off the broker’s thread', () => {
  it('are read on the SQLite reader thread, not on the broker’s, with the same answers', async () => {
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
    const day = async (): Promise<[Map<string, unknown>, Map<string, number>]> => [
      await store.kioskCountsSince(T - 1000),
      await store.personsSince(T - 1000),
    ];
    // Without the reader thread the three queries run here, on the thread that would run the broker.
    const here = await statementsHereWhile(day);
    expect(here.here).toBe(3);
    await store.startReader(WRITER_ENTRY);
    const there = await statementsHereWhile(day);
    expect(there.value).toEqual(here.value);
    expect(there.here).toBe(0);
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
