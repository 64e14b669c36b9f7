/**
 * What a store moved aside as damaged still holds, taken into the fresh store that replaced it. A check-in confirmed
 * to a visitor must reach the broker, and consumers read seq as 1, 2, 3… per device with no gaps (docs/mqtt.md). So
 * the fresh store continues seq after the damaged file's last one, and takes over every unsent check-in and reject
 * the file still yields (same seq, id and sealed document: the consumer de-duplicates them as usual) and who is
 * inside (with the check-ins they came in by).
 *
 * The copy goes in chunks, each committed with its progress (meta 'salvage'), so a crash or a full disk part-way
 * resumes at the next start instead of leaving the rest behind; a range that cannot be read whole is read row by
 * row, so a damaged page costs only its own rows.
 */
import Database, { type Database as Db, type Statement } from 'better-sqlite3';

const CHUNK = 500;
const CHECKIN_COLUMNS = [
  'seq',
  'id',
  'scanner',
  'direction',
  'auto',
  'manual',
  'scanned_at',
  'scanned_ms',
  'clock_synced',
  'doc_type',
  'person_mac',
  'sealed',
  'warnings',
  'sent_ms',
];
const REJECT_COLUMNS = ['n', 'id', 'scanner', 'code', 'scanned_at', 'scanned_ms', 'clock_synced', 'sent_ms'];

export interface SalvageProgress {
  /** The damaged file. */
  readonly from: string;
  /** The highest seq it showed when it was moved aside (the fresh store's seq continues after it), or null. */
  readonly lastSeq: number | null;
  phase: 'inside' | 'checkins' | 'rejects' | 'done';
  /**
   * Where this phase is: the next seq (or reject n) to read and the last one; for 'inside', positions in the damaged
   * presence table, [next, end) (end 0: not read yet).
   */
  next: number;
  end: number;
  /** Unsent check-ins and rejects copied, people inside restored. */
  checkins: number;
  rejects: number;
  inside: number;
  /** Rows the file would not give (their seqs stay a gap), or whose sealed document did not open. */
  unreadable: number;
  /** Whole parts that could not be read: 'who was inside', 'the rejects'. */
  lost: string[];
  /** Why the copy stopped before the end (it goes on at the next start). */
  stopped?: string;
}

type Row = Record<string, unknown>;

/** The highest seq the damaged file still shows (its counter or its highest row), or null if neither can be read. */
export function lastSeqOf(path: string): number | null {
  const src = openDamaged(path);
  if (src === null) return null;
  try {
    const seen = [
      positive(attempt(() => src.prepare("SELECT value FROM counters WHERE name = 'seq'").pluck().get())),
      positive(attempt(() => src.prepare('SELECT MAX(seq) FROM checkins').pluck().get())),
    ].filter((v) => v !== null);
    return seen.length > 0 ? Math.max(...seen) : null;
  } finally {
    src.close();
  }
}

/**
 * Starts taking over `from`, just moved aside, into the fresh (migrated, empty) `db`: seq continues after the file's
 * last one, and the copy is recorded as pending, in one transaction. Returns that last seq.
 */
export function beginSalvage(db: Db, from: string): number | null {
  const lastSeq = lastSeqOf(from);
  const progress: SalvageProgress = {
    from,
    lastSeq,
    phase: 'inside',
    next: 0,
    end: 0,
    checkins: 0,
    rejects: 0,
    inside: 0,
    unreadable: 0,
    lost: [],
  };
  db.transaction(() => {
    if (lastSeq !== null) db.prepare("UPDATE counters SET value = ? WHERE name = 'seq'").run(lastSeq);
    saveProgress(db, progress);
  }).immediate();
  return lastSeq;
}

/**
 * Goes on with a pending salvage, at most `maxChunks` chunks (tests stop it part-way, as a crash would). Returns null
 * when none is pending, else its progress: phase 'done' when it finished, else `stopped` says why not.
 * `opens` says whether a sealed document opens with this store's key: a row that would not is not taken over.
 */
