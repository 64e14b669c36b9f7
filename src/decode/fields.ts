/** Small field readers shared by the format decoders; each reports problems as warnings, never throws. */
import { compareDates, parseDayFirst, type ParsedDate } from './dates.js';
import { warning } from './result.js';
import type { FieldName, Warning } from './types.js';

/** Trimmed text with runs of white space folded; empty or the `-` placeholder is null. */
export function textField(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const s = raw.trim().replace(/\s+/g, ' ');
  return s === '' || s === '-' ? null : s;
}

export function toIso(parsed: ParsedDate, field: FieldName, warnings: Warning[]): string | null {
  if (parsed.kind === 'invalid') warnings.push(warning('W_DATE_INVALID', field));
  return parsed.kind === 'date' ? parsed.iso : null;
}

export function dayFirstField(raw: string | undefined, field: FieldName, warnings: Warning[]): string | null {
  return raw === undefined ? null : toIso(parseDayFirst(raw), field, warnings);
}

export function yearOf(iso: string | null): number | null {
  return iso === null ? null : Number(iso.slice(0, 4));
}

/** Birth date after the scan's civil date (compared at the precision the birth date has). */
export function checkBirthNotFuture(birthDate: string | null, today: string | null, warnings: Warning[]): void {
  if (birthDate !== null && today !== null && compareDates(birthDate, today) > 0) {
    warnings.push(warning('W_BIRTH_IN_FUTURE', 'birthDate'));
  }
}
