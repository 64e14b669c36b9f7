/** Issue 16, item 8: the database (sealed data and look-up HMACs) is owner-only whatever the umask, outside systemd too. */
import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckinStore } from '../../src/store/checkin-store.js';
import { cccdDoc, checkinInput } from '../helpers/documents.js';
import { afterThisTest } from '../helpers/after-test.js';
import { tempDir } from '../helpers/tmp.js';

const modeOf = (path: string): number => statSync(path).mode & 0o777;

describe('store file modes', () => {
  it('creates the database, its WAL and shared memory 0600 under a umask of 022, and tightens an existing 0644 one', () => {
    const previous = process.umask(0o022);
    afterThisTest(() => process.umask(previous));
    const dir = tempDir('qrgate-modes-');
    const o = { path: join(dir, 'qrgate.db'), keyFile: join(dir, 'store.key'), maxPending: 100, forwarding: true };
    const store = CheckinStore.open(o);
    store.recorder.recordCheckin(checkinInput(cccdDoc()));
    for (const f of ['qrgate.db', 'qrgate.db-wal', 'qrgate.db-shm', 'store.key']) expect([f, modeOf(join(dir, f))]).toEqual([f, 0o600]);
    store.close();
    chmodSync(o.path, 0o644);
    const again = CheckinStore.open(o);
    afterThisTest(() => again.close());
    expect(modeOf(o.path)).toBe(0o600);
  });
});