export function continueSalvage(
  db: Db,
  opens: (sealed: Buffer, id: string) => boolean,
  maxChunks = Number.POSITIVE_INFINITY,
): SalvageProgress | null {
  const p = loadProgress(db);
  if (p === null) return null;
  const src = openDamaged(p.from);
  if (src === null) {
    p.lost.push('anything: the file no longer opens');
    return finish(db, p);
  }
  try {
    const copy = new Copier(db, src, opens, p);
    for (let chunks = 0; p.phase !== 'done'; chunks += 1) {
      if (chunks >= maxChunks) {
        p.stopped = 'interrupted';
        return p;
      }
      db.transaction(() => {
        copy.step();
        if (p.phase === 'done') dropProgress(db);
        else saveProgress(db, p);
      }).immediate();
    }
    return p;
  } catch (err) {
    // Most likely the fresh store is full; what was committed stays, and the rest is read again next time.
    const q = loadProgress(db) as SalvageProgress;
    q.stopped = err instanceof Error ? err.message : String(err);
    return q;
  } finally {
    src.close();
  }
}

/** The damaged file a pending salvage still reads from, or null. */
export function pendingSalvageFrom(db: Db): string | null {
  return loadProgress(db)?.from ?? null;
}

/** One-line account for the store alarm. */
export function describeSalvage(p: SalvageProgress): string {
  const seq = p.lastSeq !== null ? `seq continues after ${p.lastSeq}` : 'its last seq could not be read: seq restarts at 1';
  const parts = [
    `moved to ${p.from}`,
    seq,
    `taken from it: ${p.checkins} unsent check-ins, ${p.rejects} unsent rejects, ${p.inside} people inside`,
  ];
  if (p.unreadable > 0) parts.push(`${p.unreadable} rows could not be read or opened (their seqs stay a gap)`);
  if (p.lost.length > 0) parts.push(`could not read ${p.lost.join(', ')}`);
  if (p.stopped !== undefined) parts.push(`stopped (${p.stopped}): the rest is taken at the next start`);
  return parts.join('; ');
}

class Copier {
  readonly #src: Db;
  readonly #p: SalvageProgress;
  readonly #opens: (sealed: Buffer, id: string) => boolean;
  readonly #insertCheckin: Statement;
  readonly #insertReject: Statement;
  readonly #insertPresence: Statement;
  #presence: Array<{ person_mac: Buffer; seq: number }> | undefined;

