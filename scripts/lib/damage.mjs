// A failing SD card, for a test or a chaos scenario (typed by its JSDoc, checked by tsconfig.scripts.json): one page of a store overwritten as a
// dying card leaves it, and which rows SQLite can no longer give afterwards.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Overwrites with 0x5a one leaf page of table or index `name` in the database at `path` (closed, its WAL
 * checkpointed): `pick` chooses among the leaves, in key order. Returns the page number.
 * @param {string} path
 * @param {string} name
 * @param {(leaves: number[]) => number | undefined} pick
 * @returns {number}
 */
export function damageLeafPage(path, name, pick) {
  const db = new Database(path, { readonly: true });
  const leaves = /** @type {number[]} */ (
    db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY path").pluck().all(name)
  );
  const pageSize = /** @type {number} */ (db.pragma('page_size', { simple: true }));
  db.close();
  const page = pick(leaves);
  if (page === undefined || !leaves.includes(page)) throw new Error(`${name} has no leaf page ${page}`);
  const bytes = readFileSync(path);
  bytes.fill(0x5a, (page - 1) * pageSize, page * pageSize);
  writeFileSync(path, bytes);
  return page;
}

/**
 * The seqs among `seqs` whose check-in row SQLite can no longer read, asked one by one.
 * @param {string} path
 * @param {readonly number[]} seqs
 * @returns {number[]}
 */
export function unreadableSeqs(path, seqs) {
  const db = new Database(path, { readonly: true });
  try {
    const one = db.prepare('SELECT seq FROM checkins NOT INDEXED WHERE seq = ?');
    return seqs.filter((s) => {
      try {
        one.get(s);
        return false;
      } catch {
        return true;
      }
    });
  } finally {
    db.close();
  }
}
