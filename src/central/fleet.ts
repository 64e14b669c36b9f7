/**
 * The fleet view (`GET /api/fleet`, the page, the gauges): per kiosk its state, backlog, gaps and today's counts,
 * per site the day's totals with distinct persons. Days are the configured zone's (fleet.timeZone).
 */
import type { Clock } from '../core/clock.js';
import type { TimeZone } from '../core/zone.js';
import type { DayTotals } from './day-totals.js';
import type { Completeness, GapWatcher } from './gaps.js';
import type { KioskTracker } from './kiosk-tracker.js';
import type { FleetTotals } from './metrics.js';
import { kioskKey, type CentralStore, type DayCounts, type KioskId, type LostRange } from './store-types.js';

export interface FleetKiosk {
  readonly site: string;
  readonly device: string;
  readonly state: 'online' | 'offline';
  readonly since: string | null;
  readonly lastSeenAt: string | null;
  readonly lastCheckinAt: string | null;
  readonly version: string | null;
  readonly pending: number | null;
  readonly oldestPendingAgeSec: number | null;
  readonly silent: boolean;
  readonly clockSynced: boolean | null;
  readonly scanners: ReadonlyArray<{ readonly id: string; readonly state: string; readonly code?: string }>;
  readonly lastSeq: number | null;
  readonly contiguousSeq: number;
  readonly gaps: {
    readonly open: number;
    readonly lost: number;
    readonly closing: boolean;
    /** `reason` for a lost range: the kiosk no longer has it (`missing`) or cannot open it (`unreadable`). */
    readonly ranges: ReadonlyArray<{ from: number; to: number; state: 'open' | 'lost'; reason?: LostRange['reason'] }>;
  };
  readonly today: { readonly in: number; readonly out: number; readonly rejected: number };
}

export interface FleetSite {
  readonly site: string;
  readonly kiosks: number;
  readonly online: number;
  readonly today: { readonly in: number; readonly out: number; readonly rejected: number; readonly persons: number };
}

export interface Fleet {
  readonly at: string;
  /** When the day's counts (`today`) were read; behind `at` by at most a tenth of the time a day's read costs. */
  readonly todayAt: string;
  readonly kiosks: FleetKiosk[];
  readonly sites: FleetSite[];
}

export interface FleetDeps {
  readonly store: CentralStore;
  readonly tracker: KioskTracker;
  readonly gaps: GapWatcher;
  readonly clock: Clock;
  readonly zone: TimeZone;
  readonly silentAfterMs: number;
  readonly today: DayTotals;
}

const MAX_RANGES_SHOWN = 20;

/** Without `today` (the gauges), the day's counts are not read: they are zeros, as of `at`. */
export async function buildFleet(deps: FleetDeps, { today = true }: { today?: boolean } = {}): Promise<Fleet> {
  const now = deps.clock.now().getTime();
  const iso = (ms: number | null): string | null => (ms === null ? null : deps.zone.iso(ms));
  const dayStart = deps.zone.startOfDay(now);
  const [day, known, stored] = await Promise.all([
    today ? deps.today.get(dayStart, now) : { counts: new Map<string, DayCounts>(), persons: new Map<string, number>(), asOfMs: now },
    deps.store.knownKiosks(),
    deps.store.allKioskStates(),
  ]);
  const { counts, persons } = day;
  // Another central process sharing the store may have heard from a kiosk since this one did.
  for (const s of stored) deps.tracker.adopt(s);
  const ids = new Map<string, KioskId>();
  for (const k of [...known, ...deps.tracker.all()]) ids.set(kioskKey(k), { site: k.site, device: k.device });
  const sorted = [...ids.values()].sort((a, b) => kioskKey(a).localeCompare(kioskKey(b)));
  const completeness = await Promise.all(sorted.map((k) => deps.gaps.cached(k)));
  const kiosks = sorted.map((k, i): FleetKiosk => {
    const s = deps.tracker.state(k);
    const h = deps.tracker.healthOf(k);
    const c = completeness[i] as Completeness;
    const state = s?.state ?? 'offline';
    const quietSince = Math.max(s?.lastCheckinMs ?? 0, s?.sinceMs ?? 0);
    const ranges = [
      ...c.open.map((r) => ({ ...r, state: 'open' as const })),
      ...c.lost.map((r) => ({ from: r.from, to: r.to, state: 'lost' as const, reason: r.reason })),
    ]
      .sort((a, b) => a.from - b.from)
      .slice(0, MAX_RANGES_SHOWN);
    return {
      site: k.site,
      device: k.device,
      state,
      since: iso(s?.sinceMs ?? null),
      lastSeenAt: iso(s?.lastSeenMs ?? null),
      lastCheckinAt: iso(s?.lastCheckinMs ?? null),
      version: s?.version ?? null,
      pending: h?.pending ?? null,
      oldestPendingAgeSec: h?.oldestPendingAgeSec ?? null,
      silent: state === 'online' && now - quietSince >= deps.silentAfterMs,
      clockSynced: s?.lastClockSynced ?? null,
      scanners: h?.scanners ?? [],
      lastSeq: h?.lastSeq ?? null,
      contiguousSeq: c.contiguousSeq,
      gaps: { open: c.openCount, lost: c.lostCount, closing: c.closing, ranges },
      today: counts.get(kioskKey(k)) ?? { in: 0, out: 0, rejected: 0 },
    };
  });
  const bySite = new Map<string, FleetKiosk[]>();
  for (const k of kiosks) bySite.set(k.site, [...(bySite.get(k.site) ?? []), k]);
  const sites = [...bySite].map(([site, ks]): FleetSite => ({
    site,
    kiosks: ks.length,
    online: ks.filter((k) => k.state === 'online').length,
    today: {
      in: sum(ks, (k) => k.today.in),
      out: sum(ks, (k) => k.today.out),
      rejected: sum(ks, (k) => k.today.rejected),
      persons: persons.get(site) ?? 0,
    },
  }));
  return { at: deps.zone.iso(now), todayAt: deps.zone.iso(day.asOfMs), kiosks, sites };
}

export function fleetTotals(f: Fleet): FleetTotals {
  return {
    online: f.kiosks.filter((k) => k.state === 'online').length,
    offline: f.kiosks.filter((k) => k.state === 'offline').length,
    silent: f.kiosks.filter((k) => k.silent).length,
    gapsOpen: sum(f.kiosks, (k) => k.gaps.open),
    lost: sum(f.kiosks, (k) => k.gaps.lost),
  };
}

const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((n, x) => n + f(x), 0);
