// Builds a store holding N pending check-ins through the real CheckinStore (sealed documents, gap-free seq).
// Building uses synchronous=OFF on this one-off connection to get there in seconds, then checkpoints; the daemon
// that later opens the file sets its own pragmas (WAL, FULL). A template is built once and copied per run.
import { Buffer } from 'node:buffer';
import { copyFileSync, existsSync } from 'node:fs';
import { DEVICE } from './daemon.mjs';
import { dist } from './util.mjs';

const BATCH = 5000;
/** The decoder's zone option for the fixture's kiosk (Asia/Ho_Chi_Minh, UTC+7 all year). */
const VIETNAM = { utcOffsetMinutes: 420 };

export async function buildBacklog(path, keyFile, n, { startIndex = 0 } = {}) {
  const { CheckinStore } = await dist('src/store/checkin-store.js');
  const { decodeScan } = await dist('src/decode/index.js');
  const { cccd } = await import('./payloads.mjs');
  const store = CheckinStore.open({ path, keyFile, maxPending: 10_000_000, forwarding: true });
  // The store's context (`ctx`) and its connection are private to its TypeScript; reached here only to speed up
  // building a fixture.
  const db = store.ctx.db;
  db.pragma('synchronous = OFF');
  const scannedAt = new Date();
  try {
    for (let done = 0; done < n; done += BATCH) {
      db.transaction(() => {
        for (let i = done; i < Math.min(n, done + BATCH); i += 1) {
          const r = decodeScan(Buffer.from(cccd(startIndex + i), 'utf8'), scannedAt, VIETNAM);
          if (!r.ok) throw new Error(`fixture payload did not decode: ${r.code}`);
          store.recordCheckin({
            scanner: 'bench',
            direction: 'in',
            auto: false,
            manual: false,
            scannedAt,
            clockSynced: true,
            document: r.document,
            warnings: r.warnings,
          });
        }
      })();
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    store.close();
  }
}

/** The MQTT bodies the daemon would send for the first `n` pending rows of a store (for the bare publisher). */
export async function messagesOf(path, keyFile, n) {
  const { CheckinStore } = await dist('src/store/checkin-store.js');
  const { checkinBody } = await dist('src/forwarder/messages.js');
  const store = CheckinStore.open({ path, keyFile, maxPending: 10_000_000, forwarding: true });
  try {
    const out = [];
    for (let after = 0; out.length < n;) {
      const rows = store.outboxAfter(after, Math.min(5000, n - out.length));
      if (rows.length === 0) break;
      for (const r of rows) out.push(checkinBody(r, { site: DEVICE.site, device: DEVICE.id }, 'full'));
      after = rows[rows.length - 1].seq;
    }
    return out;
  } finally {
    store.close();
  }
}

/** Copies a built store (database and key) to a run's folder. */
export function copyStore(from, to) {
  copyFileSync(from.path, to.path);
  copyFileSync(from.keyFile, to.keyFile);
  for (const suffix of ['-wal', '-shm']) if (existsSync(from.path + suffix)) copyFileSync(from.path + suffix, to.path + suffix);
}

/** Pending rows, read by a separate read-only connection (WAL lets it read while the daemon writes). */
export async function pendingCounter(path) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const count = db.prepare('SELECT COUNT(*) FROM checkins WHERE sent_ms IS NULL').pluck();
  const any = db.prepare('SELECT EXISTS (SELECT 1 FROM checkins WHERE sent_ms IS NULL)').pluck();
  return { count: () => count.get(), any: () => any.get() === 1, close: () => db.close() };
}
