/**
 * Central's SQLite writer thread (a worker_threads entry, started by sqlite-writer.ts): seals each batch of
 * check-in drafts (AES-GCM and the keyed hashes, seal-checkin.ts) and inserts it in one transaction on its own
 * connection, answering after the commit. Sealing, hashing, the insert and its fsync were most of the MQTT thread's
 * time (docs/performance.md, "Central"); here they run on the other core while that thread parses and acknowledges.
 * The one insert statement is the store's (sqlite-store.ts), so both threads write the same rows.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { configure } from '../store/open-database.js';
import { Sealer } from '../store/sealer.js';
import { sealCheckin } from './seal-checkin.js';
import { insertCheckinsInto } from './sqlite-insert.js';
import type { FromWriterThread, InsertRequest, WriterThreadData } from './writer-protocol.js';

const port = parentPort;
if (port === null) throw new Error('writer-thread.js runs as a worker thread');
const data = workerData as WriterThreadData;
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
    const code = (err as { code?: unknown }).code;
    reply = { n: m.n, error: { code: typeof code === 'string' ? code : null, message: (err as Error).message } };
  }
  port.postMessage(reply);
});
