// The floor for the drain's peak RSS: a bare outbox drain in its own process, started with the service's node options.
// better-sqlite3 reads the sealed rows 100 at a time (2 MB page cache, as qrgate), mqtt.js publishes them at QoS 1
// with a window of 100 (NODELAY), and each window's PUBACKs are marked in one UPDATE. No decoding, no decryption, no
// HTTP, no logging. Prints one JSON line { msg: 'drained', perSec, peakRssMB }. Usage: node skeleton-drain.mjs DB URL
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { performance } from 'node:perf_hooks';
import { peakRssMB as peakOf } from './procfs.mjs';

const WINDOW = 100;
const [path, url] = process.argv.slice(2);
const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -2000');
const total = /** @type {number} */ (db.prepare('SELECT COUNT(*) FROM checkins WHERE sent_ms IS NULL').pluck().get());
const next = db.prepare('SELECT seq, sealed FROM checkins WHERE sent_ms IS NULL AND seq > ? ORDER BY seq LIMIT ?');
const mark = db.prepare('UPDATE checkins SET sent_ms = ? WHERE seq BETWEEN ? AND ?');
const client = await mqtt.connectAsync(url, { protocolVersion: 5, clean: true, reconnectPeriod: 0 });
/** @type {import('node:net').Socket} */ (client.stream).setNoDelay?.(true);
const start = performance.now();
await /** @type {Promise<void>} */ (
  new Promise((resolve, reject) => {
    let last = 0;
    let acked = 0;
    const sendWindow = () => {
      const rows = /** @type {Array<{ seq: number, sealed: Buffer }>} */ (next.all(last, WINDOW));
      if (rows.length === 0) return;
      let left = rows.length;
      const first = rows[0].seq;
      last = rows[rows.length - 1].seq;
      for (const r of rows) {
        client.publish('bench/skeleton', r.sealed, { qos: 1 }, (err) => {
          if (err) return reject(err);
          acked += 1;
          left -= 1;
          if (left > 0) return;
          mark.run(Date.now(), first, last);
          if (acked >= total) resolve();
          else sendWindow();
        });
      }
    };
    if (total === 0) resolve();
    else sendWindow();
  })
);
const perSec = total / ((performance.now() - start) / 1000);
const peakRssMB = peakOf(process.pid);
console.log(JSON.stringify({ msg: 'drained', perSec, peakRssMB }));
await client.endAsync(true);
db.close();
