/**
 * The technician password, stored as one line `scrypt$N$r$p$salt$hash` (salt and hash in base64, the hash 64 bytes),
 * e.g. `scrypt$32768$8$1$mW0P…$Yt9e…`. scrypt is in node:crypto, so no native add-on is needed on the Pi; N=2^15
 * with r=8 takes about 100 ms and 32 MiB there, which is slow enough against guessing (logins are also rate-limited)
 * and fast enough for a person. `qrgate hash-password` writes the line; docs/http.md says where it goes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { ParsedHash, ScryptCost } from '../../core/password-hash.js';

export { parseHash, PasswordHashError, type ParsedHash, type ScryptCost } from '../../core/password-hash.js';

export const DEFAULT_COST = { N: 32_768, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 64;

function derive(password: string, salt: Buffer, length: number, cost: ScryptCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly N=2^15, r=8, so allow some headroom.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, HASH_BYTES, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Constant-time comparison of the derived key; the time does not depend on how much of it matches. */
export async function verifyPassword(password: string, parsed: ParsedHash): Promise<boolean> {
  const candidate = await derive(password, parsed.salt, parsed.hash.length, parsed.cost);
  return timingSafeEqual(candidate, parsed.hash);
}
