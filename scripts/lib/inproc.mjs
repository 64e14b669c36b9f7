// The real composition root (App from dist/) in this process, for figures that need both ends on one clock
// (last byte written to the pty → commit event). Logs are silenced; configuration goes through the real schema.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { DEVICE } from './daemon.mjs';
import { dist } from './util.mjs';

export async function startApp(dir, over = {}) {
  const { App } = await dist('src/app.js');
  const { resolveConfig } = await dist('src/config/load.js');
  const { createLogger } = await dist('src/logger.js');
  const { config } = resolveConfig(
    {
      device: { ...DEVICE },
      store: { path: join(dir, 'qrgate.db'), keyFile: join(dir, 'store.key') },
      clock: { synced: true },
      http: { port: 0 },
      log: { level: 'silent' },
      ...over,
    },
    {},
  );
  const app = App.open(config, { logger: createLogger('silent') });
  await app.start();
  return app;
}

/** Resolves with the next check-in event's time (performance.now()) and the check-in. */
export function nextCheckin(app) {
  return new Promise((resolve) => app.pipeline.once('checkin', (c) => resolve({ at: performance.now(), checkin: c })));
}
