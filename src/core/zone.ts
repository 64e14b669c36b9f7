/**
 * The kiosk's civil time zone: every day boundary (today's counts, the automatic checkout, card validity) and every
 * local timestamp the daemon writes uses this one zone, from `clock.timeZone` — never the machine's TZ, which on a
 * freshly imaged Pi is often UTC. Offsets come from the platform's time-zone database (Intl), so a zone with daylight
 * saving is right on both sides of a change.
 */
export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const DAY_MS = 86_400_000;
/** Offsets change only on quarter-hour boundaries, so one lookup serves a whole quarter hour. */
const BUCKET_MS = 900_000;

export function isValidTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export class TimeZone {
  private readonly format: Intl.DateTimeFormat;
  private bucket = Number.NaN;
  private bucketOffset = 0;

  constructor(readonly name: string = DEFAULT_TIME_ZONE) {
    // Throws a RangeError for an unknown zone; the config schema checks the name first.
    this.format = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
  }

  /** Minutes the zone is ahead of UTC at `at` (Vietnam: 420). */
  offsetMinutes(at: Date | number): number {
    const ms = typeof at === 'number' ? at : at.getTime();
    const bucket = Math.floor(ms / BUCKET_MS);
    if (bucket !== this.bucket) {
      this.bucketOffset = this.lookup(ms);
      this.bucket = bucket;
    }
    return this.bucketOffset;
  }

  /** RFC 3339 in this zone, e.g. `2026-11-22T09:30:00.123+07:00`. */
  iso(at: Date | number): string {
    const ms = typeof at === 'number' ? at : at.getTime();
    const offset = this.offsetMinutes(ms);
    const shifted = new Date(ms + offset * 60_000).toISOString().slice(0, -1);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }

  /** The civil date `YYYY-MM-DD` at `at` in this zone. */
  date(at: Date | number): string {
    return this.iso(at).slice(0, 10);
  }

  /** Epoch milliseconds of the start of the civil day containing `at`. */
  startOfDay(at: Date | number): number {
    const ms = typeof at === 'number' ? at : at.getTime();
    return this.localToUtc(Math.floor((ms + this.offsetMinutes(ms) * 60_000) / DAY_MS) * DAY_MS);
  }

  /** The instants `[from, to)` of a civil date `YYYY-MM-DD` in this zone; null when it is no calendar date. */
  dayBounds(day: string): { from: number; to: number } | null {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
    if (m === null) return null;
    const local = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (new Date(local).toISOString().slice(0, 10) !== day) return null;
    return { from: this.localToUtc(local), to: this.localToUtc(local + DAY_MS) };
  }

  /** The next `HH:MM` of this zone strictly after `from` (a time skipped by a daylight-saving change fires at the change). */
  nextOccurrence(hhmm: string, from: Date): Date {
    const [h = 0, m = 0] = hhmm.split(':').map(Number);
    const ms = from.getTime();
    const localDay = Math.floor((ms + this.offsetMinutes(ms) * 60_000) / DAY_MS) * DAY_MS;
    for (let day = 0; day < 3; day++) {
      const candidate = this.localToUtc(localDay + day * DAY_MS + (h * 60 + m) * 60_000);
      if (candidate > ms) return new Date(candidate);
    }
    return new Date(ms + DAY_MS);
  }

  /** The instant of a local wall-clock time given as "epoch ms as if the zone were UTC". */
  private localToUtc(localMs: number): number {
    // Two passes find the right offset on either side of a change.
    let utc = localMs - this.offsetMinutes(localMs) * 60_000;
    utc = localMs - this.offsetMinutes(utc) * 60_000;
    return utc;
  }

  private lookup(ms: number): number {
    const part = this.format.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /^GMT([+-])(\d{2}):?(\d{2})?$/.exec(part);
    if (m === null) return 0;
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
    return m[1] === '-' ? -minutes : minutes;
  }
}

/**
 * The zone of the machine the command runs on. Only for what a technician reads on a laptop that is not a kiosk (a
 * provisioning QR's expiry); the daemon's times all use `clock.timeZone`.
 */
export function systemTimeZone(): TimeZone {
  return new TimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
}
