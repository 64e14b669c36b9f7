/**
 * Issue 16, item 1: retention deletes everyone, inside or not. A visitor who only scanned in (the shipped default:
 * scanners `direction: in`) must not stay in the database, or on the inside list, past store.retentionDays.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { resolveConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/logger.js';
import { CheckinStore } from '../../src/store/checkin-store.js';
import { cccdDoc, checkinInput } from '../helpers/documents.js';
import { afterThisTest } from '../helpers/after-test.js';
import { testClock } from '../helpers/clock.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86_400_000;

function rowsIn(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM checkins').pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('retention and presence', () => {
  it('deletes a delivered "in" of someone still inside once it is older than the retention, and they leave the list', () => {
    const dir = tempDir('qrgate-ret-');
    const clock = testClock('2026-10-01T09:00:00+07:00');
    const store = CheckinStore.open({ path: join(dir, 'q.db'), keyFile: join(dir, 'k'), maxPending: 1000, forwarding: true, clock });
    afterThisTest(() => store.close());
    const inside = store.recorder.recordCheckin(checkinInput(cccdDoc('001190012345'), { scannedAt: clock.now() }));
    const pendingInside = store.recorder.recordCheckin(checkinInput(cccdDoc('048095000777'), { scannedAt: clock.now() }));
    store.markCheckinsSent([inside.seq]);
    clock.advance(2 * DAY);
    const fresh = store.recorder.recordCheckin(checkinInput(cccdDoc('001190099999'), { scannedAt: clock.now() }));
    store.markCheckinsSent([fresh.seq]);
    expect(store.purgeExpired(1)).toEqual({ checkins: 1, rejects: 0, more: false });
    // The delivered one is gone; the undelivered one is kept until it is sent, but nobody is inside "since" 2 days.
    expect(store.insideNow().map((c) => c.seq)).toEqual([fresh.seq]);
    expect(store.outbox.pendingCheckins(0, 10).map((c) => c.seq)).toEqual([pendingInside.seq]);
    store.markCheckinsSent([pendingInside.seq]);
    expect(store.purgeExpired(1).checkins).toBe(1);
    expect(rowsIn(join(dir, 'q.db'))).toBe(1);
  });

  it('checks out, automatically, only those whose "in" is older than a time', () => {
    const dir = tempDir('qrgate-ret-');
    const store = CheckinStore.open({
      path: join(dir, 'q.db'),
      keyFile: join(dir, 'k'),
      maxPending: 1000,
      forwarding: false,
      clock: testClock('2026-10-03T10:00:00+07:00'),
    });
    afterThisTest(() => store.close());
    const old = store.recorder.recordCheckin(checkinInput(cccdDoc('001190012345'), { scannedAt: new Date('2026-10-01T09:00:00+07:00') }));
    const recent = store.recorder.recordCheckin(
      checkinInput(cccdDoc('048095000777'), { scannedAt: new Date('2026-10-03T09:00:00+07:00') }),
    );
    const outs = store.autoCheckout(new Date('2026-10-03T10:00:00+07:00'), true, new Date('2026-10-02T09:00:00+07:00').getTime());
    expect(outs.map((c) => [c.direction, c.auto, c.document.number])).toEqual([['out', true, '001190012345']]);
    expect(store.insideNow().map((c) => c.seq)).toEqual([recent.seq]);
    expect(old.seq).toBeLessThan(recent.seq);
  });

  it('a daemon with the shipped defaults keeps nobody past the retention (run 30 days in the past, retentionDays 1)', async () => {
    const dir = tempDir('qrgate-ret-');
    const clock = testClock('2026-10-01T09:00:00+07:00');
    const { config } = resolveConfig(
      {
        device: { id: 'k', site: 's' },
        store: { path: join(dir, 'q.db'), keyFile: join(dir, 'k'), retentionDays: 1 },
        clock: { synced: true },
        http: { port: 0 },
        scanners: [],
      },
      {},
    );
    expect(config.checkout.at).toBe('23:59');
    const log = new PassThrough();
    let text = '';
    log.on('data', (d: Buffer) => (text += d.toString('utf8')));
    const app = App.open(config, { logger: createLogger('info', log), clock });
    await app.start();
    afterThisTest(async () => app.stop());
    const visitor = app.pipeline.manual({ number: '001190012345', name: 'Nguyễn Thị Mẫu' });
    expect(visitor.ok).toBe(true);
    expect(app.store.insideNow()).toHaveLength(1);
    await app.stop();

    clock.advance(30 * DAY);
    const again = App.open(config, { logger: createLogger('info', log), clock });
    await again.start();
    afterThisTest(async () => again.stop());
    // Started 30 days later: the visitor left the list with an automatic checkout and their "in" is deleted.
    expect(again.store.insideNow()).toEqual([]);
    const left = again.store.checkinsBetween(0, Number.MAX_SAFE_INTEGER);
    expect(left.map((c) => ('direction' in c ? [c.direction, c.auto] : 'unreadable'))).toEqual([['out', true]]);
    expect(text).toContain('checked out whoever was still inside at the last checkout time');
  });

  it('catches up a daily checkout the kiosk was off for: whoever came in before it is checked out, dated then', async () => {
    const dir = tempDir('qrgate-ret-');
    const cameIn = new Date('2026-10-01T09:00:00+07:00').getTime();
    const clock = testClock(new Date(cameIn));
    const { config } = resolveConfig(
      {
        device: { id: 'k', site: 's' },
        store: { path: join(dir, 'q.db'), keyFile: join(dir, 'k') },
        clock: { synced: true },
        http: { port: 0 },
        scanners: [],
      },
      {},
    );
    const first = App.open(config, { logger: createLogger('silent'), clock });
    await first.start();
    afterThisTest(async () => first.stop());
    expect(first.pipeline.manual({ number: '001190012345' }).ok).toBe(true);
    await first.stop();
    // Off for 30 hours: a checkout time fell in between (23:59 in Vietnam, 14.5 hours later).
    clock.set(new Date(cameIn + 30 * 3_600_000));
    const second = App.open(config, { logger: createLogger('silent'), clock });
    await second.start();
    afterThisTest(async () => second.stop());
    expect(second.store.insideNow()).toEqual([]);
    const [, out] = second.store.checkinsBetween(0, Number.MAX_SAFE_INTEGER);
    expect(out).toMatchObject({ direction: 'out', auto: true });
    expect((out as { scannedAt: string }).scannedAt).toBe('2026-10-01T23:59:00.000+07:00');
    // Someone who came in after that checkout time stays inside.
    expect(second.pipeline.manual({ number: '048095000777' }).ok).toBe(true);
    await second.stop();
    const third = App.open(config, { logger: createLogger('silent'), clock });
    await third.start();
    afterThisTest(async () => third.stop());
    expect(third.store.insideNow()).toHaveLength(1);
  });
});
