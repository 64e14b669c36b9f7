/**
 * The single-machine CentralStore: better-sqlite3, WAL, synchronous=FULL (src/store/open-database.ts), so a row a
 * kiosk was told is stored survives a power cut or kill -9. Documents arrive sealed (sealing is the ingest's job).
 */
/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 answers synchronously; the methods are async so
   that the interface is the PostgreSQL store's, and so that a failure is a rejected promise, never a throw. */
import type { Database, Statement } from 'better-sqlite3';
import { StoreError } from '../store/errors.js';
import { assertSameKey, recordFingerprint, storedFingerprint } from '../store/key-fingerprint.js';
import { openDatabase } from '../store/open-database.js';
import type { Sealer } from '../store/sealer.js';
import { sealCheckin } from './seal-checkin.js';
import { dayQueriesOn, type DayQueries } from './sqlite-day-queries.js';
import { insertCheckinsInto } from './sqlite-insert.js';
import { SqliteReader } from './sqlite-reader.js';
import { CENTRAL_SCHEMA, CENTRAL_SCHEMA_VERSION } from './sqlite-schema.js';
import { SqliteWriter } from './sqlite-writer.js';
import {
  kioskKey,
  type CentralStore,
  type CheckinQuery,
  type CheckinDraft,
  type CheckinRow,
  type DayCounts,
  type KioskId,
  type KioskState,
  type LostRange,
  type RejectRow,
  type Role,
  type SeqRange,
  type StoredCheckin,
} from './store-types.js';

const CHECKIN_COLUMNS =
  'id, seq, site, device, direction, scanned_at AS scannedAt, scanned_ms AS scannedMs, received_ms AS receivedMs, sealed, person_mac AS personMac';

interface StateRow {
  site: string;
  device: string;
  state: 'online' | 'offline';
  since_ms: number;
  last_seen_ms: number | null;
  last_checkin_ms: number | null;
  version: string | null;
  health: string | null;
  last_clock_synced: number | null;
}

const toState = (r: StateRow): KioskState => ({
  site: r.site,
  device: r.device,
  state: r.state,
  sinceMs: r.since_ms,
  lastSeenMs: r.last_seen_ms,
  lastCheckinMs: r.last_checkin_ms,
  version: r.version,
  health: r.health,
  lastClockSynced: r.last_clock_synced === null ? null : r.last_clock_synced === 1,
});

export class SqliteCentralStore implements CentralStore {
  private readonly q: Record<string, Statement>;
  private readonly insertHere: (rows: readonly CheckinRow[]) => boolean[];
  private writer: SqliteWriter | null = null;
  private reader: SqliteReader | null = null;
  private readonly day: DayQueries;
  private readonly resendClaims = new Map<string, number>();

