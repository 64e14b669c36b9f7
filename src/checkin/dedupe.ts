import { createHash } from 'node:crypto';

/**
 * Re-read suppression: a card held in front of the reader is read again and again; the same payload from the same
 * scanner within the window is one scan. Keys are hashes, so no payload is kept in memory longer than needed, and
 * entries expire in insertion order, so the cost per scan is constant.
 */
export class RereadFilter {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** True when this payload was already seen from this scanner within the window; records it either way. */
  isRepeat(scannerId: string, bytes: Uint8Array, nowMs: number): boolean {
    this.expire(nowMs);
    if (this.windowMs <= 0) return false;
    const key = `${scannerId}\u0000${createHash('sha256').update(bytes).digest('base64')}`;
    const last = this.seen.get(key);
    this.seen.delete(key);
    this.seen.set(key, nowMs);
    return last !== undefined && nowMs - last < this.windowMs && nowMs >= last;
  }

  private expire(nowMs: number): void {
    for (const [key, at] of this.seen) {
      // A clock stepped backwards must not pin entries forever.
      if (nowMs - at < this.windowMs && at <= nowMs) break;
      this.seen.delete(key);
    }
  }
}
