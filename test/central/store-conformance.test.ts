/**
 * One table of behaviour, run against both central stores: SQLite (the single machine) and PostgreSQL (a real
 * PostgreSQL server, one throwaway cluster for this file and a fresh database per test). Then what only a shared
 * PostgreSQL has: the server going away, a crash, several central processes at once. Fixed instants only
 * (TEST_NOW), so nothing depends on today's date or the machine's zone.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCentralConfig } from '../../src/central/config-load.js';
import { openCentralStoreFor } from '../../src/central/open-store.js';
import { describeUrl } from '../../src/central/pg-errors.js';
import { PgCentralStore } from '../../src/central/pg-store.js';
import { SqliteCentralStore } from '../../src/central/sqlite-store.js';
import type { CentralStore, CheckinRow, KioskState, RejectRow } from '../../src/central/store-types.js';
import { StoreError } from '../../src/store/errors.js';
import { Sealer } from '../../src/store/sealer.js';
import { afterThisTest } from '../helpers/after-test.js';
import { TEST_NOW } from '../helpers/clock.js';
import { postgresFixture } from '../helpers/postgres.js';
import { tempDir } from '../helpers/tmp.js';

const pg = postgresFixture();
const SEALER = new Sealer(Buffer.alloc(32, 7));
const OTHER_KEY = new Sealer(Buffer.alloc(32, 9));
const T0 = TEST_NOW.getTime();

interface Backend {
  readonly name: string;
  /** A new, empty place for a store: a file path or a database URL. */
  fresh(): Promise<string>;
  open(where: string, sealer?: Sealer): Promise<CentralStore>;
  /** Marks the store at `where` as written by a newer qrgate. */
  makeNewer(where: string): Promise<void>;
}

const BACKENDS: Backend[] = [
  {
    name: 'SqliteCentralStore',
    fresh: () => Promise.resolve(join(tempDir('qrgate-conf-'), 'central.db')),
    // SQLite opens synchronously: a refusal becomes the promise's rejection, as PostgreSQL's.
    open: (path, sealer = SEALER) => Promise.resolve().then(() => SqliteCentralStore.open(path, sealer, 'store.key', TEST_NOW)),
    makeNewer: (path) => {
      const db = new Database(path);
      db.pragma('user_version = 99');
      db.close();
      return Promise.resolve();
    },
  },
  {
    name: 'PgCentralStore',
    fresh: () => pg.freshDatabase(),
    open: (url, sealer = SEALER) => PgCentralStore.open(url, sealer, { keyFile: 'store.key' }),
    makeNewer: async (url) => {
      await pg.server().query('INSERT INTO schema_migrations (version) VALUES (99)', new URL(url).pathname.slice(1));
    },
  },
];

function checkin(seq: number, over: Partial<CheckinRow> = {}): CheckinRow {
  const site = over.site ?? 'hq';
  const device = over.device ?? 'k1';
  const scannedMs = over.scannedMs ?? T0 + seq * 1000;
  return {
    id: `${site}-${device}-${seq}`,
    site,
    device,
    seq,
    direction: 'in',
    docType: 'cccd',
    scannedAt: new Date(scannedMs).toISOString(),
    scannedMs,
    clockSynced: true,
    receivedMs: scannedMs + 40,
    numberMac: Buffer.from(`number-${seq}`),
    personMac: Buffer.from(`person-${seq}`),
    sealed: Buffer.from([1, 2, 3, seq % 256, 0, 255]),
    ...over,
  };
}

function reject(n: number, over: Partial<RejectRow> = {}): RejectRow {
  return {
    id: `reject-${n}`,
    site: 'hq',
    device: 'k1',
    code: 'E_CCCD_FIELDS',
    scannedMs: T0 + n * 1000,
    receivedMs: T0 + n * 1000 + 40,
    ...over,
  };
}

