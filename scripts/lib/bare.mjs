// The raw limits each figure is compared with, measured in the same run on the same disk and broker.
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { randomBytes } from 'node:crypto';
import { constants, openSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import tty from 'node:tty';

/** A bare better-sqlite3 single-row insert loop with qrgate's pragmas (WAL, synchronous=FULL): one commit per row. */
export function bareInsert(path, n) {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE IF NOT EXISTS t (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, body BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO t (id, body) VALUES (?, ?)');
    const body = randomBytes(400); // about a sealed CCCD document
    const latencies = new Float64Array(n);
    const start = performance.now();
    for (let i = 0; i < n; i += 1) {
      const t = performance.now();
      insert.run(`id-${start}-${i}`, body);
      latencies[i] = performance.now() - t;
    }
    const seconds = (performance.now() - start) / 1000;
    return { perSec: n / seconds, latencies: [...latencies] };
  } finally {
    db.close();
  }
}

/**
 * The raw limit of the paced ingest path: the same kind of pty (socat), a plain tty read stream (no driver, no
 * decoding, no sealing) and one bare single-row insert per frame, frames ~1 ms apart as the paced ones. Latency:
 * the frame's last byte written → its row committed.
 */
export async function barePtyInsert(path, pty, frames) {
  const db = new Database(path);
  const fd = openSync(pty.scannerPath, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  const stream = new tty.ReadStream(fd);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE IF NOT EXISTS t (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    let pending = Buffer.alloc(0);
    /** @type {(at: number) => void} */
    let committed = () => undefined;
    stream.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (let cr = pending.indexOf(13); cr >= 0; cr = pending.indexOf(13)) {
        insert.run(pending.subarray(0, cr));
        pending = pending.subarray(cr + 1);
        committed(performance.now());
      }
    });
    const latencies = [];
    for (const f of frames) {
      const done = /** @type {Promise<number>} */ (new Promise((resolve) => (committed = resolve)));
      const last = await pty.write(f);
      latencies.push((await done) - last);
      await delay(1);
    }
    return latencies;
  } finally {
    stream.destroy();
    db.close();
  }
}

/**
 * A bare mqtt.js QoS 1 publisher: the same payloads, the same in-flight window, NODELAY, nothing else. Returns
 * messages per second from the first publish to the last PUBACK.
 */
export async function barePublish(url, topic, payloads, window) {
  const client = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clean: true,
    reconnectPeriod: 0,
    clientId: `bare-${process.pid}-${Date.now()}`,
  });
  /** @type {import('node:net').Socket} */ (client.stream).setNoDelay?.(true);
  try {
    return await new Promise((resolve, reject) => {
      let next = 0;
      let acked = 0;
      const start = performance.now();
      const send = () => {
        const i = next;
        next += 1;
        client.publish(topic, payloads[i], { qos: 1 }, (err) => {
          if (err) return reject(err);
          acked += 1;
          if (acked === payloads.length) resolve({ perSec: payloads.length / ((performance.now() - start) / 1000) });
          else if (next < payloads.length) send();
        });
      };
      for (let k = 0; k < Math.min(window, payloads.length); k += 1) send();
    });
  } finally {
    await client.endAsync(true);
  }
}
