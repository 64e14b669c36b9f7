/**
 * What central keeps, as interfaces: SQLite (sqlite-store.ts, the default) and PostgreSQL (pg-store.ts, `store.url`)
 * implement the same. Nothing outside the stores knows SQL.
 */
export type Role = 'viewer' | 'tracer' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'tracer', 'admin'];

export interface KioskId {
  readonly site: string;
  readonly device: string;
}

/** What a check-in row and a draft share: who sent it, which, and when. */
interface CheckinFields extends KioskId {
  readonly id: string;
  readonly seq: number;
  readonly direction: 'in' | 'out';
  readonly docType: string;
  readonly scannedAt: string;
  readonly scannedMs: number;
  readonly clockSynced: boolean;
  readonly receivedMs: number;
}

/** A check-in as central stores it: the document sealed, the number and the person as keyed hashes. */
export interface CheckinRow extends CheckinFields {
  readonly numberMac: Buffer;
  readonly personMac: Buffer;
  readonly sealed: Buffer;
}

/**
 * A check-in as the ingest hands it to the group commit: validated, not yet sealed. Sealing and the keyed hashes are
 * done where it is inserted (sealCheckin: on the SQLite writer thread when there is one), off the MQTT thread.
 */
export interface CheckinDraft extends CheckinFields {
  /** The document's number as sent (personal data: sealed and hashed, never stored as such). */
  readonly number: string;
  /** The JSON to seal: the document, scanner, auto and warnings. */
  readonly body: string;
}

export interface RejectRow extends KioskId {
  readonly id: string;
  readonly code: string;
  readonly scannedMs: number;
  readonly receivedMs: number;
}

/** The kiosk's last reported state, from B/status and B/health. */
export interface KioskState extends KioskId {
  readonly state: 'online' | 'offline';
  readonly sinceMs: number;
  readonly lastSeenMs: number | null;
  readonly lastCheckinMs: number | null;
  readonly version: string | null;
  /** The last B/health report as received (no personal data). */
  readonly health: string | null;
  readonly lastClockSynced: boolean | null;
}

export interface SeqRange {
  readonly from: number;
  readonly to: number;
}

export interface LostRange extends SeqRange {
  readonly reason: 'missing' | 'unreadable';
}

export interface CheckinQuery {
  readonly site?: string;
  readonly device?: string;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly numberMac?: Buffer;
  readonly limit: number;
}

export interface StoredCheckin {
  readonly id: string;
  readonly seq: number;
  readonly site: string;
  readonly device: string;
  readonly direction: 'in' | 'out';
  readonly scannedAt: string;
  readonly scannedMs: number;
  readonly receivedMs: number;
  readonly sealed: Buffer;
  readonly personMac: Buffer;
}

export interface DayCounts {
  readonly in: number;
  readonly out: number;
  readonly rejected: number;
}

/**
 * Every method is asynchronous: the SQLite store answers at once (better-sqlite3 is synchronous), the PostgreSQL
 * store over the network. A method that resolves has committed; one that rejects has changed nothing it reports.
 * Several central processes may share one PostgreSQL store, so nothing here may rely on being its only writer.
 */
export interface CentralStore {
  /** One transaction: the rows not yet stored (by id) are inserted; for each row, whether it was (false: a duplicate). */
  insertCheckins(rows: readonly CheckinRow[]): Promise<boolean[]>;
  /** One transaction; the number of rows that were new (by id). */
  insertRejects(rows: readonly RejectRow[]): Promise<number>;
  kioskState(id: KioskId): Promise<KioskState | null>;
  /** One transaction (one fsync for the lot: the tracker writes every changed state once a second). */
  saveKioskStates(states: readonly KioskState[]): Promise<void>;
  allKioskStates(): Promise<KioskState[]>;
  /** Every kiosk known: registered, or seen; ordered by site, then device. */
  knownKiosks(): Promise<KioskId[]>;
  /**
   * Missing seq ranges between the kiosk's floor (seqs at or below it were deleted by the retention) — or `aboveSeq`
   * when higher: the caller knows every seq up to it is accounted for, so only newer rows are read — and the highest
   * stored seq, ascending; and the highest stored seq (at least the floor; 0 for an unknown kiosk).
   */
  seqGaps(id: KioskId, aboveSeq?: number): Promise<{ gaps: SeqRange[]; maxSeq: number }>;
  /** Ranges recorded as lost for good (the kiosk no longer has them), ordered by `from`. */
  lostRanges(id: KioskId): Promise<LostRange[]>;
  addLost(id: KioskId, ranges: readonly LostRange[], atMs: number): Promise<void>;
  /**
   * Whether the caller may ask kiosk `id` for a resend at `atMs`: true at most once per `everyMs` for a kiosk,
   * whoever asks, so that N central processes sharing the store send one request, not N.
   */
  claimResend(id: KioskId, atMs: number, everyMs: number): Promise<boolean>;
  /** Check-ins in/out and rejects per kiosk (key `site/device`) since `fromMs` (by scan time). */
  kioskCountsSince(fromMs: number): Promise<Map<string, DayCounts>>;
  /** Distinct persons (person_mac) per site since `fromMs`. */
  personsSince(fromMs: number): Promise<Map<string, number>>;
  /** Ordered by scan time, then site, device, seq; at most `limit`. */
  findCheckins(q: CheckinQuery): Promise<StoredCheckin[]>;
  checkinById(id: string): Promise<StoredCheckin | null>;
  /** Check-ins at `site` with fromMs <= scannedMs <= toMs, by scan time, at most `limit`. */
  checkinsAtSite(site: string, fromMs: number, toMs: number, limit: number): Promise<StoredCheckin[]>;
  setKioskPassword(id: KioskId, hash: string, atMs: number): Promise<void>;
  kioskPassword(id: KioskId): Promise<string | null>;
  setUser(name: string, role: Role, hash: string, atMs: number): Promise<void>;
  user(name: string): Promise<{ role: Role; hash: string } | null>;
  audit(entry: { atMs: number; user: string; action: string; query: unknown }): Promise<void>;
  /** The newest entries first; `query` as the JSON text stored. */
  auditLog(limit: number): Promise<Array<{ atMs: number; user: string; action: string; query: string }>>;
  /**
   * Deletes at most `maxRows` check-ins and at most `maxRows` rejects scanned before `ms`, first raising each
   * kiosk's floor to the highest seq it deletes; `more` when a limit was reached.
   */
  purgeBefore(ms: number, maxRows: number): Promise<{ checkins: number; rejects: number; more: boolean }>;
  /** Deletes audit entries older than `ms`; how many. */
  purgeAuditBefore(ms: number): Promise<number>;
  isHealthy(): Promise<boolean>;
  close(): Promise<void>;
}

export const kioskKey = (k: KioskId): string => `${k.site}/${k.device}`;
