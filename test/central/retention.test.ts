/**
 * Central's retention on a real store: check-ins and rejects past store.retentionDays are deleted (at start, then
 * hourly) without leaving a gap behind, and the audit log is kept for store.auditRetentionDays, then deleted too.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CentralApp } from '../../src/central/app.js';
import { resolveCentralConfig } from '../../src/central/config-load.js';
import { createLogger } from '../../src/logger.js';
import { afterThisTest } from '../helpers/after-test.js';
import { startCentral, startKiosk, T0, until, WRITER_ENTRY } from './harness.js';

const DAY = 86_400_000;

describe('central retention', () => {
  it('deletes check-ins older than retentionDays at start, raises the kiosk floor so no gap is reported, and keeps the newer ones', async () => {
    const h = await startCentral();
    const k = await startKiosk(h);
    await until(() => h.app.tracker.state({ site: 'hq', device: 'kiosk-1' })?.state === 'online', 'kiosk online');
    for (let i = 1; i <= 3; i++) k.checkin(i, new Date(T0 - 30 * DAY));
    for (let i = 4; i <= 5; i++) k.checkin(i, new Date(T0));
    await until(async () => (await h.app.store.findCheckins({ limit: 10 })).length === 5, 'five stored');
    await k.stop();
    await h.app.stop();

    const again = await startCentral({}, { clock: h.clock }, h.dir);
    const left = await again.app.store.findCheckins({ limit: 10 });
    expect(left.map((c) => c.seq)).toEqual([4, 5]);
    // Seqs 1-3 were deleted, not lost: the kiosk's completeness starts above them.
    expect(await again.app.gaps.completeness({ site: 'hq', device: 'kiosk-1' })).toMatchObject({
      openCount: 0,
      lostCount: 0,
      contiguousSeq: 5,
    });
  });

  it('keeps audit entries for auditRetentionDays (default 365), then deletes them', async () => {
    const h = await startCentral();
    await h.app.store.audit({ atMs: T0 - 400 * DAY, user: 'old', action: 'checkins', query: {} });
    await h.app.store.audit({ atMs: T0 - 300 * DAY, user: 'recent', action: 'checkins', query: {} });
    await h.app.stop();
    const again = await startCentral({}, { clock: h.clock }, h.dir);
    expect((await again.app.store.auditLog(10)).map((a) => a.user)).toEqual(['recent']);
  });

  it('purges a big backlog in batches, letting the broker and the page run between them, and raises every floor', async () => {
    const first = await startCentral();
    await first.app.stop();
    // 4,500 expired check-ins of three kiosks, written straight into central's database.
    const file = join(first.dir, 'central.db');
    const db = new Database(file);
    const insert = db.prepare(
      'INSERT INTO checkins (id, site, device, seq, direction, doc_type, scanned_at, scanned_ms, clock_synced, received_ms, number_mac, person_mac, sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)',
    );
    const state = db.prepare("INSERT INTO kiosk_state (site, device, state, since_ms) VALUES ('hq', ?, 'offline', ?)");
    const old = T0 - 30 * DAY;
    db.transaction(() => {
      for (let i = 0; i < 4500; i++) {
        const device = `k${i % 3}`;
        const at = new Date(old + i).toISOString();
        insert.run(
          `old-${i}`,
          'hq',
          device,
          Math.floor(i / 3) + 1,
          'in',
          'cccd',
          at,
          old + i,
          old + i,
          Buffer.alloc(32),
          Buffer.alloc(32),
          Buffer.alloc(8),
        );
      }
      for (const d of ['k0', 'k1', 'k2']) state.run(d, old);
    })();
    db.close();
    const config = resolveCentralConfig(
      {
        broker: { listen: { host: '127.0.0.1', port: 0 } },
        store: { path: file, keyFile: join(first.dir, 'central.key') },
        http: { port: 0 },
        log: { level: 'silent' },
      },
      {},
    );
    const app = await CentralApp.open(config, { logger: createLogger('silent'), clock: first.clock, writerEntry: WRITER_ENTRY });
    afterThisTest(() => app.stop());
    // Before each batch: did the event loop turn since the one before? (a setImmediate queued then has run)
    const turnedBefore: boolean[] = [];
    let turned = true;
    const purge = app.store.purgeBefore.bind(app.store);
    vi.spyOn(app.store, 'purgeBefore').mockImplementation((ms, maxRows) => {
      turnedBefore.push(turned);
      turned = false;
      setImmediate(() => (turned = true));
      return purge(ms, maxRows);
    });
    await app.start();
    expect(turnedBefore.length).toBeGreaterThanOrEqual(3);
    expect(turnedBefore.every(Boolean)).toBe(true);
    expect(await app.store.findCheckins({ limit: 10 })).toEqual([]);
    for (const device of ['k0', 'k1', 'k2'])
      expect(await app.gaps.completeness({ site: 'hq', device })).toMatchObject({ openCount: 0, lostCount: 0, contiguousSeq: 1500 });
  });
});
