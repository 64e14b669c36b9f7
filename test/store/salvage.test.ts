import Database from 'better-sqlite3';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckinStore, type StoreOptions } from '../../src/store/checkin-store.js';
import { migrate } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/open-database.js';
import { beginSalvage, continueSalvage } from '../../src/store/salvage.js';
import { loadKeyFile, Sealer } from '../../src/store/sealer.js';
import { damageLeafPage, unreadableSeqs } from '../../scripts/lib/damage.mjs';
import { cccdDoc, checkinInput } from '../helpers/documents.js';
import { integrityOf } from '../helpers/sqlite.js';
import { tempDir } from '../helpers/tmp.js';
import { TEST_NOW, testClock } from '../helpers/clock.js';

function setup(over: Partial<StoreOptions> = {}): StoreOptions & { dir: string } {
  const dir = tempDir('qrgate-salvage-');
  return {
    dir,
    path: join(dir, 'qrgate.db'),
    keyFile: join(dir, 'store.key'),
    maxPending: 100_000,
    forwarding: true,
    clock: testClock(),
    ...over,
  };
}

const person = (i: number) => cccdDoc(`0011900${String(i).padStart(5, '0')}`, `Người Thử ${i}`);

interface Snapshot {
  pending: Array<{ seq: number; id: string; number: string }>;
  inside: number[];
  rejects: string[];
  lastSeq: number;
}

function snapshot(store: CheckinStore): Snapshot {
  return {
    pending: store.outbox.pendingCheckins(0, 100_000).map((c) => ({ seq: c.seq, id: c.id, number: c.document.number })),
    inside: store.insideNow().map((c) => c.seq),
    rejects: store.pendingRejectsAfter(0, 100_000).map((r) => r.id),
    lastSeq: store.lastSeq(),
  };
}

/**
 * A store as a kiosk leaves it after an outage: `n` people came in (the first third already delivered), every tenth
 * of them left again, and ten scans were refused (four delivered). Closed, so the WAL is in the file.
 */
function filledStore(o: StoreOptions, n: number): Snapshot {
  const store = CheckinStore.open(o);
  store.recordCheckins(Array.from({ length: n }, (_, i) => checkinInput(person(i))));
  store.markCheckinsSent(Array.from({ length: Math.floor(n / 3) }, (_, i) => i + 1));
  store.recordCheckins(Array.from({ length: Math.floor(n / 10) }, (_, i) => checkinInput(person(i * 10), { direction: 'out' })));
  const at = new Date('2026-11-22T09:31:00+07:00');
  for (let i = 0; i < 10; i += 1) store.recordReject({ scanner: 'gate', code: 'E_CCCD_FIELDS', scannedAt: at, clockSynced: true });
  store.markRejectsSent([1, 2, 3, 4]);
  const before = snapshot(store);
  store.close();
  return before;
}

