/**
 * The CentralStore on PostgreSQL (`store.url`), for a province: several central processes may share one database.
 * Same behaviour as sqlite-store.ts (tests: test/central/store-conformance.test.ts). Every statement commits before
 * its promise resolves (synchronous_commit as the server sets it: keep it on), so a check-in acknowledged to a
 * kiosk is on the database server's disk. A batch of check-ins is ONE statement (unnest, ON CONFLICT DO NOTHING),
 * which is what makes PostgreSQL fast here (docs/central.md#postgresql).
 */
import pg from 'pg';
import type { CustomTypesConfig, PoolClient, QueryConfig, QueryResultRow } from 'pg';
import type { StoreError } from '../store/errors.js';
import type { Sealer } from '../store/sealer.js';
import { describeUrl, toPgStoreError } from './pg-errors.js';
import { migrate } from './pg-schema.js';
import {
  CHECKIN_COLUMNS,
  CLAIM_RESEND,
  DAY_COUNTS,
  DAY_PERSONS,
  DAY_REJECTS,
  INSERT_CHECKINS,
  INSERT_REJECTS,
  PURGE_CHECKINS,
  PURGE_LOCK,
  PURGE_REJECTS,
  SAVE_STATES,
  SEQ_GAPS,
} from './pg-sql.js';
import {
  kioskKey,
  type CentralStore,
  type CheckinQuery,
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

export interface PgStoreOptions {
  /** The key file's path, named when the database was sealed under another key (E_STORE_KEY). */
  readonly keyFile?: string;
  /** Connections in the pool (default 4). */
  readonly maxConnections?: number;
  /** The server cancels a statement running longer (default 10 s); the client gives up 2 s later. */
  readonly statementTimeoutMs?: number;
  /** Giving up on a new connection (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** isHealthy()'s own limit (default 2 s). */
  readonly healthTimeoutMs?: number;
  /** A connection that failed while idle (the server restarted, the network broke); the pool replaces it. */
  readonly onConnectionError?: (err: StoreError | Error) => void;
}

const INT8_OID = 20;
/**
 * bigint columns (milliseconds, seqs, counts) as numbers, on this store's connections only (not pg's global parser):
 * all of them are far below 2^53.
 */
const TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (v: string) => Number(v)
      : (pg.types.getTypeParser(oid, format) as unknown)) as CustomTypesConfig['getTypeParser'],
};

interface StateRow {
  site: string;
  device: string;
  state: 'online' | 'offline';
  since_ms: number;
  last_seen_ms: number | null;
  last_checkin_ms: number | null;
  version: string | null;
  health: string | null;
  last_clock_synced: boolean | null;
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
  lastClockSynced: r.last_clock_synced,
});

