/**
 * Opens the SQLite file durably: WAL with synchronous=FULL, so a check-in acknowledged to the visitor survives a
 * power cut, and a quick integrity check on every start. A database that cannot be opened or fails the check is moved
 * aside (kept until the retention has passed: the fresh store takes over what it still gives, and someone may need
 * the rest) and a fresh one is started.
 */
import Database, { type Database as Db } from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** SQLite's page cache per connection, in KiB. */
export const PAGE_CACHE_KIB = 2000;

export interface OpenedDatabase {
  readonly db: Db;
  /** Where a corrupt database was moved, when it was. */
  readonly movedAside: string | null;
}

/** The pragmas every connection to a store file gets (durability, lock waits, page cache). */
export function configure(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // better-sqlite3 builds SQLite with a 16 MB page cache; a drain that reads through a large backlog filled it and
  // the daemon's resident memory grew by that much (80 MB budget). 2 MB, SQLite's own default, holds the hot pages
  // (the tail of the table and its indexes) and the kernel's page cache serves the rest.
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
}

function integrityOk(db: Db): boolean {
  // quick_check reads every page and checks the b-trees, but not that each index matches its table: 3.6× faster
  // (100k rows: 180 ms instead of 650 ms), which matters on every restart with a large backlog. The full check is
  // `qrgate doctor`'s.
  return db.pragma('quick_check', { simple: true }) === 'ok';
}

function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}

const SIDE_FILES = ['', '-wal', '-shm'];

function moveAside(path: string, now: Date): string {
  const target = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of SIDE_FILES) {
    if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  }
  return target;
}

/** The copies of the database at `path` moved aside as corrupt, with when (from their names). */
export function movedAsideCopies(path: string): Array<{ readonly path: string; readonly at: Date }> {
  const prefix = `${basename(path)}.corrupt-`;
  const copies: Array<{ path: string; at: Date }> = [];
  for (const name of readdirSync(dirname(path))) {
    const m = name.startsWith(prefix) ? /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/.exec(name.slice(prefix.length)) : null;
    if (m !== null) copies.push({ path: join(dirname(path), name), at: new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) });
  }
  return copies;
}

/** Deletes a moved-aside copy with its WAL and shared-memory files. */
export function removeCopy(copy: string): void {
  for (const suffix of SIDE_FILES) rmSync(copy + suffix, { force: true });
}

/**
 * The database holds sealed personal data and the look-up HMACs: owner-only whatever the umask (outside systemd's
 * UMask=0077 a shell's 022 made it 0644). SQLite gives its -wal and -shm files the database file's mode.
 */
function ownerOnly(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  for (const suffix of SIDE_FILES) {
    try {
      if ((statSync(path + suffix).mode & 0o077) !== 0) chmodSync(path + suffix, 0o600);
    } catch {
      // no such side file, or not ours to change: SQLite reports what matters when it opens
    }
  }
}

export function openDatabase(path: string, now: Date): OpenedDatabase {
  mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
  ownerOnly(path);
  let db: Db | undefined;
  try {
    db = new Database(path);
    configure(db);
    if (integrityOk(db)) return { db, movedAside: null };
  } catch (err) {
    if (!isCorruption(err)) {
      db?.close();
      throw err;
    }
  }
  db?.close();
  const movedAside = moveAside(path, now);
  ownerOnly(path);
  const fresh = new Database(path);
  configure(fresh);
  return { db: fresh, movedAside };
}