  constructor(db: Db, src: Db, opens: (sealed: Buffer, id: string) => boolean, p: SalvageProgress) {
    this.#src = src;
    this.#p = p;
    this.#opens = opens;
    this.#insertCheckin = db.prepare(
      `INSERT OR IGNORE INTO checkins (${CHECKIN_COLUMNS.join(', ')}) VALUES (${CHECKIN_COLUMNS.map((c) => `@${c}`).join(', ')})`,
    );
    this.#insertReject = db.prepare(
      `INSERT OR IGNORE INTO rejects (${REJECT_COLUMNS.join(', ')}) VALUES (${REJECT_COLUMNS.map((c) => `@${c}`).join(', ')})`,
    );
    this.#insertPresence = db.prepare('INSERT OR IGNORE INTO presence (person_mac, seq) VALUES (?, ?)');
  }

  /** One chunk of the current phase; when a phase is through, the next one's bounds. */
  step(): void {
    const p = this.#p;
    if (p.phase === 'inside') this.#inside();
    else if (p.phase === 'checkins') this.#chunk('checkins', 'seq', CHECKIN_COLUMNS, (row) => this.#takeCheckin(row));
    else if (p.phase === 'rejects') this.#chunk('rejects', 'n', REJECT_COLUMNS, (row) => this.#takeReject(row));
    if (p.phase === 'inside' && p.next > p.end) {
      p.phase = 'checkins';
      const first = positive(attempt(() => this.#src.prepare('SELECT MIN(seq) FROM checkins NOT INDEXED').pluck().get())) ?? 1;
      [p.next, p.end] = p.lastSeq === null ? [1, 0] : [first, p.lastSeq];
    }
    if (p.phase === 'checkins' && p.next > p.end) {
      p.phase = 'rejects';
      const bounds = attempt(
        () => this.#src.prepare('SELECT MIN(n) AS lo, MAX(n) AS hi FROM rejects NOT INDEXED').get() as { lo: unknown; hi: unknown },
      );
      if (bounds === undefined) p.lost.push('the rejects');
      const lo = positive(bounds?.lo);
      const hi = positive(bounds?.hi);
      [p.next, p.end] = lo !== null && hi !== null ? [lo, hi] : [1, 0];
    }
    if (p.phase === 'rejects' && p.next > p.end) p.phase = 'done';
  }

  /**
   * Who was inside (positions [next, end) of the damaged presence table in seq order), with the check-ins they came
   * in by, sent or not: the inside list and the day's checkout need them.
   */
  #inside(): void {
    const p = this.#p;
    this.#presence ??= attempt(
      () => this.#src.prepare('SELECT person_mac, seq FROM presence ORDER BY seq').all() as Array<{ person_mac: Buffer; seq: number }>,
    );
    if (this.#presence === undefined) {
      p.lost.push('who was inside');
      [p.next, p.end] = [1, 0];
      return;
    }
    if (p.end === 0) p.end = this.#presence.length;
    const one = attempt(() => this.#src.prepare(`SELECT ${CHECKIN_COLUMNS.join(', ')} FROM checkins NOT INDEXED WHERE seq = ?`));
    const hi = Math.min(p.end, p.next + CHUNK);
    for (const { person_mac: mac, seq } of this.#presence.slice(p.next, hi)) {
      const row = attempt(() => one?.get(seq) as Row | undefined);
      // A row that does not read or open is counted (as unreadable) by the check-in scan, if it was unsent.
      if (row === undefined || !this.#sealedOpens(row) || this.#insert(this.#insertCheckin, row) === 'refused') continue;
      if (this.#insert(this.#insertPresence, [mac, seq]) === 'copied') p.inside += 1;
    }
    p.next = hi;
    if (p.next >= p.end) p.next = p.end + 1;
  }

  #takeCheckin(row: Row): void {
    if (row.sent_ms !== null) return;
    const copied = this.#sealedOpens(row) ? this.#insert(this.#insertCheckin, row) : 'refused';
    if (copied === 'refused') this.#p.unreadable += 1;
    // 'present' when the inside list already brought it; counted here, where every unsent row passes once.
    else this.#p.checkins += 1;
  }

  #takeReject(row: Row): void {
    if (row.sent_ms !== null) return;
    if (this.#insert(this.#insertReject, row) === 'refused') this.#p.unreadable += 1;
    else this.#p.rejects += 1;
  }

  #sealedOpens(row: Row): boolean {
    return Buffer.isBuffer(row.sealed) && typeof row.id === 'string' && this.#opens(row.sealed, row.id);
  }

  /** Runs an insert; a row the fresh schema refuses (a damaged value) is 'refused', any other failure throws. */
  #insert(statement: Statement, args: Row | unknown[]): 'copied' | 'present' | 'refused' {
    try {
      return (Array.isArray(args) ? statement.run(...args) : statement.run(args)).changes > 0 ? 'copied' : 'present';
    } catch (err) {
      if (!String((err as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT')) throw err;
      return 'refused';
    }
  }

  /** Reads keys [next, next + CHUNK) of `table`; where the range does not read as a whole, key by key. */
  #chunk(table: string, key: string, columns: readonly string[], take: (row: Row) => void): void {
    const p = this.#p;
    const hi = Math.min(p.end, p.next + CHUNK - 1);
    const cols = columns.join(', ');
    const all = attempt(
      () =>
        this.#src.prepare(`SELECT ${cols} FROM ${table} NOT INDEXED WHERE ${key} BETWEEN ? AND ? ORDER BY ${key}`).all(p.next, hi) as Row[],
    );
    if (all !== undefined) {
      for (const row of all) take(row);
    } else {
      const one = attempt(() => this.#src.prepare(`SELECT ${cols} FROM ${table} NOT INDEXED WHERE ${key} = ?`));
      for (let k = p.next; k <= hi; k += 1) {
        let row: Row | undefined;
        try {
          if (one === undefined) throw new Error('the table does not read');
          row = one.get(k) as Row | undefined;
        } catch {
          // Without the row we cannot tell a lost one from a purged or sent one: count it, as the gap it may be.
          p.unreadable += 1;
          continue;
        }
        if (row !== undefined) take(row);
      }
    }
    p.next = hi + 1;
  }
}

function finish(db: Db, p: SalvageProgress): SalvageProgress {
  p.phase = 'done';
  dropProgress(db);
  return p;
}

function loadProgress(db: Db): SalvageProgress | null {
  const saved = db.prepare("SELECT value FROM meta WHERE key = 'salvage'").pluck().get();
  return typeof saved === 'string' ? (JSON.parse(saved) as SalvageProgress) : null;
}

function dropProgress(db: Db): void {
  db.prepare("DELETE FROM meta WHERE key = 'salvage'").run();
}

function saveProgress(db: Db, p: SalvageProgress): void {
  db.prepare("INSERT INTO meta (key, value) VALUES ('salvage', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
    JSON.stringify(p),
  );
}

function openDamaged(path: string): Db | null {
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    return null; // not even a database any more
  }
}

/** The value, or undefined when reading it failed (a damaged page): the other reads may still answer. */
function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function positive(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : null;
}
