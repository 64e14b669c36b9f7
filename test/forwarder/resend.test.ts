/** The kiosk's side of central's resend request: the range check, and what a real store gives for a range. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResend, resendRange } from '../../src/forwarder/resend.js';
import { CheckinStore } from '../../src/store/checkin-store.js';
import { afterThisTest } from '../helpers/after-test.js';
import { cccdDoc, checkinInput } from '../helpers/documents.js';
import { tempDir } from '../helpers/tmp.js';

describe('resend request (kiosk side)', () => {
  it('accepts {from, to} with from <= to and at most 5,000 seqs, nothing else', () => {
    expect(resendRange({ from: 3, to: 7, tid: 'x' })).toEqual({ from: 3, to: 7 });
    expect(resendRange({ from: 1, to: 5000 })).toEqual({ from: 1, to: 5000 });
    for (const bad of [
      {},
      null,
      'x',
      { from: 7, to: 3 },
      { from: 0, to: 3 },
      { from: 1, to: 5001 },
      { from: 1.5, to: 2 },
      { from: '1', to: 2 },
    ])
      expect(resendRange(bad)).toBeNull();
  });

  it('gives the stored rows of the range (sent or not), the ranges no longer stored, and none twice', () => {
    const dir = tempDir();
    const store = CheckinStore.open({ path: join(dir, 'q.db'), keyFile: join(dir, 'k'), maxPending: 1000, forwarding: true });
    afterThisTest(() => store.close());
    for (let i = 1; i <= 10; i++) store.recorder.recordCheckin(checkinInput(cccdDoc(`0011900000${String(i).padStart(2, '0')}`)));
    store.markCheckinsSent([1, 2, 3, 4, 5]);
    // Seqs 4 and 5 no longer stored (as after the retention).
    const db = new Database(join(dir, 'q.db'));
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM checkins WHERE seq IN (4, 5)').run();
    db.close();
    const { result, rows } = readResend(store, 2, 12);
    expect(rows.map((r) => r.seq)).toEqual([2, 3, 6, 7, 8, 9, 10]);
    expect(result).toEqual({
      from: 2,
      to: 12,
      sent: 7,
      missing: [
        [4, 5],
        [11, 12],
      ],
      unreadable: [],
    });
  });
});
