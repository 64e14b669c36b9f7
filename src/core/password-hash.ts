/**
 * The format of the technician password line, `scrypt$N$r$p$salt$hash`: parsed by the status page at each login
 * (src/http/auth/password.ts, which also hashes and verifies) and by doctor, which checks the file the daemon reads.
 */
const LINE = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export class PasswordHashError extends Error {
  override readonly name = 'PasswordHashError';
}

export interface ParsedHash {
  readonly cost: ScryptCost;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** Throws PasswordHashError with a technician-readable reason; never echoes the line. */
export function parseHash(line: string): ParsedHash {
  const m = LINE.exec(line.trim());
  if (m === null)
    throw new PasswordHashError('not a qrgate password hash (expected scrypt$N$r$p$salt$hash; create it with "qrgate hash-password")');
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 2 || (N & (N - 1)) !== 0 || N > 2 ** 20 || r < 1 || r > 32 || p < 1 || p > 16)
    throw new PasswordHashError('scrypt cost out of range');
  const hash = Buffer.from(m[5] as string, 'base64');
  if (hash.length < 16) throw new PasswordHashError('hash too short');
  return { cost: { N, r, p }, salt: Buffer.from(m[4] as string, 'base64'), hash };
}
