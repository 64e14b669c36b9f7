/**
 * Date fields as they appear on Vietnamese cards. Output is ISO: `YYYY-MM-DD`, or `YYYY` when only the year is
 * known (the document contract has no month-only form, so `mmyyyy` keeps its year).
 */
export type ParsedDate =
  { readonly kind: 'empty' } | { readonly kind: 'invalid' } | { readonly kind: 'date'; readonly iso: string; readonly year: number };

const EMPTY: ParsedDate = { kind: 'empty' };
const INVALID: ParsedDate = { kind: 'invalid' };

const MIN_YEAR = 1880;
const MAX_YEAR = 2200;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function fromParts(year: number, month: number, day: number): ParsedDate {
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return INVALID;
  }
  return { kind: 'date', iso: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`, year };
}

function yearOnly(year: number): ParsedDate {
  return year < MIN_YEAR || year > MAX_YEAR ? INVALID : { kind: 'date', iso: pad(year, 4), year };
}

const DMY_COMPACT = /^(\d{2})(\d{2})(\d{4})$/;
const DMY_SEPARATED = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const MY_COMPACT = /^(\d{2})(\d{4})$/;
const MY_SEPARATED = /^(\d{1,2})[/.-](\d{4})$/;
const Y_ONLY = /^(\d{4})$/;

/** Day-first dates: `ddmmyyyy`, `d/m/yyyy`, `dd-mm-yyyy`, `mmyyyy`, `mm/yyyy`, `yyyy`; `-` or empty is absent. */
export function parseDayFirst(raw: string): ParsedDate {
  const s = raw.trim();
  if (s === '' || s === '-') return EMPTY;
  let m = DMY_COMPACT.exec(s) ?? DMY_SEPARATED.exec(s);
  if (m) return fromParts(Number(m[3]), Number(m[2]), Number(m[1]));
  m = Y_ONLY.exec(s);
  if (m) return yearOnly(Number(m[1]));
  m = MY_COMPACT.exec(s) ?? MY_SEPARATED.exec(s);
  if (m) {
    const month = Number(m[1]);
    return month >= 1 && month <= 12 ? yearOnly(Number(m[2])) : INVALID;
  }
  return INVALID;
}

export function isSlashDate(raw: string): boolean {
  return DMY_SEPARATED.test(raw.trim());
}

const ISO_MASKABLE = /^(\d{4}|\*{4})[-/]([\d*]{1,2})[-/]([\d*]{1,2})$/;

export function isMaskableIsoDate(raw: string): boolean {
  return ISO_MASKABLE.test(raw.trim());
}

/** Year-first dates of the PC-Covid QR, where the app may mask day and month (`1990-**-**`). */
export function parseYearFirstMasked(raw: string): ParsedDate {
  const m = ISO_MASKABLE.exec(raw.trim());
  if (!m) return raw.trim() === '' ? EMPTY : INVALID;
  const [, y = '', mo = '', d = ''] = m;
  if (y.includes('*')) return EMPTY;
  if (mo.includes('*') || d.includes('*')) return yearOnly(Number(y));
  return fromParts(Number(y), Number(mo), Number(d));
}

/** The civil date (`YYYY-MM-DD`) at an instant, at a fixed UTC offset; null for an invalid instant. */
export function civilDate(at: Date, utcOffsetMinutes: number): string | null {
  const shifted = new Date(at.getTime() + utcOffsetMinutes * 60_000);
  return Number.isFinite(shifted.getTime()) ? shifted.toISOString().slice(0, 10) : null;
}

/**
 * Compares an ISO date that may be year-only with a full civil date, at the precision both have:
 * a year-only date is "after" only when its year is.
 */
export function compareDates(a: string, b: string): number {
  const len = Math.min(a.length, b.length);
  const x = a.slice(0, len);
  const y = b.slice(0, len);
  return x < y ? -1 : x > y ? 1 : 0;
}
