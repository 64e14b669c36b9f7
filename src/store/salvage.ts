/**
 * What a store moved aside as corrupt can still tell: its last seq. Consumers read seq as 1, 2, 3… per device with
 * no gaps (docs/mqtt.md); a fresh store that started again at 1 would reuse numbers the agency already holds.
 */
import Database from 'better-sqlite3';

/** The highest seq the damaged file still shows (its counter or its highest row), or null if neither can be read. */
export function lastSeqOf(path: string): number | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const conn = db;
    const read = (sql: string): number | null => {
      try {
        const v: unknown = conn.prepare(sql).pluck().get();
        return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : null;
      } catch {
        return null; // this page is damaged; the other query may still answer
      }
    };
    const seen = [read("SELECT value FROM counters WHERE name = 'seq'"), read('SELECT MAX(seq) FROM checkins')].filter((v) => v !== null);
    return seen.length > 0 ? Math.max(...seen) : null;
  } catch {
    return null; // not even a database any more
  } finally {
    db?.close();
  }
}
