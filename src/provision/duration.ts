/** `--expires 24h`: a lifetime in seconds, bounded so that a forgotten QR does not stay usable for months. */
import { ProvisionError } from './errors.js';

const UNIT: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
export const MAX_LIFETIME_SEC = 30 * 86_400;

/** Returns null when the text is not a duration, so the CLI can report a usage error. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,6})\s*([smhd])$/i.exec(text.trim());
  if (m === null) return null;
  const seconds = Number(m[1]) * (UNIT[(m[2] as string).toLowerCase()] ?? 0);
  return seconds > 0 ? seconds : null;
}

export function lifetime(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === null || seconds > MAX_LIFETIME_SEC) {
    throw new ProvisionError('E_PROVISION_INVALID', `--expires "${text}": give 1s to 30d, e.g. 30m, 24h or 7d`);
  }
  return seconds;
}
