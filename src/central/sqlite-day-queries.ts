/**
 * The day's counts of central's SQLite store (the fleet's "today": in, out and rejected per kiosk, distinct persons
 * per site), shared by the store and its reader thread (writer-thread.ts in reader mode). Each one reads every row
 * of the day: at a district's 875,000 check-ins a day they took 1.5 and 1.7 s, which on the thread that runs the
 * embedded broker held every kiosk's acknowledgement that long (docs/performance.md, "Central").
 */
import type { Database } from 'better-sqlite3';
import { kioskKey, type DayCounts, type KioskId } from './store-types.js';

export interface DayQueries {
  kioskCountsSince(fromMs: number): Map<string, DayCounts>;
  personsSince(fromMs: number): Map<string, number>;
}

export function dayQueriesOn(db: Database): DayQueries {
  const kioskCounts = db.prepare(
    `SELECT site, device, sum(direction = 'in') AS "in", sum(direction = 'out') AS "out" FROM checkins WHERE scanned_ms >= ? GROUP BY site, device`,
  );
  const rejectCounts = db.prepare('SELECT site, device, count(*) AS n FROM rejects WHERE scanned_ms >= ? GROUP BY site, device');
  const persons = db.prepare('SELECT site, count(DISTINCT person_mac) AS n FROM checkins WHERE scanned_ms >= ? GROUP BY site');
  return {
    kioskCountsSince(fromMs) {
      const out = new Map<string, DayCounts>();
      for (const r of kioskCounts.all(fromMs) as Array<KioskId & { in: number; out: number }>)
        out.set(kioskKey(r), { in: r.in, out: r.out, rejected: 0 });
      for (const r of rejectCounts.all(fromMs) as Array<KioskId & { n: number }>) {
        const c = out.get(kioskKey(r)) ?? { in: 0, out: 0, rejected: 0 };
        out.set(kioskKey(r), { ...c, rejected: r.n });
      }
      return out;
    },
    personsSince(fromMs) {
      return new Map((persons.all(fromMs) as Array<{ site: string; n: number }>).map((r) => [r.site, r.n]));
    },
  };
}
