/** RFC 3339 with the offset of the given zone (default: the system's), e.g. `2026-11-22T09:30:00.123+07:00`. */
export function toLocalIso(at: Date, utcOffsetMinutes: number = -at.getTimezoneOffset()): string {
  const shifted = new Date(at.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Milliseconds at the start of the local day containing `at`, at the given offset (default: the system's). */
export function startOfLocalDay(at: Date, utcOffsetMinutes: number = -at.getTimezoneOffset()): number {
  const day = 86_400_000;
  const local = at.getTime() + utcOffsetMinutes * 60_000;
  return local - (((local % day) + day) % day) - utcOffsetMinutes * 60_000;
}
