/**
 * The store knows whether it would refuse the next scan before anyone tries one (the status page shows it from its
 * first paint): its outbox against maxPending, its pages against maxSizeMB, and what the last write met.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckinStore, type StoreOptions } from '../../src/store/checkin-store.js';
import { openStoreFiles } from '../../src/store/open-store.js';
import { CheckinRecorder } from '../../src/store/recorder.js';
import { refusalOf } from '../../src/store/refusal.js';
import { Retention } from '../../src/store/retention.js';
import { StoreContext } from '../../src/store/store-context.js';
import { cccdDoc, checkinInput } from '../helpers/documents.js';
import { tempDir } from '../helpers/tmp.js';
import { testClock, TEST_NOW, TEST_ZONE } from '../helpers/clock.js';

function setup(over: Partial<StoreOptions> = {}): StoreOptions {
  const dir = tempDir('qrgate-refusal-');
  return {
    path: join(dir, 'qrgate.db'),
    keyFile: join(dir, 'store.key'),
    maxPending: 1000,
    forwarding: true,
    clock: testClock(),
    zone: TEST_ZONE,
    ...over,
  };
}

const big = (i: number) => checkinInput(cccdDoc(`0011900${String(i).padStart(5, '0')}`, 'Nguyễn Thị Mẫu '.repeat(40)));

/** Records until the size cap refuses, in bursts and then one by one, so the file is as full as it gets. */
function fillToCap(store: Pick<CheckinRecorder, 'recordCheckins'>): void {
  let n = 0;
  for (const size of [50, 1]) {
    for (;;) {
      const results = store.recordCheckins(Array.from({ length: size }, () => big((n += 1))));
      if (!results.every((r) => r.ok)) break;
    }
  }
}

describe('the store’s refusal, known before a scan', () => {
  it('says E_STORE_FULL at maxPending, from a reopen too, and nothing once deliveries make room', () => {
    const o = setup({ maxPending: 2 });
    let store = CheckinStore.open(o);
    expect(store.refusal()).toBeNull();
    store.recorder.recordCheckin(checkinInput());
    store.recorder.recordCheckin(checkinInput());
    expect(store.refusal()).toEqual({ code: 'E_STORE_FULL', detail: '2 check-ins waiting for the broker (store.maxPending 2)' });
    store.close();
    store = CheckinStore.open(o);
    expect(store.refusal()?.code).toBe('E_STORE_FULL');
    store.markCheckinsSent([1]);
    expect(store.refusal()).toBeNull();
    store.close();
  });

  it('does not count the outbox when no broker is configured (nothing waits for one)', () => {
    const store = CheckinStore.open(setup({ maxPending: 1, forwarding: false }));
    store.recorder.recordCheckin(checkinInput());
    store.recorder.recordCheckin(checkinInput());
    expect(store.refusal()).toBeNull();
    store.close();
  });

  it('says E_STORE_FULL at maxSizeMB: after the refused write, from the start after a reopen, not once the cap is raised', () => {
    const o = setup({ maxSizeMB: 1, maxPending: 1_000_000 });
    let store = CheckinStore.open(o);
    expect(store.refusal()).toBeNull();
    fillToCap(store);
    expect(store.lastSeq()).toBeGreaterThan(100);
    expect(store.refusal()?.code).toBe('E_STORE_FULL');
    // A refused QR's small reject row may still fit: it says nothing about room for a check-in.
    expect(store.recordReject({ scanner: 'gate', code: 'E_CCCD_FIELDS', scannedAt: TEST_NOW, clockSynced: true }).code).toBe(
      'E_CCCD_FIELDS',
    );
    expect(store.refusal()?.code).toBe('E_STORE_FULL');
    expect(store.recordCheckins([big(99_997)])[0]).toMatchObject({ ok: false, error: { code: 'E_STORE_FULL' } });
    store.close();

    store = CheckinStore.open(o);
    expect(store.refusal()).toEqual({ code: 'E_STORE_FULL', detail: 'the database has reached store.maxSizeMB (1 MiB)' });
    // What the next scan meets agrees with what was said.
    expect(store.recordCheckins([big(99_999)])[0]).toMatchObject({ ok: false, error: { code: 'E_STORE_FULL' } });
    store.close();

    store = CheckinStore.open({ ...o, maxSizeMB: 2 });
    expect(store.refusal()).toBeNull();
    expect(store.recordCheckins([big(99_998)])[0]?.ok).toBe(true);
    store.close();
  });

  it('clears a full store’s refusal when the retention deletes rows, and a recorded scan agrees', () => {
    const o = setup({ maxSizeMB: 1, maxPending: 1_000_000 });
    const clock = testClock();
    const { db, sealer } = openStoreFiles(o);
    const ctx = new StoreContext(db, { ...o, clock }, sealer);
    const recorder = new CheckinRecorder(ctx);
    fillToCap(recorder);
    expect(refusalOf(ctx)?.code).toBe('E_STORE_FULL');
    // Everything delivered (the outbox's own marks), then the retention has passed.
    const recorded = ctx.pending.checkins;
    ctx.writeMarks(() => db.prepare('UPDATE checkins SET sent_ms = 1').run());
    ctx.pending.checkins = 0;
    clock.advance(22 * 86_400_000);
    expect(new Retention(ctx).purgeExpired(21).checkins).toBe(recorded);
    expect(refusalOf(ctx)).toBeNull();
    expect(recorder.recordCheckins([big(1)])[0]?.ok).toBe(true);
    db.close();
  });

  it('says E_STORE_WRITE after a write the database refused (another process holds its lock), until a scan is recorded again', () => {
    const o = setup();
    const { db, sealer } = openStoreFiles(o);
    // The daemon waits 5 s for a lock; the test need not.
    db.pragma('busy_timeout = 50');
    const ctx = new StoreContext(db, o, sealer);
    const recorder = new CheckinRecorder(ctx);
    expect(recorder.recordCheckins([checkinInput()])[0]?.ok).toBe(true);
    const other = new Database(o.path);
    other.exec('BEGIN IMMEDIATE');
    expect(recorder.recordCheckins([checkinInput()])[0]).toMatchObject({ ok: false, error: { code: 'E_STORE_WRITE' } });
    expect(refusalOf(ctx)?.code).toBe('E_STORE_WRITE');
    expect(refusalOf(ctx)?.detail).toContain('SQLITE_BUSY');
    expect(() => recorder.recordReject({ scanner: 'gate', code: 'E_NOT_IDENTITY', scannedAt: TEST_NOW, clockSynced: true })).toThrow();
    expect(refusalOf(ctx)?.code).toBe('E_STORE_WRITE');
    other.exec('ROLLBACK');
    other.close();
    expect(recorder.recordCheckins([checkinInput()])[0]?.ok).toBe(true);
    expect(refusalOf(ctx)).toBeNull();
    db.close();
  });
});
