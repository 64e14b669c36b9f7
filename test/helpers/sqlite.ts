import Database from 'better-sqlite3';

/**
 * SQLite's own integrity check of a database file, on a separate read-only connection (WAL lets it read beside the
 * store's): "ok", or what it found. A check of the file, so it belongs to the tests, not to the store's API.
 */
export function integrityOf(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}