function state(over: Partial<KioskState> = {}): KioskState {
  return {
    site: 'hq',
    device: 'k1',
    state: 'online',
    sinceMs: T0,
    lastSeenMs: T0 + 5,
    lastCheckinMs: null,
    version: '0.2.0',
    health: '{"pending":0}',
    lastClockSynced: true,
    ...over,
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return (err as StoreError).code;
  }
  throw new Error('expected a StoreError, it resolved');
}

describe.each(BACKENDS)('central store conformance: $name', (backend) => {
  async function openFresh(): Promise<{ store: CentralStore; where: string }> {
    const where = await backend.fresh();
    const store = await backend.open(where);
    afterThisTest(() => store.close());
    return { store, where };
  }

  it('inserts new check-ins, reports duplicates by id (across batches and twice in one batch, the first kept) and an empty batch as nothing', async () => {
    const { store } = await openFresh();
    expect(await store.insertCheckins([checkin(1), checkin(2)])).toEqual([true, true]);
    expect(await store.insertCheckins([checkin(2), checkin(3)])).toEqual([false, true]);
    const twice = checkin(4);
    expect(await store.insertCheckins([twice, { ...twice, seq: 99 }, checkin(5)])).toEqual([true, false, true]);
    expect((await store.checkinById(twice.id))?.seq).toBe(4);
    expect(await store.insertCheckins([])).toEqual([]);
    expect(await store.findCheckins({ limit: 100 })).toHaveLength(5);
  });

  it('gives a stored check-in back field for field: numbers as numbers, MACs and the sealed document as bytes', async () => {
    const { store } = await openFresh();
    const row = checkin(7, { direction: 'out' });
    await store.insertCheckins([row]);
    expect(await store.checkinById(row.id)).toEqual({
      id: row.id,
      seq: 7,
      site: 'hq',
      device: 'k1',
      direction: 'out',
      scannedAt: row.scannedAt,
      scannedMs: row.scannedMs,
      receivedMs: row.receivedMs,
      sealed: row.sealed,
      personMac: row.personMac,
    });
    const got = await store.checkinById(row.id);
    expect(typeof got?.scannedMs).toBe('number');
    expect(Buffer.isBuffer(got?.sealed)).toBe(true);
    expect(await store.checkinById('no-such-id')).toBeNull();
  });

  it('counts only new rejects, a repeated id in one batch once', async () => {
    const { store } = await openFresh();
    expect(await store.insertRejects([reject(1), reject(2)])).toBe(2);
    expect(await store.insertRejects([reject(2), reject(3), reject(3)])).toBe(1);
    expect(await store.insertRejects([])).toBe(0);
    expect((await store.kioskCountsSince(0)).get('hq/k1')).toEqual({ in: 0, out: 0, rejected: 3 });
  });

  it('round-trips kiosk states (nulls and booleans kept), overwrites on save, and answers null for an unknown kiosk', async () => {
    const { store } = await openFresh();
    expect(await store.kioskState({ site: 'hq', device: 'k1' })).toBeNull();
    await store.saveKioskStates([state()]);
    await store.saveKioskStates([
      state({ device: 'k2', state: 'offline', lastSeenMs: null, version: null, health: null, lastClockSynced: null }),
    ]);
    await store.saveKioskStates([state({ device: 'k3', lastClockSynced: false, lastCheckinMs: T0 + 9 })]);
    expect(await store.kioskState({ site: 'hq', device: 'k1' })).toEqual(state());
    expect(await store.kioskState({ site: 'hq', device: 'k2' })).toEqual(
      state({ device: 'k2', state: 'offline', lastSeenMs: null, version: null, health: null, lastClockSynced: null }),
    );
    await store.saveKioskStates([state({ state: 'offline', sinceMs: T0 + 100, version: '0.3.0' })]);
    expect(await store.kioskState({ site: 'hq', device: 'k1' })).toEqual(state({ state: 'offline', sinceMs: T0 + 100, version: '0.3.0' }));
    const all = (await store.allKioskStates()).sort((a, b) => a.device.localeCompare(b.device));
    expect(all).toEqual([
      state({ state: 'offline', sinceMs: T0 + 100, version: '0.3.0' }),
      state({ device: 'k2', state: 'offline', lastSeenMs: null, version: null, health: null, lastClockSynced: null }),
      state({ device: 'k3', lastClockSynced: false, lastCheckinMs: T0 + 9 }),
    ]);
  });

  it('saves many kiosk states in one call, the last one given for a kiosk winning, and nothing for an empty list', async () => {
    const { store } = await openFresh();
    await store.saveKioskStates([]);
    await store.saveKioskStates([state(), state({ device: 'k2' }), state({ state: 'offline', sinceMs: T0 + 7 })]);
    expect(await store.kioskState({ site: 'hq', device: 'k1' })).toEqual(state({ state: 'offline', sinceMs: T0 + 7 }));
    expect(await store.kioskState({ site: 'hq', device: 'k2' })).toEqual(state({ device: 'k2' }));
    expect(await store.allKioskStates()).toHaveLength(2);
  });

  it('lists every known kiosk (registered or seen) once, by site then device, in code-point order', async () => {
    const { store } = await openFresh();
    await store.setKioskPassword({ site: 'b', device: 'k2' }, 'h', T0);
    await store.setKioskPassword({ site: 'a', device: 'z' }, 'h', T0);
    await store.saveKioskStates([state({ site: 'b', device: 'k2' })]);
    await store.saveKioskStates([state({ site: 'B', device: 'k1' })]);
    await store.saveKioskStates([state({ site: 'a', device: 'Z' })]);
    expect(await store.knownKiosks()).toEqual([
      { site: 'B', device: 'k1' },
      { site: 'a', device: 'Z' },
      { site: 'a', device: 'z' },
      { site: 'b', device: 'k2' },
    ]);
  });

  it('finds missing seq ranges between stored seqs, from 1, with the highest seq; repeated seqs make no gap', async () => {
    const { store } = await openFresh();
    expect(await store.seqGaps({ site: 'hq', device: 'k1' })).toEqual({ gaps: [], maxSeq: 0 });
    await store.insertCheckins([3, 4, 7, 8, 12].map((s) => checkin(s)));
    await store.insertCheckins([checkin(4, { id: 'restarted-4' })]);
    await store.insertCheckins([checkin(1, { device: 'k2' }), checkin(2, { device: 'k2' })]);
    expect(await store.seqGaps({ site: 'hq', device: 'k1' })).toEqual({
      gaps: [
        { from: 1, to: 2 },
        { from: 5, to: 6 },
        { from: 9, to: 11 },
      ],
      maxSeq: 12,
    });
    expect(await store.seqGaps({ site: 'hq', device: 'k2' })).toEqual({ gaps: [], maxSeq: 2 });
    // Above a seq the caller knows to be accounted for: only newer ranges, the same highest seq.
    expect(await store.seqGaps({ site: 'hq', device: 'k1' }, 4)).toEqual({
      gaps: [
        { from: 5, to: 6 },
        { from: 9, to: 11 },
      ],
      maxSeq: 12,
    });
    expect(await store.seqGaps({ site: 'hq', device: 'k1' }, 5)).toEqual({
      gaps: [
        { from: 6, to: 6 },
        { from: 9, to: 11 },
      ],
      maxSeq: 12,
    });
    expect(await store.seqGaps({ site: 'hq', device: 'k1' }, 12)).toEqual({ gaps: [], maxSeq: 12 });
    expect(await store.seqGaps({ site: 'hq', device: 'k1' }, 20)).toEqual({ gaps: [], maxSeq: 12 });
  });

  it('purges expired rows in batches, reporting `more` until done, keeps newer ones, and raises the kiosk floor so purged seqs are no gap', async () => {
    const { store } = await openFresh();
    await store.saveKioskStates([state()]);
    const cutoff = T0 + 100_000;
    // seqs 1–5 expired (seq 3 never arrived), 7–8 kept (6 missing: a real gap)
    await store.insertCheckins([1, 2, 4, 5].map((s) => checkin(s)));
    await store.insertCheckins([7, 8].map((s) => checkin(s, { scannedMs: cutoff + s })));
    await store.insertRejects([reject(1), reject(2), reject(3), reject(200)]);
    expect(await store.purgeBefore(cutoff, 2)).toEqual({ checkins: 2, rejects: 2, more: true });
    expect(await store.purgeBefore(cutoff, 2)).toEqual({ checkins: 2, rejects: 1, more: true });
    expect(await store.purgeBefore(cutoff, 2)).toEqual({ checkins: 0, rejects: 0, more: false });
    expect((await store.findCheckins({ limit: 100 })).map((c) => c.seq)).toEqual([7, 8]);
    expect(await store.seqGaps({ site: 'hq', device: 'k1' })).toEqual({ gaps: [{ from: 6, to: 6 }], maxSeq: 8 });
    // Everything expired: the floor alone is the highest seq.
    while ((await store.purgeBefore(cutoff + 1000, 10)).more);
    expect(await store.seqGaps({ site: 'hq', device: 'k1' })).toEqual({ gaps: [], maxSeq: 8 });
    await store.insertCheckins([checkin(10, { scannedMs: cutoff + 5000 })]);
    expect(await store.seqGaps({ site: 'hq', device: 'k1' })).toEqual({ gaps: [{ from: 9, to: 9 }], maxSeq: 10 });
    expect((await store.kioskCountsSince(0)).get('hq/k1')).toEqual({ in: 1, out: 0, rejected: 1 });
  });

  it('grants a resend claim per kiosk at most once per period, whoever asks', async () => {
    const { store } = await openFresh();
    const k = { site: 'hq', device: 'k1' };
    expect(await store.claimResend(k, T0, 10_000)).toBe(true);
    expect(await store.claimResend(k, T0 + 9_999, 10_000)).toBe(false);
    expect(await store.claimResend({ site: 'hq', device: 'k2' }, T0 + 1, 10_000)).toBe(true);
    expect(await store.claimResend(k, T0 + 10_000, 10_000)).toBe(true);
    expect(await store.claimResend(k, T0 + 10_001, 10_000)).toBe(false);
  });

  it('keeps lost ranges per kiosk, ordered by their first seq', async () => {
    const { store } = await openFresh();
    await store.addLost(
      { site: 'hq', device: 'k1' },
      [
        { from: 20, to: 25, reason: 'unreadable' },
        { from: 3, to: 4, reason: 'missing' },
      ],
      T0,
    );
    await store.addLost({ site: 'hq', device: 'k1' }, [], T0);
    await store.addLost({ site: 'hq', device: 'k2' }, [{ from: 1, to: 1, reason: 'missing' }], T0);
    expect(await store.lostRanges({ site: 'hq', device: 'k1' })).toEqual([
      { from: 3, to: 4, reason: 'missing' },
      { from: 20, to: 25, reason: 'unreadable' },
    ]);
    expect(await store.lostRanges({ site: 'hq', device: 'k3' })).toEqual([]);
  });

  it('counts check-ins in and out, rejects, and distinct persons per site since an instant (inclusive, by scan time)', async () => {
    const { store } = await openFresh();
    const from = T0 + 10_000;
    await store.insertCheckins([
      checkin(1, { scannedMs: from - 1 }),
      checkin(2, { scannedMs: from }),
      checkin(3, { scannedMs: from + 1, direction: 'out', personMac: Buffer.from('person-2') }),
      checkin(4, { scannedMs: from + 2 }),
      checkin(1, { device: 'k2', scannedMs: from + 3, personMac: Buffer.from('person-2') }),
      checkin(1, { site: 'branch', scannedMs: from + 4 }),
    ]);
    await store.insertRejects([
      reject(1, { scannedMs: from - 1 }),
      reject(2, { scannedMs: from }),
      reject(3, { device: 'k9', scannedMs: from }),
    ]);
    const counts = await store.kioskCountsSince(from);
    expect(Object.fromEntries(counts)).toEqual({
      'hq/k1': { in: 2, out: 1, rejected: 1 },
      'hq/k2': { in: 1, out: 0, rejected: 0 },
      'branch/k1': { in: 1, out: 0, rejected: 0 },
      'hq/k9': { in: 0, out: 0, rejected: 1 },
    });
    expect(Object.fromEntries(await store.personsSince(from))).toEqual({ hq: 2, branch: 1 });
  });

  it('finds check-ins by site, device, time window (inclusive) and number, ordered by scan time then site, device, seq, up to the limit', async () => {
    const { store } = await openFresh();
    const at = T0 + 50_000;
    await store.insertCheckins([
      checkin(1, { scannedMs: at + 2 }),
      checkin(2, { scannedMs: at, numberMac: Buffer.from('wanted') }),
      checkin(1, { device: 'k0', scannedMs: at }),
      checkin(1, { site: 'a', scannedMs: at, numberMac: Buffer.from('wanted') }),
      checkin(3, { scannedMs: at + 10 }),
    ]);
    const ids = (rows: Array<{ id: string }>): string[] => rows.map((r) => r.id);
    expect(ids(await store.findCheckins({ limit: 10 }))).toEqual(['a-k1-1', 'hq-k0-1', 'hq-k1-2', 'hq-k1-1', 'hq-k1-3']);
    expect(ids(await store.findCheckins({ limit: 2 }))).toEqual(['a-k1-1', 'hq-k0-1']);
    expect(ids(await store.findCheckins({ site: 'hq', device: 'k1', limit: 10 }))).toEqual(['hq-k1-2', 'hq-k1-1', 'hq-k1-3']);
    expect(ids(await store.findCheckins({ fromMs: at + 2, toMs: at + 10, limit: 10 }))).toEqual(['hq-k1-1', 'hq-k1-3']);
    expect(ids(await store.findCheckins({ numberMac: Buffer.from('wanted'), limit: 10 }))).toEqual(['a-k1-1', 'hq-k1-2']);
    expect(ids(await store.findCheckins({ site: 'nowhere', limit: 10 }))).toEqual([]);
  });

  it('lists the check-ins at a site within a window (both ends inclusive) by scan time, up to the limit', async () => {
    const { store } = await openFresh();
    await store.insertCheckins([1, 2, 3, 4, 5].map((s) => checkin(s, { scannedMs: T0 + s * 10 })));
    await store.insertCheckins([checkin(1, { site: 'other', scannedMs: T0 + 30 })]);
    expect((await store.checkinsAtSite('hq', T0 + 20, T0 + 40, 10)).map((c) => c.seq)).toEqual([2, 3, 4]);
    expect((await store.checkinsAtSite('hq', T0 + 20, T0 + 40, 2)).map((c) => c.seq)).toEqual([2, 3]);
    expect(await store.checkinsAtSite('hq', T0 + 60, T0 + 90, 10)).toEqual([]);
  });

  it('keeps kiosk passwords and users, replaced on a second set; null for unknown ones', async () => {
    const { store } = await openFresh();
    expect(await store.kioskPassword({ site: 'hq', device: 'k1' })).toBeNull();
    await store.setKioskPassword({ site: 'hq', device: 'k1' }, 'hash-1', T0);
    await store.setKioskPassword({ site: 'hq', device: 'k1' }, 'hash-2', T0 + 1);
    expect(await store.kioskPassword({ site: 'hq', device: 'k1' })).toBe('hash-2');
    expect(await store.user('lan')).toBeNull();
    await store.setUser('lan', 'viewer', 'u-1', T0);
    await store.setUser('lan', 'admin', 'u-2', T0 + 1);
    expect(await store.user('lan')).toEqual({ role: 'admin', hash: 'u-2' });
  });

  it('keeps the audit log newest first with the query as JSON text, and purges entries older than an instant', async () => {
    const { store } = await openFresh();
    await store.audit({ atMs: T0, user: 'lan', action: 'trace', query: { site: 'hq' } });
    await store.audit({ atMs: T0 + 10, user: 'minh', action: 'export', query: null });
    await store.audit({ atMs: T0 + 5, user: 'lan', action: 'find', query: ['x'] });
    expect(await store.auditLog(10)).toEqual([
      { atMs: T0 + 5, user: 'lan', action: 'find', query: '["x"]' },
      { atMs: T0 + 10, user: 'minh', action: 'export', query: 'null' },
      { atMs: T0, user: 'lan', action: 'trace', query: '{"site":"hq"}' },
    ]);
    expect(await store.auditLog(1)).toHaveLength(1);
    expect(await store.purgeAuditBefore(T0 + 10)).toBe(2);
    expect((await store.auditLog(10)).map((e) => e.user)).toEqual(['minh']);
  });

  it('keeps what it stored across a reopen, is healthy while open and not after close (close twice is harmless)', async () => {
    const { store, where } = await openFresh();
    await store.insertCheckins([checkin(1)]);
    expect(await store.isHealthy()).toBe(true);
    await store.close();
    await store.close();
    expect(await store.isHealthy()).toBe(false);
    const again = await backend.open(where);
    afterThisTest(() => again.close());
    expect((await again.checkinById('hq-k1-1'))?.seq).toBe(1);
  });

  it('refuses to open a store sealed under another key (E_STORE_KEY)', async () => {
    const { store, where } = await openFresh();
    await store.close();
    expect(await codeOf(backend.open(where, OTHER_KEY))).toBe('E_STORE_KEY');
  });

  it('refuses a store written by a newer qrgate (E_STORE_VERSION)', async () => {
    const { store, where } = await openFresh();
    await store.close();
    await backend.makeNewer(where);
    expect(await codeOf(backend.open(where))).toBe('E_STORE_VERSION');
  });
});

