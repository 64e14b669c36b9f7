/**
 * Kiosk MQTT passwords: made by central (`qrgate central kiosk add`), 24 random bytes, printed once; only a salted
 * HMAC-SHA256 of it is stored. A fast hash is enough for a random 192-bit secret (nothing to guess), and it keeps
 * a thousand kiosks reconnecting together from costing a thousand scrypt runs.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const LINE = /^hmac-sha256\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

export function newKioskPassword(): string {
  return randomBytes(24).toString('base64url');
}

export function hashKioskPassword(password: string, salt: Buffer = randomBytes(16)): string {
  return `hmac-sha256$${salt.toString('base64')}$${createHmac('sha256', salt).update(password, 'utf8').digest('base64')}`;
}

export function verifyKioskPassword(password: string, stored: string): boolean {
  const m = LINE.exec(stored);
  if (m === null) return false;
  const expected = Buffer.from(m[2] as string, 'base64');
  const actual = createHmac('sha256', Buffer.from(m[1] as string, 'base64'))
    .update(password, 'utf8')
    .digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** `SITE/DEVICE` → the kiosk, or null when the user name is not of that form. */
export function kioskOfUsername(username: string): { site: string; device: string } | null {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,63})\/([A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/.exec(username);
  return m === null ? null : { site: m[1] as string, device: m[2] as string };
}
