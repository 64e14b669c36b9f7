/**
 * A real pseudo-terminal pair from socat: the driver opens `scannerPath`, the test writes to `hostPath`. One
 * implementation serves the tests, the benchmarks and the chaos suite: scripts/lib/pty.mjs. ptyFixture() is the
 * vitest wiring only a test file needs.
 */
import { afterEach, beforeAll } from 'vitest';
import { PtyPair, requireSocat } from '../../scripts/lib/pty.mjs';

export { PtyPair, requireSocat };

/**
 * For a test file that needs pty pairs: checks socat once, and ends every pair after each test. Returns the
 * function that starts a new pair.
 */
export function ptyFixture(): () => Promise<PtyPair> {
  const pairs: PtyPair[] = [];
  beforeAll(() => requireSocat());
  afterEach(async () => {
    await Promise.all(pairs.splice(0).map((p) => p.dispose()));
  });
  return async () => {
    const pair = new PtyPair();
    pairs.push(pair);
    await pair.start();
    return pair;
  };
}