describe('PgCentralStore on a shared PostgreSQL', () => {
  it('lets several central processes open one fresh database at the same moment: one migrates, all work', async () => {
    const url = await pg.freshDatabase();
    const stores = await Promise.all([1, 2, 3, 4].map(() => PgCentralStore.open(url, SEALER, { maxConnections: 2 })));
    for (const s of stores) afterThisTest(() => s.close());
    expect(await pg.server().query('SELECT version FROM schema_migrations ORDER BY 1', new URL(url).pathname.slice(1))).toEqual([
      { version: 1 },
      { version: 2 },
    ]);
    const results = await Promise.all(stores.map((s, i) => s.insertCheckins([checkin(1), checkin(i + 2)])));
    expect(results.flat().filter(Boolean)).toHaveLength(5);
  });

  it('refuses a second process with another key even when both open a fresh database at once (E_STORE_KEY)', async () => {
    const url = await pg.freshDatabase();
    const outcomes = await Promise.allSettled([PgCentralStore.open(url, SEALER), PgCentralStore.open(url, OTHER_KEY)]);
    for (const o of outcomes) if (o.status === 'fulfilled') afterThisTest(() => o.value.close());
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === 'rejected');
    expect((failed?.reason as StoreError).code).toBe('E_STORE_KEY');
  });

  it('brings a database of the first schema (qrgate before resend claims) up to the second on open, keeping its rows', async () => {
    const url = await pg.freshDatabase();
    const db = new URL(url).pathname.slice(1);
    const before = await PgCentralStore.open(url, SEALER, { maxConnections: 1 });
    await before.insertCheckins([checkin(1)]);
    await before.close();
    await pg.server().query('DROP TABLE resend_claims; DELETE FROM schema_migrations WHERE version = 2', db);
    const after = await PgCentralStore.open(url, SEALER, { maxConnections: 1 });
    afterThisTest(() => after.close());
    expect(await pg.server().query('SELECT version FROM schema_migrations ORDER BY 1', db)).toEqual([{ version: 1 }, { version: 2 }]);
    expect(await after.claimResend({ site: 'hq', device: 'k1' }, T0, 1000)).toBe(true);
    expect(await after.checkinById(checkin(1).id)).not.toBeNull();
  });

  it('gives one resend claim per kiosk and period to one of several processes asking at once', async () => {
    const url = await pg.freshDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => PgCentralStore.open(url, SEALER, { maxConnections: 2 })));
    for (const s of stores) afterThisTest(() => s.close());
    const k = { site: 'hq', device: 'k1' };
    const first = await Promise.all(stores.flatMap((s) => [s.claimResend(k, T0, 10_000), s.claimResend(k, T0 + 1, 10_000)]));
    expect(first.filter(Boolean)).toHaveLength(1);
    const next = await Promise.all(stores.map((s) => s.claimResend(k, T0 + 10_001, 10_000)));
    expect(next.filter(Boolean)).toHaveLength(1);
  });

  it('purges from two processes at once without a deadlock, deleting each row once and raising every floor', async () => {
    const url = await pg.freshDatabase();
    const [a, b] = await Promise.all([PgCentralStore.open(url, SEALER), PgCentralStore.open(url, SEALER)]);
    afterThisTest(() => a?.close());
    afterThisTest(() => b?.close());
    if (a === undefined || b === undefined) throw new Error('not opened');
    const kiosks = Array.from({ length: 20 }, (_, i) => `k${i}`);
    for (const device of kiosks) await a.saveKioskStates([state({ device })]);
    await a.insertCheckins(kiosks.flatMap((device) => Array.from({ length: 50 }, (_, s) => checkin(s + 1, { device }))));
    const drain = async (s: CentralStore): Promise<number> => {
      let n = 0;
      for (;;) {
        const r = await s.purgeBefore(T0 + 1_000_000, 37);
        n += r.checkins;
        if (!r.more) return n;
      }
    };
    const [na, nb] = await Promise.all([drain(a), drain(b)]);
    expect(na + nb).toBe(1000);
    for (const device of kiosks) expect(await b.seqGaps({ site: 'hq', device })).toEqual({ gaps: [], maxSeq: 50 });
  });

  // The tests that stop and start the server get 90 s: a restart can take a minute on a loaded 2-core machine.
  it('answers unhealthy while the server is down, rejects an insert with E_STORE_UNAVAILABLE (no raw pg error), and works again once it is back', async () => {
    const server = pg.server();
    const url = await pg.freshDatabase();
    const connectionErrors: unknown[] = [];
    const store = await PgCentralStore.open(url, SEALER, { connectTimeoutMs: 1000, onConnectionError: (e) => connectionErrors.push(e) });
    afterThisTest(() => store.close());
    await store.insertCheckins([checkin(1)]);
    await server.down('SIGINT');
    try {
      expect(await store.isHealthy()).toBe(false);
      expect(await codeOf(store.insertCheckins([checkin(2)]))).toBe('E_STORE_UNAVAILABLE');
      expect(await codeOf(store.findCheckins({ limit: 1 }))).toBe('E_STORE_UNAVAILABLE');
      expect(await codeOf(store.purgeBefore(T0, 10))).toBe('E_STORE_UNAVAILABLE');
      expect(await codeOf(PgCentralStore.open(url, SEALER, { connectTimeoutMs: 1000 }))).toBe('E_STORE_UNAVAILABLE');
    } finally {
      await server.up();
    }
    expect(await store.isHealthy()).toBe(true);
    expect(await store.insertCheckins([checkin(2)])).toEqual([true]);
    expect(connectionErrors.every((e) => e instanceof StoreError && e.code === 'E_STORE_UNAVAILABLE')).toBe(true);
  }, 90_000);

  it('turns a refusal by the server into E_STORE_REFUSED with the SQLSTATE, after replacing connections the server ended', async () => {
    const url = await pg.freshDatabase();
    const db = new URL(url).pathname.slice(1);
    const store = await PgCentralStore.open(url, SEALER, { maxConnections: 1 });
    afterThisTest(() => store.close());
    await store.insertCheckins([checkin(1)]);
    await pg.server().query(`ALTER DATABASE "${db}" SET default_transaction_read_only = on`);
    await pg
      .server()
      .query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', 'postgres', [db]);
    let err: unknown;
    for (let attempt = 0; attempt < 2 && err === undefined; attempt += 1) {
      // The first attempt may still meet the terminated connection (E_STORE_UNAVAILABLE); the next gets a new one.
      err = await store.insertCheckins([checkin(2)]).then(
        () => undefined,
        (e: unknown) => ((e as StoreError).code === 'E_STORE_UNAVAILABLE' && attempt === 0 ? undefined : e),
      );
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('E_STORE_REFUSED');
    expect((err as StoreError).message).toContain('SQLSTATE 25006');
    expect(await store.checkinById('hq-k1-1')).not.toBeNull();
  });

  it('keeps every check-in it acknowledged through a crash of the server (kill -9 of every PostgreSQL process)', async () => {
    const server = pg.server();
    const url = await pg.freshDatabase();
    const store = await PgCentralStore.open(url, SEALER);
    afterThisTest(() => store.close());
    for (let batch = 0; batch < 10; batch += 1)
      await store.insertCheckins(Array.from({ length: 100 }, (_, i) => checkin(batch * 100 + i + 1)));
    await server.down('SIGKILL');
    await server.up();
    const after = await PgCentralStore.open(url, SEALER);
    afterThisTest(() => after.close());
    expect(await after.findCheckins({ limit: 5000 })).toHaveLength(1000);
    expect(await after.seqGaps({ site: 'hq', device: 'k1' })).toEqual({ gaps: [], maxSeq: 1000 });
  }, 90_000);

  it('cancels a statement that runs past the statement timeout as E_STORE_UNAVAILABLE', async () => {
    const url = await pg.freshDatabase();
    const store = await PgCentralStore.open(url, SEALER, { statementTimeoutMs: 200 });
    afterThisTest(() => store.close());
    const db = new URL(url).pathname.slice(1);
    // Another session holds the lock purges take turns on (0x71726770, pg-store.ts), for longer than the timeout.
    const holder = pg.server().query('BEGIN; SELECT pg_advisory_lock(1903322992); SELECT pg_sleep(1.5); COMMIT', db);
    await new Promise((r) => setTimeout(r, 200));
    expect(await codeOf(store.purgeBefore(T0, 10))).toBe('E_STORE_UNAVAILABLE');
    await holder;
    expect(await store.purgeBefore(T0, 10)).toEqual({ checkins: 0, rejects: 0, more: false });
  });
});

