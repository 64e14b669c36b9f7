/**
 * Central's SQLite writer thread (a worker_threads entry, started by sqlite-writer.ts): seals each batch of
 * check-in drafts (AES-GCM and the keyed hashes, seal-checkin.ts) and inserts it in one transaction on its own
 * connection, answering after the commit. Sealing, hashing, the insert and its fsync were most of the MQTT thread's
 * time (docs/performance.md, "Central"); here they run on the other core while that thread parses and acknowledges.
 * The one insert statement is the store's (sqlite-store.ts), so both threads write the same rows.
 * Started with `mode: 'reader'` (sqlite-reader.ts) it is instead a read-only connection for the fleet's day counts,
 * which read a whole day of rows: off the thread that runs the broker (sqlite-day-queries.ts).
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { configure } from '../store/open-database.js';
import { Sealer } from '../store/sealer.js';
import { sealCheckin } from './seal-checkin.js';
import { dayQueriesOn } from './sqlite-day-queries.js';
import { insertCheckinsInto } from './sqlite-insert.js';
import type { DayRequest, FromReaderThread, FromWriterThread, InsertRequest, WriterThreadData } from './writer-protocol.js';

const port = parentPort;
if (port === null) throw new Error('writer-thread.js runs as a worker thread');
const data = workerData as WriterThreadData;

const failure = (err: unknown): { code: string | null; message: string } => {
  const code = (err as { code?: unknown }).code;
  return { code: typeof code === 'string' ? code : null, message: (err as Error).message };
};

if (data.mode === 'reader') {
  // The fleet's day counts, read on their own connection (WAL: beside the writer, never blocking it).
  const db = new Database(data.path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const day = dayQueriesOn(db);
  port.postMessage({ ready: true } satisfies FromReaderThread);
  port.on('message', (m: DayRequest) => {
    let reply: FromReaderThread;
    try {
      reply = { n: m.n, result: day[m.query](m.fromMs) };
    } catch (err) {
      reply = { n: m.n, error: failure(err) };
    }
    port.postMessage(reply);
  });
} else {
  const db = new Database(data.path, { fileMustExist: true });
  configure(db);
  db.pragma('cache_size = -65536');
  const insert = insertCheckinsInto(db);
  const sealer = data.key === null ? null : new Sealer(Buffer.from(data.key));
  port.postMessage({ ready: true } satisfies FromWriterThread);

  port.on('message', (m: InsertRequest) => {
    let reply: FromWriterThread;
    try {
      let rows;
      if ('rows' in m) rows = m.rows;
      else if (sealer === null) throw new Error('the writer thread was started without the key: it cannot seal');
      else rows = m.drafts.map((d) => sealCheckin(sealer, d));
      reply = { n: m.n, inserted: insert(rows) };
    } catch (err) {
      reply = { n: m.n, error: failure(err) };
    }
    port.postMessage(reply);
  });
}
