/**
 * Helpers for a parsed configuration document, shared by the kiosk's loader (load.ts) and central's
 * (src/central/config-load.ts).
 */
type Json = Record<string, unknown>;

const isMapping = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** In YAML a key with nothing under it (or only comments) is null: treated as not set, so defaults apply. */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isMapping(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, dropNulls(v)]),
  );
}

/** The loaded configuration is read-only all the way down: no part of the daemon can change what another reads. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
