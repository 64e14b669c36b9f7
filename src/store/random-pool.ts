/**
 * Random bytes for values that are unique but not secret (UUIDv7's random bits, AES-GCM IVs), cut from a pooled
 * buffer: `randomBytes` costs ~5 µs a call here and a check-in needs two on the path to its commit. Node's own
 * `randomUUID` pools its entropy the same way.
 */
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let at = 0;

/** `n` fresh random bytes (n ≤ 4096). A view of a pool that is never refilled in place: no one else gets them. */
export function randomSlice(n: number): Buffer {
  if (n > POOL_BYTES) throw new RangeError(`randomSlice: at most ${POOL_BYTES} bytes`);
  if (at + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    at = 0;
  }
  const slice = pool.subarray(at, at + n);
  at += n;
  return slice;
}