describe('salvage of a store moved aside as damaged', () => {
  it('takes over every unsent check-in, reject and person inside the damaged file still gives, with the same seq, id and document; a bad page costs only its own rows', () => {
    const o = setup();
    const before = filledStore(o, 400);
    const middle = damageLeafPage(o.path, 'checkins', (leaves) => leaves[Math.floor(leaves.length / 2)]);
    const lost = new Set(
      unreadableSeqs(
        o.path,
        before.pending.map((p) => p.seq),
      ),
    );
    expect(lost.size).toBeGreaterThan(0); // the damage hit unsent rows…
    expect(lost.size).toBeLessThan(20); // …of one page only

    const store = CheckinStore.open(o);
    const after = snapshot(store);
    expect(after.pending).toEqual(before.pending.filter((p) => !lost.has(p.seq)));
    expect(after.inside).toEqual(before.inside.filter((s) => !lost.has(s)));
    expect(after.rejects).toEqual(before.rejects);
    expect(after.lastSeq).toBe(before.lastSeq);
    expect(store.recorder.recordCheckin(checkinInput(person(9999))).seq).toBe(before.lastSeq + 1);
    const inside = before.inside.filter((s) => !lost.has(s)).length;
    const pending = before.pending.length - lost.size;
    expect(store.alarms).toEqual([
      {
        code: 'E_STORE_CORRUPT',
        detail: expect.stringMatching(
          new RegExp(
            `; seq continues after ${before.lastSeq}; taken from it: ${pending} unsent check-ins, 6 unsent rejects, ${inside} people inside; \\d+ rows could not be read or opened \\(their seqs stay a gap\\)$`,
          ),
        ) as unknown,
      },
    ]);
    expect(integrityOf(o.path)).toBe('ok');
    store.close();
    expect(middle).toBeGreaterThan(1);
  });

  it('copies everything when only an index is damaged, but not a row whose sealed document no longer opens', () => {
    const o = setup();
    const before = filledStore(o, 60);
    const raw = new Database(o.path);
    const victim = before.pending[5] as { seq: number };
    raw.prepare('UPDATE checkins SET sealed = randomblob(length(sealed)) WHERE seq = ?').run(victim.seq);
    raw.close();
    damageLeafPage(o.path, 'checkins_scanned', (leaves) => leaves[0]);

    const store = CheckinStore.open(o);
    expect(snapshot(store).pending).toEqual(before.pending.filter((p) => p.seq !== victim.seq));
    expect(store.alarms[0]?.detail).toMatch(
      new RegExp(
        `taken from it: ${before.pending.length - 1} unsent check-ins, 6 unsent rejects, ${before.inside.length - 1} people inside; 1 rows could not be read or opened`,
      ),
    );
    store.close();
  });

  it('goes on after a crash part-way, at the next start, and ends with what an uninterrupted salvage gives', () => {
    const whole = setup();
    const before = filledStore(whole, 1600);
    const cut = setup();
    copyFileSync(whole.path, cut.path);
    copyFileSync(whole.keyFile, cut.keyFile);
    for (const o of [whole, cut]) damageLeafPage(o.path, 'checkins', (leaves) => leaves[3]);

    const first = CheckinStore.open(whole);
    const expected = snapshot(first);
    first.close();

    // The start that moved the file aside dies after four chunks (three of who was inside, one of the check-ins):
    // each chunk committed with its progress.
    const { db, movedAside } = openDatabase(cut.path, TEST_NOW);
    migrate(db);
    beginSalvage(db, movedAside as string);
    const sealer = new Sealer(loadKeyFile(cut.keyFile, false).key);
    const partial = continueSalvage(db, (s, id) => sealer.tryOpen(s, id) !== null, 4);
    expect(partial?.phase).toBe('checkins');
    db.close();

    const resumed = CheckinStore.open(cut);
    expect(snapshot(resumed)).toEqual(expected);
    expect(expected.pending.length).toBeGreaterThan(before.pending.length - 20);
    expect(resumed.alarms[0]?.detail).toMatch(/^moved to .*qrgate\.db\.corrupt-.*; seq continues after 1760; taken from it: /);
    resumed.close();
    const again = CheckinStore.open(cut); // finished: nothing pending, no alarm
    expect(again.alarms).toEqual([]);
    again.close();
  });

  it('stops with a reason when the fresh store fills up, keeps what it copied, and finishes at a start with room', () => {
    const o = setup();
    const before = filledStore(o, 2000);
    damageLeafPage(o.path, 'checkins', (leaves) => leaves[0]);

    const tight = CheckinStore.open({ ...o, maxSizeMB: 1 });
    const detail = tight.alarms[0]?.detail ?? '';
    expect(detail).toMatch(/; stopped \(.*\): the rest is taken at the next start$/);
    // The copy a salvage still reads from is kept whatever its age (retention -1 day: everything else has expired).
    expect(tight.purgeMovedAside(-1)).toEqual([]);
    const partial = tight.pendingCount();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(before.pending.length - 20);
    tight.close();

    const roomy = CheckinStore.open(o);
    expect(roomy.alarms[0]?.detail).not.toMatch(/stopped/);
    const after = snapshot(roomy);
    expect(after.pending.length).toBeGreaterThan(before.pending.length - 20);
    expect(after.pending).toEqual(before.pending.filter((p) => after.pending.some((a) => a.seq === p.seq)));
    expect(roomy.purgeMovedAside(-1)).toEqual([expect.stringMatching(/qrgate\.db\.corrupt-/) as unknown]);
    roomy.close();
  });

  it('deletes the damaged copy (with its WAL and shm files) once the retention has passed since it was moved aside', () => {
    const clock = testClock('2026-11-01T10:00:00+07:00');
    const o = setup({ clock });
    filledStore(o, 50);
    damageLeafPage(o.path, 'checkins', (leaves) => leaves[0]);
    const store = CheckinStore.open(o);
    const copies = () => readdirSync(o.dir).filter((f) => f.includes('.corrupt-'));
    const copy = 'qrgate.db.corrupt-2026-11-01T03-00-00-000Z';
    writeFileSync(join(o.dir, `${copy}-wal`), 'x'); // as a crash leaves it
    expect(copies()).toEqual(expect.arrayContaining([copy, `${copy}-wal`]));
    clock.set('2026-11-21T10:00:00+07:00'); // 20 days: within 21
    expect(store.purgeMovedAside(21)).toEqual([]);
    clock.set('2026-11-23T10:00:00+07:00');
    expect(store.purgeMovedAside(21)).toEqual([join(o.dir, copy)]);
    expect(copies()).toEqual([]);
    store.close();
  });
});