export class PgCentralStore implements CentralStore {
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
    private readonly healthTimeoutMs: number,
  ) {}

  /**
   * Connects, migrates (under an advisory lock: several central processes may start at once) and checks the key:
   * E_STORE_VERSION for a schema newer than this qrgate's, E_STORE_KEY for a database sealed under another key,
   * E_STORE_UNAVAILABLE when the server cannot be reached.
   */
  static async open(url: string, sealer: Sealer, options: PgStoreOptions = {}): Promise<PgCentralStore> {
    const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
    const where = describeUrl(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 4,
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + 2000,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: 'qrgate-central',
      types: TYPES,
    });
    const onError = (err: Error): void => options.onConnectionError?.(toPgStoreError(err, where));
    // Without a listener, a connection dropped by the server would crash the process ('error' events).
    pool.on('error', onError);
    pool.on('connect', (client) => client.on('error', onError));
    try {
      const client = await pool.connect();
      try {
        await migrate(client, sealer, options.keyFile ?? 'the key file');
        client.release();
      } catch (err) {
        client.release(true);
        throw err;
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw toPgStoreError(err, where);
    }
    return new PgCentralStore(pool, where, options.healthTimeoutMs ?? 2000);
  }

  async insertCheckins(rows: readonly CheckinRow[]): Promise<boolean[]> {
    if (rows.length === 0) return [];
    const cols = [
      rows.map((r) => r.id),
      rows.map((r) => r.site),
      rows.map((r) => r.device),
      rows.map((r) => r.seq),
      rows.map((r) => r.direction),
      rows.map((r) => r.docType),
      rows.map((r) => r.scannedAt),
      rows.map((r) => r.scannedMs),
      rows.map((r) => r.clockSynced),
      rows.map((r) => r.receivedMs),
      rows.map((r) => r.numberMac),
      rows.map((r) => r.personMac),
      rows.map((r) => r.sealed),
    ];
    const inserted = new Set((await this.query<{ id: string }>(INSERT_CHECKINS, cols)).rows.map((r) => r.id));
    // unnest gives the rows in order and ON CONFLICT DO NOTHING skips a repeat of an id inserted earlier in the same
    // statement: the first occurrence is the one stored.
    const seen = new Set<string>();
    return rows.map((r) => {
      if (!inserted.has(r.id) || seen.has(r.id)) return false;
      seen.add(r.id);
      return true;
    });
  }

  async insertRejects(rows: readonly RejectRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const cols = [
      rows.map((r) => r.id),
      rows.map((r) => r.site),
      rows.map((r) => r.device),
      rows.map((r) => r.code),
      rows.map((r) => r.scannedMs),
      rows.map((r) => r.receivedMs),
    ];
    return (await this.query(INSERT_REJECTS, cols)).rowCount ?? 0;
  }

  async kioskState(id: KioskId): Promise<KioskState | null> {
    const r = (await this.query<StateRow>('SELECT * FROM kiosk_state WHERE site = $1 AND device = $2', [id.site, id.device])).rows[0];
    return r === undefined ? null : toState(r);
  }

  async saveKioskStates(states: readonly KioskState[]): Promise<void> {
    // One statement may not update a row twice (ON CONFLICT DO UPDATE): the last state given for a kiosk wins.
    const last = [...new Map(states.map((s) => [kioskKey(s), s])).values()];
    if (last.length === 0) return;
    const cols = [
      last.map((s) => s.site),
      last.map((s) => s.device),
      last.map((s) => s.state),
      last.map((s) => s.sinceMs),
      last.map((s) => s.lastSeenMs),
      last.map((s) => s.lastCheckinMs),
      last.map((s) => s.version),
      last.map((s) => s.health),
      last.map((s) => s.lastClockSynced),
    ];
    await this.query(SAVE_STATES, cols);
  }

  async allKioskStates(): Promise<KioskState[]> {
    return (await this.query<StateRow>('SELECT * FROM kiosk_state')).rows.map(toState);
  }

  async knownKiosks(): Promise<KioskId[]> {
    return (await this.query<KioskId>('SELECT site, device FROM kiosks UNION SELECT site, device FROM kiosk_state ORDER BY 1, 2')).rows;
  }

  async seqGaps(id: KioskId, aboveSeq = 0): Promise<{ gaps: SeqRange[]; maxSeq: number }> {
    const rows = (
      await this.query<{ floor: number; max_seq: number | null; from: number | null; to: number | null }>(SEQ_GAPS, [
        id.site,
        id.device,
        aboveSeq,
      ])
    ).rows;
    const head = rows[0];
    const floor = head?.floor ?? 0;
    const gaps = rows.flatMap((r) => (r.from === null || r.to === null ? [] : [{ from: r.from, to: r.to }]));
    return { gaps, maxSeq: Math.max(floor, head?.max_seq ?? 0) };
  }

  async lostRanges(id: KioskId): Promise<LostRange[]> {
    const sql = 'SELECT from_seq AS "from", to_seq AS "to", reason FROM lost WHERE site = $1 AND device = $2 ORDER BY from_seq';
    return (await this.query<LostRange>(sql, [id.site, id.device])).rows;
  }

  async addLost(id: KioskId, ranges: readonly LostRange[], atMs: number): Promise<void> {
    if (ranges.length === 0) return;
    const sql =
      'INSERT INTO lost (site, device, from_seq, to_seq, reason, at_ms) SELECT $1, $2, f, t, r, $6 FROM unnest($3::bigint[], $4::bigint[], $5::text[]) AS u(f, t, r)';
    await this.query(sql, [id.site, id.device, ranges.map((r) => r.from), ranges.map((r) => r.to), ranges.map((r) => r.reason), atMs]);
  }

  async claimResend(id: KioskId, atMs: number, everyMs: number): Promise<boolean> {
    return (await this.query(CLAIM_RESEND, [id.site, id.device, atMs, everyMs])).rowCount === 1;
  }

  async kioskCountsSince(fromMs: number): Promise<Map<string, DayCounts>> {
    const out = new Map<string, DayCounts>();
    for (const r of (await this.query<KioskId & { in: number; out: number }>(DAY_COUNTS, [fromMs])).rows)
      out.set(kioskKey(r), { in: r.in, out: r.out, rejected: 0 });
    for (const r of (await this.query<KioskId & { n: number }>(DAY_REJECTS, [fromMs])).rows) {
      const c = out.get(kioskKey(r)) ?? { in: 0, out: 0, rejected: 0 };
      out.set(kioskKey(r), { ...c, rejected: r.n });
    }
    return out;
  }

  async personsSince(fromMs: number): Promise<Map<string, number>> {
    const rows = (await this.query<{ site: string; n: number }>(DAY_PERSONS, [fromMs])).rows;
    return new Map(rows.map((r) => [r.site, r.n]));
  }

  async findCheckins(q: CheckinQuery): Promise<StoredCheckin[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (column: string, op: string, value: unknown): void => {
      if (value === undefined) return;
      args.push(value);
      where.push(`${column} ${op} $${args.length}`);
    };
    add('site', '=', q.site);
    add('device', '=', q.device);
    add('scanned_ms', '>=', q.fromMs);
    add('scanned_ms', '<=', q.toMs);
    add('number_mac', '=', q.numberMac);
    args.push(q.limit);
    const sql = `SELECT ${CHECKIN_COLUMNS} FROM checkins ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY scanned_ms, site, device, seq LIMIT $${args.length}`;
    return (await this.query<StoredCheckin>(sql, args)).rows;
  }

  async checkinById(id: string): Promise<StoredCheckin | null> {
    return (await this.query<StoredCheckin>(`SELECT ${CHECKIN_COLUMNS} FROM checkins WHERE id = $1`, [id])).rows[0] ?? null;
  }

  async checkinsAtSite(site: string, fromMs: number, toMs: number, limit: number): Promise<StoredCheckin[]> {
    const sql = `SELECT ${CHECKIN_COLUMNS} FROM checkins WHERE site = $1 AND scanned_ms BETWEEN $2 AND $3 ORDER BY scanned_ms LIMIT $4`;
    return (await this.query<StoredCheckin>(sql, [site, fromMs, toMs, limit])).rows;
  }

  async setKioskPassword(id: KioskId, hash: string, atMs: number): Promise<void> {
    const sql =
      'INSERT INTO kiosks (site, device, password_hash, created_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (site, device) DO UPDATE SET password_hash = excluded.password_hash, created_ms = excluded.created_ms';
    await this.query(sql, [id.site, id.device, hash, atMs]);
  }

  async kioskPassword(id: KioskId): Promise<string | null> {
    return (
      (await this.query<{ h: string }>('SELECT password_hash AS h FROM kiosks WHERE site = $1 AND device = $2', [id.site, id.device]))
        .rows[0]?.h ?? null
    );
  }

  async setUser(name: string, role: Role, hash: string, atMs: number): Promise<void> {
    const sql =
      'INSERT INTO users (name, role, password_hash, created_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash';
    await this.query(sql, [name, role, hash, atMs]);
  }

  async user(name: string): Promise<{ role: Role; hash: string } | null> {
    return (
      (await this.query<{ role: Role; hash: string }>('SELECT role, password_hash AS hash FROM users WHERE name = $1', [name])).rows[0] ??
      null
    );
  }

  async audit(e: { atMs: number; user: string; action: string; query: unknown }): Promise<void> {
    await this.query('INSERT INTO audit (at_ms, "user", action, query) VALUES ($1, $2, $3, $4)', [
      e.atMs,
      e.user,
      e.action,
      JSON.stringify(e.query),
    ]);
  }

  async auditLog(limit: number): Promise<Array<{ atMs: number; user: string; action: string; query: string }>> {
    return (
      await this.query<{ atMs: number; user: string; action: string; query: string }>(
        'SELECT at_ms AS "atMs", "user", action, query FROM audit ORDER BY n DESC LIMIT $1',
        [limit],
      )
    ).rows;
  }

  async purgeBefore(ms: number, maxRows: number): Promise<{ checkins: number; rejects: number; more: boolean }> {
    return this.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [PURGE_LOCK]);
      const checkins = (await c.query<{ n: number }>(PURGE_CHECKINS, [ms, maxRows])).rows[0]?.n ?? 0;
      const rejects = (await c.query(PURGE_REJECTS, [ms, maxRows])).rowCount ?? 0;
      return { checkins, rejects, more: checkins === maxRows || rejects === maxRows };
    });
  }

  async purgeAuditBefore(ms: number): Promise<number> {
    return (await this.query('DELETE FROM audit WHERE at_ms < $1', [ms])).rowCount ?? 0;
  }

  async isHealthy(): Promise<boolean> {
    if (this.closed) return false;
    try {
      // query_timeout is pg's client-side limit per query (not in @types/pg's QueryConfig): a server that accepted the
      // connection but hangs still answers false in time.
      const probe: QueryConfig & { query_timeout: number } = { text: 'SELECT 1', query_timeout: this.healthTimeoutMs };
      await this.pool.query(probe);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async query<R extends QueryResultRow = QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (err) {
      throw toPgStoreError(err, this.where);
    }
  }

  /** `fn` in one transaction on one connection; a connection that failed mid-way is discarded, not reused. */
  private async transaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toPgStoreError(err, this.where);
    }
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw toPgStoreError(err, this.where);
    }
  }
}
