// The delivery invariants every chaos scenario checks, from three sources: what the daemon announced (its
// "check-in committed" log lines), what the store holds, and what the central consumer received.
import Database from 'better-sqlite3';

/** Announced commits { id, seq } from any number of daemon runs. */
export function announced(daemons) {
  return daemons.flatMap((d) => d.messages('check-in committed').map((l) => ({ id: l.id, seq: l.seq })));
}

/** @typedef {{ seq: number, id: string, sent_ms: number | null }} StoreRow */

/**
 * Opens the store read-only after the daemon stopped: integrity, rows, pending.
 * @param {string} path
 * @returns {{ integrity: string, rows: StoreRow[], pending: number, lastSeq: number }}
 */
export function inspectStore(path) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return {
      integrity: /** @type {string} */ (db.pragma('integrity_check', { simple: true })),
      rows: /** @type {StoreRow[]} */ (db.prepare('SELECT seq, id, sent_ms FROM checkins ORDER BY seq').all()),
      pending: /** @type {number} */ (db.prepare('SELECT COUNT(*) FROM checkins WHERE sent_ms IS NULL').pluck().get()),
      lastSeq: /** @type {number} */ (db.prepare("SELECT value FROM counters WHERE name = 'seq'").pluck().get()),
    };
  } finally {
    db.close();
  }
}

/**
 * Checks: every announced commit is in the store with its seq and at the consumer; the store's seqs are 1..last
 * without a gap and all were received; a seq received twice always carries the same id. Returns problems and figures.
 */
/**
 * @param {{ announcedCommits: any[], store: ReturnType<typeof inspectStore>, received: any[],
 *   allowMissingAtConsumer?: (row: StoreRow) => boolean }} options
 */
export function verifyDelivery({ announcedCommits, store, received, allowMissingAtConsumer = () => false }) {
  const problems = [];
  if (store.integrity !== 'ok') problems.push(`integrity_check: ${store.integrity}`);
  const bySeq = new Map(store.rows.map((r) => [r.seq, r]));
  for (const a of announcedCommits) {
    const r = bySeq.get(a.seq);
    if (r === undefined || r.id !== a.id) problems.push(`announced seq ${a.seq} (${a.id}) not in the store as announced`);
  }
  for (let s = 1; s <= store.lastSeq; s += 1) if (!bySeq.has(s)) problems.push(`store seq gap at ${s}`);
  const got = new Map();
  let duplicates = 0;
  let maxCopies = 0;
  for (const m of received) {
    const prev = got.get(m.seq);
    if (prev === undefined) got.set(m.seq, { id: m.id, copies: 1 });
    else {
      duplicates += 1;
      prev.copies += 1;
      maxCopies = Math.max(maxCopies, prev.copies);
      if (prev.id !== m.id) problems.push(`seq ${m.seq} received with two ids: ${prev.id} and ${m.id}`);
    }
  }
  let missing = 0;
  let excused = 0;
  for (const r of store.rows) {
    if (got.has(r.seq)) continue;
    if (allowMissingAtConsumer(r)) excused += 1;
    else {
      missing += 1;
      if (missing <= 5) problems.push(`seq ${r.seq} never reached the consumer`);
    }
  }
  if (missing > 5) problems.push(`… ${missing} seqs never reached the consumer in all`);
  if (store.pending !== 0) problems.push(`${store.pending} rows still pending`);
  const figures = `${store.rows.length} rows, ${announcedCommits.length} announced, last seq ${store.lastSeq}, received ${received.length} (${duplicates} duplicates, max copies ${Math.max(1, maxCopies)}${excused ? `, ${excused} lost by the broker after PUBACK` : ''}), integrity ${store.integrity}`;
  return { problems, figures, duplicates, maxCopies: Math.max(1, maxCopies) };
}

export function outcome(problems, figures) {
  return {
    pass: problems.length === 0,
    figures: problems.length === 0 ? figures : `${figures}; PROBLEMS: ${problems.slice(0, 6).join('; ')}`,
  };
}