  private constructor(
    private readonly db: Database,
    private readonly path: string,
  ) {
    const p = (sql: string): Statement => db.prepare(sql);
    this.q = {
      insertReject: p(
        'INSERT INTO rejects (id, site, device, code, scanned_ms, received_ms) VALUES (@id, @site, @device, @code, @scannedMs, @receivedMs) ON CONFLICT (id) DO NOTHING',
      ),
      state: p('SELECT * FROM kiosk_state WHERE site = ? AND device = ?'),
      states: p('SELECT * FROM kiosk_state'),
      saveState:
        p(`INSERT INTO kiosk_state (site, device, state, since_ms, last_seen_ms, last_checkin_ms, version, health, last_clock_synced) VALUES (@site, @device, @state, @sinceMs, @lastSeenMs, @lastCheckinMs, @version, @health, @lastClockSynced)
        ON CONFLICT (site, device) DO UPDATE SET state = excluded.state, since_ms = excluded.since_ms, last_seen_ms = excluded.last_seen_ms, last_checkin_ms = excluded.last_checkin_ms, version = excluded.version, health = excluded.health, last_clock_synced = excluded.last_clock_synced`),
      known: p('SELECT site, device FROM kiosks UNION SELECT site, device FROM kiosk_state ORDER BY 1, 2'),
      floor: p('SELECT floor_seq FROM kiosk_state WHERE site = ? AND device = ?'),
      maxSeq: p('SELECT coalesce(max(seq), 0) FROM checkins WHERE site = ? AND device = ?'),
      gaps: p(
        `SELECT prev + 1 AS "from", seq - 1 AS "to" FROM (SELECT seq, lag(seq, 1, @floor) OVER (ORDER BY seq) AS prev FROM checkins WHERE site = @site AND device = @device AND seq > @floor) WHERE seq > prev + 1`,
      ),
      lost: p('SELECT from_seq AS "from", to_seq AS "to", reason FROM lost WHERE site = ? AND device = ? ORDER BY from_seq'),
      addLost: p('INSERT INTO lost (site, device, from_seq, to_seq, reason, at_ms) VALUES (?, ?, ?, ?, ?, ?)'),
      byId: p(`SELECT ${CHECKIN_COLUMNS} FROM checkins WHERE id = ?`),
      atSite: p(`SELECT ${CHECKIN_COLUMNS} FROM checkins WHERE site = ? AND scanned_ms BETWEEN ? AND ? ORDER BY scanned_ms LIMIT ?`),
      setKiosk: p(
        'INSERT INTO kiosks (site, device, password_hash, created_ms) VALUES (?, ?, ?, ?) ON CONFLICT (site, device) DO UPDATE SET password_hash = excluded.password_hash, created_ms = excluded.created_ms',
      ),
      kiosk: p('SELECT password_hash FROM kiosks WHERE site = ? AND device = ?'),
      setUser: p(
        'INSERT INTO users (name, role, password_hash, created_ms) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash',
      ),
      user: p('SELECT role, password_hash AS hash FROM users WHERE name = ?'),
      audit: p('INSERT INTO audit (at_ms, user, action, query) VALUES (?, ?, ?, ?)'),
      purgeAudit: p('DELETE FROM audit WHERE at_ms < ?'),
      auditLog: p('SELECT at_ms AS atMs, user, action, query FROM audit ORDER BY n DESC LIMIT ?'),
      purgeCheckins: p(
        'DELETE FROM checkins WHERE rowid IN (SELECT rowid FROM checkins WHERE scanned_ms < ? LIMIT ?) RETURNING site, device, seq',
      ),
      purgeRejects: p('DELETE FROM rejects WHERE rowid IN (SELECT rowid FROM rejects WHERE scanned_ms < ? LIMIT ?)'),
      // Seqs at or below a kiosk's floor were deleted by the retention: not a gap.
      raiseFloor: p('UPDATE kiosk_state SET floor_seq = max(floor_seq, ?) WHERE site = ? AND device = ?'),
    };
    this.insertHere = insertCheckinsInto(db);
    this.day = dayQueriesOn(db);
  }

  /**
   * Inserts check-ins on a thread of their own from now on (writer-thread.ts at `entry`), so that the commits and
   * their fsync do not hold the ingest's thread. Without it, or once it failed, they are inserted here.
   */
  async startWriter(entry: URL, key: Buffer | null = null): Promise<void> {
    this.writer = await SqliteWriter.start(entry, this.path, key);
  }

  /** Reads the fleet's day counts on a thread of their own from now on (the writer's entry, in reader mode). */
  async startReader(entry: URL): Promise<void> {
    this.reader = await SqliteReader.start(entry, this.path);
  }

  get threaded(): boolean {
    return this.writer?.alive === true;
  }

