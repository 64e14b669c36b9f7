import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckinStore, runsOf, type StoreOptions } from '../../src/store/checkin-store.js';
import { StoreError } from '../../src/store/errors.js';
import { PAGE_CACHE_KIB } from '../../src/store/open-database.js';
import { openStoreFiles } from '../../src/store/open-store.js';
import { Outbox } from '../../src/store/outbox.js';
import { CheckinRecorder } from '../../src/store/recorder.js';
import { StoreContext } from '../../src/store/store-context.js';
import { migrate, SCHEMA_VERSION } from '../../src/store/migrations.js';
import { damageLeafPage } from '../../scripts/lib/damage.mjs';
import { bhytDoc, cccdDoc, checkinInput } from '../helpers/documents.js';
import { integrityOf } from '../helpers/sqlite.js';
import { tempDir } from '../helpers/tmp.js';
import { TEST_NOW, testClock, TEST_ZONE } from '../helpers/clock.js';

function setup(over: Partial<StoreOptions> = {}): StoreOptions & { dir: string } {
  const dir = tempDir('qrgate-store-');
  return {
    dir,
    path: join(dir, 'qrgate.db'),
    keyFile: join(dir, 'store.key'),
    maxPending: 1000,
    forwarding: true,
    clock: testClock(),
    zone: TEST_ZONE,
    ...over,
  };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('check-in store', () => {
  it('creates the schema from empty, with WAL, synchronous=FULL and a 0600 key file', () => {
    const o = setup();
    const store = CheckinStore.open(o);
    const db = new Database(o.path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(statSync(o.keyFile).mode & 0o777).toBe(0o600);
    expect(store.alarms).toEqual([]);
    store.close();
  });

  it("bounds SQLite's page cache at 2 MB, below better-sqlite3's 16 MB build default", () => {
    const { db } = openStoreFiles(setup());
    const plain = new Database(':memory:');
    expect(plain.pragma('cache_size', { simple: true })).toBe(-16000);
    plain.close();
    expect(db.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
    expect(PAGE_CACHE_KIB).toBeLessThanOrEqual(2048);
    db.close();
  });

  it('migrates a version-1 database, keeping its rows and rebuilding who is inside', () => {
    const o = setup();
    // A v1 database as an older qrgate left it: one person in, one in-then-out.
    const first = CheckinStore.open(o);
    first.recorder.recordCheckin(checkinInput(cccdDoc('001190012345')));
    first.recorder.recordCheckin(checkinInput(cccdDoc('048095000777')));
    first.recorder.recordCheckin(checkinInput(cccdDoc('048095000777'), { direction: 'out' }));
    first.close();
    const raw = new Database(o.path);
    raw.exec('DROP TABLE presence;');
    raw.pragma('user_version = 1');
    expect(migrate(raw, 1)).toBe(1);
    raw.close();

    const store = CheckinStore.open(o);
    expect(store.lastSeq()).toBe(3);
    expect(store.insideNow().map((c) => c.document.number)).toEqual(['001190012345']);
    store.close();
    const after = new Database(o.path, { readonly: true });
    const indexes = after
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'checkins' AND sql IS NOT NULL")
      .pluck()
      .all();
    expect(indexes.sort()).toEqual(['checkins_pending', 'checkins_scanned']); // checkins_person (v2) dropped by v3
    after.close();
  });

  it('refuses a database from a newer qrgate', () => {
    const o = setup();
    CheckinStore.open(o).close();
    const raw = new Database(o.path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(codeOf(() => CheckinStore.open(o))).toBe('E_STORE_VERSION');
  });

  it('gives each check-in a UUIDv7 id and a seq that grows by one, with no gap across reopen', () => {
    const o = setup();
    let store = CheckinStore.open(o);
    const a = store.recorder.recordCheckin(checkinInput());
    const b = store.recorder.recordCheckin(checkinInput(bhytDoc()));
    store.close();
    store = CheckinStore.open(o);
    const c = store.recorder.recordCheckin(checkinInput());
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    for (const x of [a, b, c]) expect(x.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect(store.outbox.pendingCheckins(0, 10).map((x) => x.seq)).toEqual([1, 2, 3]);
    store.close();
  });

  it('returns check-ins from the outbox exactly as recorded, in seq order, until marked sent', () => {
    const store = CheckinStore.open(setup());
    const recorded = [
      store.recorder.recordCheckin(checkinInput()),
      store.recorder.recordCheckin(
        checkinInput(bhytDoc(), {
          scanner: 'exit',
          direction: 'out',
          warnings: [{ code: 'W_CARD_EXPIRED', message: 'x', field: 'validTo' }],
        }),
      ),
    ];
    expect(store.outbox.pendingCheckins(0, 10)).toEqual(recorded);
    expect(store.outbox.pendingCheckins(1, 10)).toEqual([recorded[1]]);
    expect(store.pendingCount()).toBe(2);
    expect(store.oldestPending()).toEqual({ seq: 1, scannedAt: recorded[0]?.scannedAt });
    expect(store.markCheckinsSent([1, 1])).toBe(1);
    expect(store.pendingCount()).toBe(1);
    expect(store.outbox.pendingCheckins(0, 10)).toEqual([recorded[1]]);
    store.close();
  });

  it('marks a batch of acknowledgements in one transaction: all or nothing, and the pending count stays true', () => {
    const o = setup();
    const store = CheckinStore.open(o);
    for (let i = 0; i < 4; i += 1) store.recorder.recordCheckin(checkinInput(cccdDoc(`00119001234${i}`)));
    // A write that fails part-way through a batch (a full disk, an I/O error) stands in as a trigger on row 3.
    const other = new Database(o.path);
    other.exec(
      "CREATE TRIGGER fail_third BEFORE UPDATE OF sent_ms ON checkins WHEN NEW.seq = 3 BEGIN SELECT RAISE(ABORT, 'disk trouble'); END",
    );
    expect(() => store.markCheckinsSent([1, 2, 3])).toThrow();
    const pendingInFile = () => other.prepare('SELECT COUNT(*) FROM checkins WHERE sent_ms IS NULL').pluck().get();
    expect(pendingInFile()).toBe(4);
    expect(store.pendingCount()).toBe(4);
    other.exec('DROP TRIGGER fail_third');
    expect(store.markCheckinsSent([1, 2, 3])).toBe(3);
    expect(store.pendingCount()).toBe(1);
    expect(pendingInFile()).toBe(1);
    other.close();
    store.close();
  });

  it('gives the outbox the document as the JSON it was sealed from and the warnings as codes, same rows as pendingCheckins', () => {
    const store = CheckinStore.open(setup());
    const a = store.recorder.recordCheckin(checkinInput(cccdDoc('001190012345', 'Nguyễn "Thử" \\ A\u2028B')));
    const b = store.recorder.recordCheckin(
      checkinInput(bhytDoc(), { warnings: [{ code: 'W_CARD_EXPIRED', message: 'x', field: 'validTo' }] }),
    );
    const rows = store
      .outboxAfter(0, 10)
      .map((r) => ('documentJson' in r ? r : expect.unreachable('a row that opens came back unreadable')));
    expect(rows.map((r) => r.seq)).toEqual([a.seq, b.seq]);
    expect(rows.map((r) => JSON.parse(r.documentJson) as unknown)).toEqual([a.document, b.document]);
    expect(rows.map((r) => r.warningCodes)).toEqual([[], ['W_CARD_EXPIRED']]);
    const { documentJson: _, warningCodes: __, ...meta } = rows[1] ?? expect.unreachable();
    const { document: ___, warnings: ____, ...recordedMeta } = b;
    expect(meta).toEqual(recordedMeta);
    store.markCheckinsSent([a.seq]);
    expect(store.outboxAfter(0, 10).map((r) => r.seq)).toEqual([b.seq]);
    store.close();
  });

  it('marks exactly the acknowledged rows when acks come out of order and with holes', () => {
    expect(runsOf([7, 3, 4, 5, 9, 1, 4])).toEqual([
      [1, 1],
      [3, 5],
      [7, 7],
      [9, 9],
    ]);
    expect(runsOf([])).toEqual([]);
    const store = CheckinStore.open(setup());
    for (let i = 0; i < 10; i += 1) store.recorder.recordCheckin(checkinInput(cccdDoc(`0011900123${String(i).padStart(2, '0')}`)));
    expect(store.markCheckinsSent([7, 3, 4, 5, 9, 1, 4])).toBe(6);
    expect(store.outbox.pendingCheckins(0, 20).map((c) => c.seq)).toEqual([2, 6, 8, 10]);
    expect(store.pendingCount()).toBe(4);
    expect(store.markCheckinsSent([2, 3, 6])).toBe(2); // 3 was already marked
    expect(store.pendingCount()).toBe(2);
    store.close();
  });

  it('commits delivery marks without an fsync but check-ins still with synchronous=FULL, also after a failed mark', () => {
    const o = setup();
    // The store's parts on a connection the test holds: its synchronous level is the durability promise guarded here.
    const { db, sealer } = openStoreFiles(o);
    const ctx = new StoreContext(db, o, sealer);
    const recorder = new CheckinRecorder(ctx);
    const outbox = new Outbox(ctx);
    const sync = () => db.pragma('synchronous', { simple: true });
    recorder.recordCheckin(checkinInput());
    expect(sync()).toBe(2);
    outbox.markCheckinsSent([1]);
    expect(sync()).toBe(2);
    const other = new Database(o.path);
    other.exec("CREATE TRIGGER fail BEFORE UPDATE OF sent_ms ON checkins BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
    recorder.recordCheckin(checkinInput(cccdDoc('048095000777')));
    expect(() => outbox.markCheckinsSent([2])).toThrow();
    expect(sync()).toBe(2);
    other.close();
    db.close();
  });

  it('reports a store it cannot open (read-only medium, a directory in its place) as E_STORE_WRITE, not a raw SQLite error', () => {
    const o = setup();
    mkdirSync(o.path); // SQLite cannot open a directory: SQLITE_CANTOPEN, as on a card that went read-only
    expect(codeOf(() => CheckinStore.open(o))).toBe('E_STORE_WRITE');
  });

  it('records scannedAt as RFC 3339 with the offset', () => {
    const store = CheckinStore.open(setup());
    const c = store.recorder.recordCheckin(checkinInput());
    expect(c.scannedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
    expect(new Date(c.scannedAt).getTime()).toBe(new Date('2026-11-22T09:30:00+07:00').getTime());
    store.close();
  });

  it('keeps rejects with their code, scanner and time, never a payload, in their own outbox', () => {
    const o = setup();
    const store = CheckinStore.open(o);
    const r = store.recordReject({ scanner: 'gate', code: 'E_CCCD_FIELDS', scannedAt: TEST_NOW, clockSynced: false });
    expect(store.pendingRejectsAfter(0, 10)).toEqual([r]);
    expect(store.markRejectsSent([r.n])).toBe(1);
    expect(store.pendingRejectsAfter(0, 10)).toEqual([]);
    const columns = (new Database(o.path, { readonly: true }).prepare('PRAGMA table_info(rejects)').all() as Array<{ name: string }>).map(
      (c) => c.name,
    );
    expect(columns).toEqual(['n', 'id', 'scanner', 'code', 'scanned_at', 'scanned_ms', 'clock_synced', 'sent_ms']);
    store.close();
  });

  it('knows who is inside: the same 12-digit number on a card or typed is one person', () => {
    const store = CheckinStore.open(setup());
    store.recorder.recordCheckin(checkinInput(cccdDoc()));
    expect(
      store.presence.isInside({ document: { type: 'id-number', number: '001190012345', name: null, birthDate: '1990', sex: 'F' } }),
    ).toBe(true);
    expect(store.presence.isInside({ document: bhytDoc() })).toBe(false);
    store.recorder.recordCheckin(checkinInput(cccdDoc(), { direction: 'out' }));
    expect(store.presence.isInside({ document: cccdDoc() })).toBe(false);
    expect(store.today()).toMatchObject({ in: 1, out: 1, insideNow: 0 });
    store.close();
  });

  it('reads only the newest arrivals still inside for the list, newest first, without unsealing everyone inside', () => {
    const store = CheckinStore.open(setup());
    const numbers = ['001190000001', '001190000002', '001190000003', '001190000004'];
    for (const n of numbers) store.recorder.recordCheckin(checkinInput(cccdDoc(n)));
    store.recorder.recordCheckin(checkinInput(cccdDoc('001190000004'), { direction: 'out' }));
    expect(store.insideLatest(2).map((c) => c.document.number)).toEqual(['001190000003', '001190000002']);
    expect(store.insideLatest(10)).toHaveLength(3);
    store.close();
  });

  it('counts "today" from midnight of the kiosk zone, whatever the machine’s TZ', () => {
    const clock = testClock('2026-11-22T23:30:00+07:00');
    const store = CheckinStore.open(setup({ clock }));
    store.recorder.recordCheckin(checkinInput(cccdDoc('001190012345'), { scannedAt: new Date('2026-11-22T00:30:00+07:00') })); // 17:30 UTC the day before
    store.recorder.recordCheckin(checkinInput(cccdDoc('048095000777'), { scannedAt: new Date('2026-11-21T23:59:00+07:00') }));
    expect(store.today()).toMatchObject({ in: 1, insideNow: 2 });
    clock.set('2026-11-23T00:00:00+07:00');
    expect(store.today()).toMatchObject({ in: 0, insideNow: 2 });
    store.close();
  });

  it('checks out everyone inside, marked auto, keeping their document', () => {
    const store = CheckinStore.open(setup());
    store.recorder.recordCheckin(checkinInput(cccdDoc('001190012345')));
    store.recorder.recordCheckin(checkinInput(cccdDoc('048095000777'), { scanner: 'side' }));
    const outs = store.autoCheckout(new Date('2026-11-22T23:59:00+07:00'), true);
    expect(outs.map((c) => [c.seq, c.direction, c.auto, c.scanner, c.document.number])).toEqual([
      [3, 'out', true, 'gate', '001190012345'],
      [4, 'out', true, 'side', '048095000777'],
    ]);
    expect(store.insideNow()).toEqual([]);
    store.close();
  });

  it('deletes delivered check-ins and rejects after the retention, the "in" of someone inside too, never pending ones', () => {
    const clock = testClock('2026-11-01T10:00:00+07:00');
    const store = CheckinStore.open(setup({ clock }));
    const old = { scannedAt: clock.now() };
    const sentOut = store.recorder.recordCheckin(checkinInput(cccdDoc('048095000777'), { ...old, direction: 'out' }));
    const stillInside = store.recorder.recordCheckin(checkinInput(cccdDoc('001190012345'), old));
    const pending = store.recorder.recordCheckin(checkinInput(bhytDoc(), { ...old, direction: 'out' }));
    const rej = store.recordReject({ scanner: 'gate', code: 'E_UNRECOGNIZED', scannedAt: clock.now(), clockSynced: true });
    store.markCheckinsSent([sentOut.seq, stillInside.seq]);
    store.markRejectsSent([rej.n]);

    clock.set('2026-11-21T10:00:00+07:00'); // 20 days later: within 21
    expect(store.purgeExpired(21)).toEqual({ checkins: 0, rejects: 0, more: false });
    clock.set('2026-11-23T10:00:00+07:00');
    expect(store.purgeExpired(21)).toEqual({ checkins: 2, rejects: 1, more: false });
    expect(store.outbox.pendingCheckins(0, 10).map((c) => c.seq)).toEqual([pending.seq]);
    expect(store.insideNow()).toEqual([]);
    expect(stillInside.direction).toBe('in');
    store.close();
  });

  it('gives a pending row whose sealed document no longer opens as unreadable, in its place, and sets it aside out of the outbox until the retention deletes it', () => {
    const clock = testClock('2026-11-01T10:00:00+07:00');
    const o = setup({ clock });
    const store = CheckinStore.open(o);
    const rows = [1, 2, 3].map((i) =>
      store.recorder.recordCheckin(checkinInput(cccdDoc(`00119001234${i}`), { scannedAt: clock.now(), direction: 'out' })),
    );
    const raw = new Database(o.path);
    raw.prepare('UPDATE checkins SET sealed = randomblob(length(sealed)) WHERE seq = 2').run();
    raw.close();
    const read = store.outboxAfter(0, 10);
    expect(read.map((r) => ('unreadable' in r ? `unreadable ${r.seq} ${r.id}` : r.seq))).toEqual([1, `unreadable 2 ${rows[1]?.id}`, 3]);

    expect(store.setAsideUnreadable(2)).toBe(true);
    expect(store.setAsideUnreadable(2)).toBe(false); // once only: the pending count stays true
    expect(store.pendingCount()).toBe(2);
    expect(store.outboxAfter(0, 10).map((r) => r.seq)).toEqual([1, 3]);
    store.markCheckinsSent([1, 3]);
    clock.set('2026-11-23T10:00:00+07:00');
    expect(store.purgeExpired(21)).toEqual({ checkins: 3, rejects: 0, more: false });
    store.close();
    const reopened = CheckinStore.open(o);
    expect(reopened.pendingCount()).toBe(0);
    reopened.close();
  });

  it('leaves out of the inside list a person whose "in" no longer opens, still checks everyone out at the end of the day, and exports that row as unreadable', () => {
    const o = setup();
    const store = CheckinStore.open(o);
    const at = new Date('2026-11-22T09:30:00+07:00');
    const [a, b] = ['001190012341', '001190012342'].map((n) => store.recorder.recordCheckin(checkinInput(cccdDoc(n), { scannedAt: at })));
    const raw = new Database(o.path);
    raw.prepare('UPDATE checkins SET sealed = randomblob(length(sealed)) WHERE seq = ?').run(a?.seq);
    raw.close();
    expect(store.insideNow().map((c) => c.seq)).toEqual([b?.seq]);
    const day = new Date('2026-11-22T00:00:00+07:00').getTime();
    expect(store.checkinsBetween(day, day + 86_400_000).map((r) => ('unreadable' in r ? `unreadable ${r.seq}` : r.seq))).toEqual([
      `unreadable ${a?.seq}`,
      b?.seq,
    ]);

    const outs = store.autoCheckout(new Date('2026-11-22T23:00:00+07:00'), true);
    expect(outs.map((c) => [c.document.number, c.direction, c.auto])).toEqual([['001190012342', 'out', true]]);
    expect(store.today().insideNow).toBe(0);
    expect(store.presence.isInside(checkinInput(cccdDoc('001190012341')))).toBe(false);
    store.close();
  });

  it('refuses new scans with E_STORE_FULL above maxPending, and accepts again once delivered', () => {
    const store = CheckinStore.open(setup({ maxPending: 2 }));
    store.recorder.recordCheckin(checkinInput());
    store.recorder.recordCheckin(checkinInput());
    expect(codeOf(() => store.recorder.recordCheckin(checkinInput()))).toBe('E_STORE_FULL');
    expect(store.lastSeq()).toBe(2);
    store.markCheckinsSent([1]);
    expect(store.recorder.recordCheckin(checkinInput()).seq).toBe(3);
    store.close();
  });

  it('turns SQLite running out of space into E_STORE_FULL without losing what was committed', () => {
    const o = setup({ maxSizeMB: 1, maxPending: 1_000_000 });
    const store = CheckinStore.open(o);
    const big = cccdDoc('001190012345', 'Nguyễn Thị Mẫu '.repeat(40));
    let committed = 0;
    let code = 'no error';
    for (let i = 0; i < 20_000 && code === 'no error'; i += 1) {
      code = codeOf(() => store.recorder.recordCheckin(checkinInput(big)));
      if (code === 'no error') committed += 1;
    }
    expect(code).toBe('E_STORE_FULL');
    expect(committed).toBeGreaterThan(100);
    expect(store.lastSeq()).toBe(committed);
    expect(store.pendingCount()).toBe(committed);
    expect(integrityOf(o.path)).toBe('ok');
    store.close();
  });

  it('records a burst in one transaction: all of it, or nothing of it when the disk fills part-way', () => {
    const o = setup({ maxSizeMB: 1, maxPending: 1_000_000 });
    const store = CheckinStore.open(o);
    const big = (i: number) => checkinInput(cccdDoc(`0011900${String(i).padStart(5, '0')}`, 'Nguyễn Thị Mẫu '.repeat(40)));
    const first = store.recordCheckins([big(1), big(2), big(3)]);
    expect(first.map((r) => r.ok && r.checkin.seq)).toEqual([1, 2, 3]);
    // Far more than fits in the 1 MB cap: the transaction fails at some row, and none of the burst may remain.
    const burst = store.recordCheckins(Array.from({ length: 3000 }, (_, i) => big(100 + i)));
    expect(new Set(burst.map((r) => (r.ok ? 'ok' : r.error.code)))).toEqual(new Set(['E_STORE_FULL']));
    expect(store.lastSeq()).toBe(3);
    expect(store.pendingCount()).toBe(3);
    expect(store.outbox.pendingCheckins(0, 10).map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(store.recorder.recordCheckin(big(9)).seq).toBe(4);
    expect(integrityOf(o.path)).toBe('ok');
    store.close();
  });

  it('records without queueing for delivery when no broker is configured', () => {
    const store = CheckinStore.open(setup({ forwarding: false, maxPending: 1 }));
    store.recorder.recordCheckin(checkinInput());
    store.recorder.recordCheckin(checkinInput());
    expect(store.pendingCount()).toBe(0);
    expect(store.outbox.pendingCheckins(0, 10)).toEqual([]);
    store.close();
  });

  it('moves a corrupt database aside with an alarm and starts a fresh one', () => {
    const o = setup();
    writeFileSync(o.path, Buffer.alloc(8192, 0x5a));
    const store = CheckinStore.open(o);
    // Nothing of the old file is readable, so there is no seq to continue after; the alarm says so.
    expect(store.alarms).toEqual([
      {
        code: 'E_STORE_CORRUPT',
        detail: expect.stringMatching(
          /^moved to .*qrgate\.db\.corrupt-.*; its last seq could not be read: seq restarts at 1; taken from it: 0 unsent check-ins, 0 unsent rejects, 0 people inside; could not read who was inside, the rejects$/,
        ) as unknown,
      },
    ]);
    expect(store.recorder.recordCheckin(checkinInput()).seq).toBe(1);
    expect(readdirSync(o.dir).some((f) => /^qrgate\.db\.corrupt-/.test(f))).toBe(true);
    store.close();
  });

  it('moves aside a database whose header is intact but a table page is damaged (the start-up check reads every page), and seq continues after the last one the counter shows, even when the last rows are on that page', () => {
    const o = setup();
    const first = CheckinStore.open(o);
    for (let i = 0; i < 300; i += 1) first.recorder.recordCheckin(checkinInput(cccdDoc(`0011900${String(i).padStart(5, '0')}`)));
    first.close(); // checkpoints the WAL into the file
    damageLeafPage(o.path, 'checkins', (leaves) => leaves[leaves.length - 1]); // the table's last leaf: it holds seq 300
    const store = CheckinStore.open(o);
    expect(store.alarms).toEqual([
      {
        code: 'E_STORE_CORRUPT',
        detail: expect.stringMatching(
          /; seq continues after 300; taken from it: \d+ unsent check-ins, 0 unsent rejects, \d+ people inside; \d+ rows could not be read or opened \(their seqs stay a gap\)$/,
        ) as unknown,
      },
    ]);
    expect(store.lastSeq()).toBe(300);
    // The unsent rows the damaged file still gives are taken over (test/store/salvage.test.ts); the damaged page's are not.
    const pending = store.outbox.pendingCheckins(0, 1000).map((c) => c.seq);
    expect(pending.length).toBeGreaterThan(250);
    expect(pending).not.toContain(300);
    expect(store.recorder.recordCheckin(checkinInput()).seq).toBe(301);
    store.close();
  });

  it('seals names and numbers: neither is readable in the database file', () => {
    const o = setup();
    const store = CheckinStore.open(o);
    store.recorder.recordCheckin(checkinInput(cccdDoc('079305001234', 'Lê Minh Ví Dụ')));
    store.close();
    const bytes = Buffer.concat([readFileSync(o.path), existsSync(`${o.path}-wal`) ? readFileSync(`${o.path}-wal`) : Buffer.alloc(0)]);
    for (const secret of ['079305001234', 'Lê Minh Ví Dụ', 'Minh', 'Đường Thử']) {
      expect(bytes.includes(Buffer.from(secret, 'utf8'))).toBe(false);
    }
  });

  it('will not open sealed data with another key, nor make a new key for a database that has data', () => {
    const o = setup();
    CheckinStore.open(o).close();
    writeFileSync(o.keyFile, Buffer.alloc(32, 7));
    expect(codeOf(() => CheckinStore.open(o))).toBe('E_STORE_KEY');
    const missing = { ...o, keyFile: join(o.dir, 'other.key') };
    expect(codeOf(() => CheckinStore.open(missing))).toBe('E_STORE_KEY');
    expect(existsSync(missing.keyFile)).toBe(false);
  });

  it('raises an alarm when the key file is readable by others', () => {
    const o = setup();
    CheckinStore.open(o).close();
    chmodSync(o.keyFile, 0o644);
    const store = CheckinStore.open(o);
    expect(store.alarms.map((a) => a.code)).toEqual(['W_KEY_PERMISSIONS']);
    store.close();
  });
});

describe('check-in store queries for the technician', () => {
  it('returns the check-ins of a time range, decrypted, in seq order, and reject counts by code', () => {
    const o = setup();
    const store = CheckinStore.open(o);
    const day = new Date('2026-11-22T00:00:00+07:00').getTime();
    store.recorder.recordCheckin(checkinInput(cccdDoc('001190012345'), { scannedAt: new Date(day - 1) }));
    store.recorder.recordCheckin(checkinInput(cccdDoc('048095000777'), { scannedAt: new Date(day) }));
    store.recorder.recordCheckin(checkinInput(bhytDoc(), { scannedAt: new Date(day + 86_400_000 - 1), direction: 'out' }));
    store.recorder.recordCheckin(checkinInput(cccdDoc('001190012345'), { scannedAt: new Date(day + 86_400_000) }));
    const rows = store.checkinsBetween(day, day + 86_400_000);
    expect(rows.map((r) => ('unreadable' in r ? [r.seq] : [r.seq, r.document.number, r.direction]))).toEqual([
      [2, '048095000777', 'in'],
      [3, '0199900123', 'out'],
    ]);
    for (const code of ['E_UNRECOGNIZED', 'E_EMPTY', 'E_UNRECOGNIZED'] as const)
      store.recordReject({ scanner: 'gate', code, scannedAt: new Date(day + 5), clockSynced: true });
    store.recordReject({ scanner: 'gate', code: 'E_EMPTY', scannedAt: new Date(day - 5), clockSynced: true });
    expect(store.rejectCountsSince(day)).toEqual([
      { code: 'E_UNRECOGNIZED', count: 2 },
      { code: 'E_EMPTY', count: 1 },
    ]);
    store.close();
  });
});

describe('check-in store retention in batches', () => {
  it('purges at most the batches asked for and says when there is more', () => {
    const clock = testClock('2026-01-01T10:00:00+07:00');
    const dir = tempDir('qrgate-store-');
    const store = CheckinStore.open({ path: join(dir, 'q.db'), keyFile: join(dir, 'k'), maxPending: 100_000, forwarding: true, clock });
    // One transaction for all 5,200 (not 5,200 fsynced commits, which a loaded machine took over 20 s for).
    const drafts = Array.from({ length: 5200 }, () => checkinInput(cccdDoc(), { direction: 'out', scannedAt: clock.now() }));
    const seqs = store.recordCheckins(drafts).map((r) => (r.ok ? r.checkin.seq : -1));
    expect(seqs.filter((s) => s < 0)).toEqual([]);
    store.markCheckinsSent(seqs);
    clock.set('2026-03-01T10:00:00+07:00');
    expect(store.purgeExpired(21, 1)).toEqual({ checkins: 5000, rejects: 0, more: true });
    expect(store.purgeExpired(21, 1)).toEqual({ checkins: 200, rejects: 0, more: false });
    store.close();
  });
});
