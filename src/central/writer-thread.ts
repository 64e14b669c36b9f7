/**
 * Central's SQLite writer thread (a worker_threads entry, started by sqlite-writer.ts): inserts each batch of
 * check-ins in one transaction on its own connection and answers after the commit. The insert and its fsync were a
 * quarter of the ingest thread's time; here they run on the other core while that thread parses, seals and talks
 * MQTT. The one insert statement is the store's (sqlite-store.ts), so both threads write the same rows.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { configure } from '../store/open-database.js';
import { insertCheckinsInto } from './sqlite-insert.js';
import type { FromWriterThread, InsertRequest, WriterThreadData } from './writer-protocol.js';

const port = parentPort;
if (port === null) throw new Error('writer-thread.js runs as a worker thread');
const data = workerData as WriterThreadData;
const db = new Database(data.path, { fileMustExist: true });
configure(db);
db.pragma('cache_size = -65536');
const insert = insertCheckinsInto(db);
port.postMessage({ ready: true } satisfies FromWriterThread);

port.on('message', (m: InsertRequest) => {
  let reply: FromWriterThread;
  try {
    reply = { n: m.n, inserted: insert(m.rows) };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    reply = { n: m.n, error: { code: typeof code === 'string' ? code : null, message: (err as Error).message } };
  }
  port.postMessage(reply);
});
