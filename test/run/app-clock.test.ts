/**
 * One clock for the whole daemon: the drivers App.start creates read the app's clock, not the machine's. A simulated
 * scanner under an app whose clock says 2035 stamps its scans in 2035, and its synthetic cards (dated relative to the
 * clock it is given) are in date then.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { resolveConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/logger.js';
import type { Checkin } from '../../src/store/types.js';
import { afterThisTest } from '../helpers/after-test.js';
import { runningClock } from '../helpers/clock.js';
import { tempDir } from '../helpers/tmp.js';

describe('App.start', () => {
  it("gives the scanner drivers the app's clock", async () => {
    const dir = tempDir('qrgate-app-clock-');
    const { config } = resolveConfig(
      {
        device: { id: 'kiosk-1', site: 'hq' },
        store: { path: join(dir, 'qrgate.db'), keyFile: join(dir, 'store.key') },
        clock: { synced: true },
        http: { host: '127.0.0.1', port: 0 },
        scanners: [{ id: 'sim', type: 'simulated', ratePerMinute: 6000, badScanRatio: 0 }],
      },
      {},
    );
    const clock = runningClock('2035-06-01T09:00:00+07:00');
    const app = App.open(config, { logger: createLogger('silent'), clock });
    const checkins: Checkin[] = [];
    app.pipeline.on('checkin', (c: Checkin) => checkins.push(c));
    await app.start();
    afterThisTest(() => app.stop());
    await expect.poll(() => checkins.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    expect(checkins.every((c) => c.scannedAt.startsWith('2035-06-01T'))).toBe(true);
    expect(checkins.flatMap((c) => c.warnings.map((w) => w.code))).not.toContain('W_CARD_EXPIRED');
  });
});