  /** Opens (creating) the database; refuses one sealed under another key (E_STORE_KEY). */
  static open(path: string, sealer: Sealer, keyFile: string, now: Date): SqliteCentralStore {
    const { db } = openDatabase(path, now);
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > CENTRAL_SCHEMA_VERSION)
        throw new StoreError('E_STORE_VERSION', `${path} has schema ${version}; this qrgate knows ${CENTRAL_SCHEMA_VERSION}`);
      db.exec(CENTRAL_SCHEMA);
      db.pragma(`user_version = ${CENTRAL_SCHEMA_VERSION}`);
      const stored = storedFingerprint(db);
      if (stored === undefined) recordFingerprint(db, sealer);
      else assertSameKey(stored, sealer, keyFile);
      return new SqliteCentralStore(db, path);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /**
   * Check-ins not yet sealed: the writer thread seals and inserts them when it has the key (startWriter); otherwise
   * they are sealed and inserted here.
   */
  async insertDrafts(drafts: readonly CheckinDraft[], sealer: Sealer): Promise<boolean[]> {
    if (this.writer?.alive === true && this.writer.seals) return this.writer.insertDrafts(drafts);
    return this.insertCheckins(drafts.map((d) => sealCheckin(sealer, d)));
  }

  async insertCheckins(rows: readonly CheckinRow[]): Promise<boolean[]> {
    // A failed thread failed the batches it held (not acknowledged: sent again); the next ones are inserted here.
    if (this.writer?.alive === true) return this.writer.insert(rows);
    return this.insertHere(rows);
  }

  async insertRejects(rows: readonly RejectRow[]): Promise<number> {
    let n = 0;
    this.db
      .transaction(() => {
        for (const r of rows) n += this.run('insertReject', r).changes;
      })
      .immediate();
    return n;
  }

  async kioskState(id: KioskId): Promise<KioskState | null> {
    const r = this.st('state').get(id.site, id.device) as StateRow | undefined;
    return r === undefined ? null : toState(r);
  }

  async saveKioskStates(states: readonly KioskState[]): Promise<void> {
    if (states.length === 0) return;
    this.db
      .transaction(() => {
        for (const s of states)
          this.run('saveState', { ...s, lastClockSynced: s.lastClockSynced === null ? null : s.lastClockSynced ? 1 : 0 });
      })
      .immediate();
  }

  async allKioskStates(): Promise<KioskState[]> {
    return (this.st('states').all() as StateRow[]).map(toState);
  }

  async knownKiosks(): Promise<KioskId[]> {
    return this.st('known').all() as KioskId[];
  }

  async seqGaps(id: KioskId, aboveSeq = 0): Promise<{ gaps: SeqRange[]; maxSeq: number }> {
    const floor = (this.st('floor').pluck().get(id.site, id.device) as number | undefined) ?? 0;
    const gaps = this.st('gaps').all({ site: id.site, device: id.device, floor: Math.max(floor, aboveSeq) }) as SeqRange[];
    return { gaps, maxSeq: Math.max(floor, this.st('maxSeq').pluck().get(id.site, id.device) as number) };
  }

  async lostRanges(id: KioskId): Promise<LostRange[]> {
    return this.st('lost').all(id.site, id.device) as LostRange[];
  }

  async addLost(id: KioskId, ranges: readonly LostRange[], atMs: number): Promise<void> {
    this.db.transaction(() => {
      for (const r of ranges) this.st('addLost').run(id.site, id.device, r.from, r.to, r.reason, atMs);
    })();
  }

  // One process has this store: its own memory holds the claims.
  async claimResend(id: KioskId, atMs: number, everyMs: number): Promise<boolean> {
    const key = kioskKey(id);
    const last = this.resendClaims.get(key);
    if (last !== undefined && atMs - last < everyMs) return false;
    this.resendClaims.set(key, atMs);
    return true;
  }

  // A whole day of rows each: on the reader thread when it runs (startReader), here otherwise.
  async kioskCountsSince(fromMs: number): Promise<Map<string, DayCounts>> {
    if (this.reader?.alive === true) return this.reader.kioskCountsSince(fromMs);
    return this.day.kioskCountsSince(fromMs);
  }

  async personsSince(fromMs: number): Promise<Map<string, number>> {
    if (this.reader?.alive === true) return this.reader.personsSince(fromMs);
    return this.day.personsSince(fromMs);
  }

