import { tempDir as scriptsTempDir } from '../../scripts/lib/util.mjs';
import { afterThisTest } from './after-test.js';

/** A fresh temporary folder, removed after the test (scripts/lib/util.mjs makes it). */
export function tempDir(prefix = 'qrgate-'): string {
  const { dir, remove } = scriptsTempDir(prefix.replace(/^qrgate-/, '').replace(/-$/, '') || 'test');
  afterThisTest(remove);
  return dir;
}
