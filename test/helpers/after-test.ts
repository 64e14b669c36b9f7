import { afterAll, onTestFinished } from 'vitest';

/**
 * Runs `cleanup` when the current test ends, pass or fail. `afterEach` called from inside a test (as helpers that a
 * test calls did) registers a hook vitest never runs for that test: brokers, apps and folders were left behind.
 * Outside a test (a describe body or a file's top level) it falls back to the end of the file.
 */
export function afterThisTest(cleanup: () => unknown): void {
  try {
    onTestFinished(async () => {
      await cleanup();
    });
  } catch {
    afterAll(async () => {
      await cleanup();
    });
  }
}