  async findCheckins(q: CheckinQuery): Promise<StoredCheckin[]> {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: q.limit };
    const add = (clause: string, key: string, value: unknown): void => {
      if (value === undefined) return;
      where.push(clause);
      args[key] = value;
    };
    add('site = @site', 'site', q.site);
    add('device = @device', 'device', q.device);
    add('scanned_ms >= @fromMs', 'fromMs', q.fromMs);
    add('scanned_ms <= @toMs', 'toMs', q.toMs);
    add('number_mac = @numberMac', 'numberMac', q.numberMac);
    const sql = `SELECT ${CHECKIN_COLUMNS} FROM checkins ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY scanned_ms, site, device, seq LIMIT @limit`;
    return this.db.prepare(sql).all(args) as StoredCheckin[];
  }

  async checkinById(id: string): Promise<StoredCheckin | null> {
    return (this.st('byId').get(id) as StoredCheckin | undefined) ?? null;
  }

  async checkinsAtSite(site: string, fromMs: number, toMs: number, limit: number): Promise<StoredCheckin[]> {
    return this.st('atSite').all(site, fromMs, toMs, limit) as StoredCheckin[];
  }

  async setKioskPassword(id: KioskId, hash: string, atMs: number): Promise<void> {
    this.st('setKiosk').run(id.site, id.device, hash, atMs);
  }

  async kioskPassword(id: KioskId): Promise<string | null> {
    return (this.st('kiosk').pluck().get(id.site, id.device) as string | undefined) ?? null;
  }

  async setUser(name: string, role: Role, hash: string, atMs: number): Promise<void> {
    this.st('setUser').run(name, role, hash, atMs);
  }

  async user(name: string): Promise<{ role: Role; hash: string } | null> {
    return (this.st('user').get(name) as { role: Role; hash: string } | undefined) ?? null;
  }

  async audit(e: { atMs: number; user: string; action: string; query: unknown }): Promise<void> {
    this.st('audit').run(e.atMs, e.user, e.action, JSON.stringify(e.query));
  }

  async auditLog(limit: number): Promise<Array<{ atMs: number; user: string; action: string; query: string }>> {
    return this.st('auditLog').all(limit) as Array<{ atMs: number; user: string; action: string; query: string }>;
  }

  async purgeBefore(ms: number, maxRows: number): Promise<{ checkins: number; rejects: number; more: boolean }> {
    return this.db
      .transaction(() => {
        // Each kiosk's floor rises to the highest seq this batch deletes of it (as PostgreSQL's PURGE_CHECKINS): from
        // the deleted rows themselves, not by a max(seq) per kiosk over what has expired (that read every expired row
        // of a site once per kiosk: 444 ms a batch at 1,000 kiosks, on the thread that runs the broker).
        const deleted = this.st('purgeCheckins').all(ms, maxRows) as Array<KioskId & { seq: number }>;
        const top = new Map<string, KioskId & { seq: number }>();
        for (const r of deleted) {
          const t = top.get(kioskKey(r));
          if (t === undefined || r.seq > t.seq) top.set(kioskKey(r), r);
        }
        for (const t of top.values()) this.st('raiseFloor').run(t.seq, t.site, t.device);
        const rejects = this.st('purgeRejects').run(ms, maxRows).changes;
        return { checkins: deleted.length, rejects, more: deleted.length === maxRows || rejects === maxRows };
      })
      .immediate();
  }

  async purgeAuditBefore(ms: number): Promise<number> {
    return this.st('purgeAudit').run(ms).changes;
  }

  async isHealthy(): Promise<boolean> {
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const writer = this.writer;
    this.writer = null;
    if (writer !== null) await writer.close();
    const reader = this.reader;
    this.reader = null;
    if (reader !== null) await reader.close();
    if (this.db.open) this.db.close();
  }

  private st(name: string): Statement {
    return this.q[name] as Statement;
  }

  private run(name: string, params: object): { changes: number } {
    return this.st(name).run(params);
  }
}
