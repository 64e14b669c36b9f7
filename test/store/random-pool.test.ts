import { describe, expect, it } from 'vitest';
import { randomSlice } from '../../src/store/random-pool.js';

describe('pooled random bytes', () => {
  it('never hands out the same bytes twice, across many pool refills, and earlier slices keep their bytes', () => {
    const first = randomSlice(16);
    const kept = Buffer.from(first);
    const seen = new Set<string>([first.toString('hex')]);
    // 3,000 × 12-16 bytes is about ten 4 KB pools.
    for (let i = 0; i < 3000; i += 1) {
      const s = randomSlice(i % 2 === 0 ? 12 : 16);
      expect(s.length).toBe(i % 2 === 0 ? 12 : 16);
      const hex = s.toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
    expect(first.equals(kept)).toBe(true);
  });

  it('refuses a request larger than its pool instead of repeating bytes', () => {
    expect(() => randomSlice(4097)).toThrow(RangeError);
    expect(randomSlice(4096)).toHaveLength(4096);
  });
});
