/**
 * What central keeps, as interfaces: this issue implements them on SQLite (sqlite-store.ts); the province build
 * implements the same on PostgreSQL. Nothing outside the store knows SQL.
 */
export type Role = 'viewer' | 'tracer' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'tracer', 'admin'];

export interface KioskId {
  readonly site: string;
  readonly device: string;
}

/** A check-in as central stores it: the document sealed, the number and the person as keyed hashes. */
export interface CheckinRow extends KioskId {
  readonly id: string;
  readonly seq: number;
  readonly direction: 'in' | 'out';
  readonly docType: string;
  readonly scannedAt: string;
  readonly scannedMs: number;
  readonly clockSynced: boolean;
  readonly receivedMs: number;
  readonly numberMac: Buffer;
  readonly personMac: Buffer;
  readonly sealed: Buffer;
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

export interface CentralStore {
  /** One transaction: the rows not yet stored (by id) are inserted; for each row, whether it was (false: a duplicate). */
  insertCheckins(rows: readonly CheckinRow[]): boolean[];
  insertRejects(rows: readonly RejectRow[]): number;
  kioskState(id: KioskId): KioskState | null;
  saveKioskState(s: KioskState): void;
  allKioskStates(): KioskState[];
  /** Every kiosk known: registered, or seen. */
  knownKiosks(): KioskId[];
  /** Missing seq ranges between the lowest kept seq and the highest stored one, and the highest stored seq. */
  seqGaps(id: KioskId): { gaps: SeqRange[]; maxSeq: number };
  lostRanges(id: KioskId): LostRange[];
  addLost(id: KioskId, ranges: readonly LostRange[], atMs: number): void;
  /** Counts per kiosk since `fromMs` (by scan time). */
  kioskCountsSince(fromMs: number): Map<string, DayCounts>;
  /** Distinct persons per site since `fromMs`. */
  personsSince(fromMs: number): Map<string, number>;
  findCheckins(q: CheckinQuery): StoredCheckin[];
  checkinById(id: string): StoredCheckin | null;
  checkinsAtSite(site: string, fromMs: number, toMs: number, limit: number): StoredCheckin[];
  setKioskPassword(id: KioskId, hash: string, atMs: number): void;
  kioskPassword(id: KioskId): string | null;
  setUser(name: string, role: Role, hash: string, atMs: number): void;
  user(name: string): { role: Role; hash: string } | null;
  audit(entry: { atMs: number; user: string; action: string; query: unknown }): void;
  auditLog(limit: number): Array<{ atMs: number; user: string; action: string; query: string }>;
  purgeBefore(ms: number, maxRows: number): { checkins: number; rejects: number; more: boolean };
  isHealthy(): boolean;
  close(): void;
}

export const kioskKey = (k: KioskId): string => `${k.site}/${k.device}`;