describe('openCentralStoreFor', () => {
  // The embedded broker's default listener (0.0.0.0, no TLS) is refused as plain MQTT beyond this machine.
  const LOOPBACK = { listen: { host: '127.0.0.1' } };
  it('opens PostgreSQL when store.url is set and the SQLite file at store.path otherwise', async () => {
    const dir = tempDir('qrgate-open-');
    const url = await pg.freshDatabase();
    const viaPg = await openCentralStoreFor(
      resolveCentralConfig({ broker: LOOPBACK, store: { url, path: join(dir, 'unused.db'), keyFile: join(dir, 'k') } }, {}),
      SEALER,
      TEST_NOW,
    );
    afterThisTest(() => viaPg.close());
    expect(viaPg).toBeInstanceOf(PgCentralStore);
    expect(existsSync(join(dir, 'unused.db'))).toBe(false);
    const viaSqlite = await openCentralStoreFor(
      resolveCentralConfig({ broker: LOOPBACK, store: { path: join(dir, 'central.db'), keyFile: join(dir, 'k') } }, {}),
      SEALER,
      TEST_NOW,
    );
    afterThisTest(() => viaSqlite.close());
    expect(viaSqlite).toBeInstanceOf(SqliteCentralStore);
  });

  it('refuses a store.url that is not a PostgreSQL URL, by its path', () => {
    expect(() => resolveCentralConfig({ store: { url: 'mysql://db/qrgate' } }, {})).toThrow(/store\.url/);
  });
});

describe('PostgreSQL error messages', () => {
  it('name the server and database but never the password of the URL', () => {
    expect(describeUrl('postgres://qrgate:s3cret@db.example:5433/central?sslmode=require')).toBe('db.example:5433/central');
    expect(describeUrl('postgresql://db.example/central')).toBe('db.example:5432/central');
    expect(describeUrl('not a url')).toBe('the database URL');
  });
});
