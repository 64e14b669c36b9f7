// Builds a store holding N pending check-ins through the real CheckinStore (sealed documents, gap-free seq), in
// batches of the store's own burst write (recordCheckins: one transaction, one fsync per batch), so a million rows
// take seconds without reaching past the store's API. A template is built once and copied per run.
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
  const scannedAt = new Date();
  try {
    for (let done = 0; done < n; done += BATCH) {
      const drafts = [];
      for (let i = done; i < Math.min(n, done + BATCH); i += 1) {
        const r = decodeScan(Buffer.from(cccd(startIndex + i), 'utf8'), scannedAt, VIETNAM);
        if (!r.ok) throw new Error(`fixture payload did not decode: ${r.code}`);
        drafts.push({
          scanner: 'bench',
          direction: /** @type {const} */ ('in'),
          auto: false,
          manual: false,
          scannedAt,
          clockSynced: true,
          document: r.document,
          warnings: r.warnings,
        });
      }
      for (const result of store.recorder.recordCheckins(drafts)) if (!result.ok) throw result.error;
    }
  } finally {
    // The last connection's close checkpoints the WAL into the database file.
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
      for (const r of rows) if (!('unreadable' in r)) out.push(checkinBody(r, { site: DEVICE.site, device: DEVICE.id }, 'full'));
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

/**
 * Pending rows, read by a separate read-only connection (WAL lets it read while the daemon writes).
 * @param {string} path
 * @returns {Promise<{ count: () => number, any: () => boolean, close: () => void }>}
 */
export async function pendingCounter(path) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const count = db.prepare('SELECT COUNT(*) FROM checkins WHERE sent_ms IS NULL').pluck();
  const any = db.prepare('SELECT EXISTS (SELECT 1 FROM checkins WHERE sent_ms IS NULL)').pluck();
  return { count: () => /** @type {number} */ (count.get()), any: () => any.get() === 1, close: () => db.close() };
}
