/**
 * Central's SQLite writer thread on a real file: the same answers as inserting on the main thread (new or a
 * duplicate, per row), committed when it answers, and central carries on inserting itself when the thread cannot run.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CentralApp } from '../../src/central/app.js';
import { resolveCentralConfig } from '../../src/central/config-load.js';
import { SqliteCentralStore } from '../../src/central/sqlite-store.js';
import { numberMac } from '../../src/central/person.js';
import type { CheckinDraft, CheckinRow } from '../../src/central/store-types.js';
import { createLogger } from '../../src/logger.js';
import { Sealer } from '../../src/store/sealer.js';
import { TEST_NOW } from '../helpers/clock.js';
import { tempDir } from '../helpers/tmp.js';
import { WRITER_ENTRY } from './harness.js';

const row = (seq: number): CheckinRow => ({
  id: `id-${seq}`,
  site: 'hq',
  device: 'k',
  seq,
  direction: 'in',
  docType: 'cccd',
  scannedAt: TEST_NOW.toISOString(),
  scannedMs: TEST_NOW.getTime(),
  clockSynced: true,
  receivedMs: TEST_NOW.getTime(),
  numberMac: Buffer.alloc(32, seq),
  personMac: Buffer.alloc(32, seq),
  sealed: Buffer.from(`sealed ${seq}`),
});

const draft = (seq: number): CheckinDraft => ({
  id: `draft-${seq}`,
  site: 'hq',
  device: 'k',
  seq,
  direction: 'in',
  docType: 'cccd',
  scannedAt: TEST_NOW.toISOString(),
  scannedMs: TEST_NOW.getTime(),
  clockSynced: true,
  receivedMs: TEST_NOW.getTime(),
  number: `00119000000${seq}`,
  body: JSON.stringify({ document: { number: `00119000000${seq}` }, seq }),
});

describe('central SQLite writer thread', () => {
  it('seals and hashes drafts on the thread with the store key, as the main thread would (with or without the key)', async () => {
    const key = Buffer.alloc(32, 9);
    const sealer = new Sealer(key);
    for (const withKey of [true, false]) {
      const dir = tempDir();
      const store = SqliteCentralStore.open(join(dir, 'c.db'), sealer, join(dir, 'k'), TEST_NOW);
      await store.startWriter(WRITER_ENTRY, withKey ? key : null);
      expect(await store.insertDrafts([draft(1), draft(2)], sealer)).toEqual([true, true]);
      expect(await store.insertDrafts([draft(2), draft(3)], sealer)).toEqual([false, true]);
      const rows = await store.findCheckins({ numberMac: numberMac(sealer, '001190000002'), limit: 10 });
      expect(rows.map((r) => r.seq)).toEqual([2]);
      const all = await store.findCheckins({ limit: 10 });
      expect(all.map((r) => JSON.parse(sealer.open(r.sealed, r.id)) as unknown)).toEqual(
        [1, 2, 3].map((s) => JSON.parse(draft(s).body) as unknown),
      );
      // The person hash of a 12-digit number is its number hash (person.ts).
      expect(all.map((r) => r.personMac.equals(numberMac(sealer, draft(r.seq).number)))).toEqual([true, true, true]);
      await store.close();
    }
  });

  it('inserts on its own thread, tells new rows from duplicates, and the rows are committed when it answers', async () => {
    const dir = tempDir();
    const path = join(dir, 'c.db');
    const store = SqliteCentralStore.open(path, new Sealer(Buffer.alloc(32, 7)), join(dir, 'k'), TEST_NOW);
    await store.startWriter(WRITER_ENTRY);
    expect(store.threaded).toBe(true);
    expect(await store.insertCheckins([row(1), row(2)])).toEqual([true, true]);
    expect(await store.insertCheckins([row(2), row(3), row(3)])).toEqual([false, true, false]);
    // Another connection, as after a crash: what the thread answered for is in the file.
    const other = new Database(path, { readonly: true });
    expect(other.prepare('SELECT seq FROM checkins ORDER BY seq').pluck().all()).toEqual([1, 2, 3]);
    other.close();
    expect((await store.findCheckins({ limit: 10 })).map((c) => c.sealed.toString())).toEqual(['sealed 1', 'sealed 2', 'sealed 3']);
    await store.close();
    expect(store.threaded).toBe(false);
  });

  it('inserts on the main thread, with a warning, when the writer thread cannot start', async () => {
    const dir = tempDir();
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream);
    const config = resolveCentralConfig(
      {
        broker: { listen: { host: '127.0.0.1', port: 0 }, allowAnonymous: true },
        store: { path: join(dir, 'c.db'), keyFile: join(dir, 'k') },
        http: { port: 0 },
      },
      {},
    );
    const app = await CentralApp.open(config, { logger, writerEntry: new URL('file:///nonexistent/central-writer.cjs') });
    expect(lines.some((l) => l.includes('the SQLite writer thread did not start'))).toBe(true);
    expect(await app.store.insertCheckins([row(1)])).toEqual([true]);
    await app.store.close();
  });
});
