import { join } from 'node:path';
import { runningClock, type TestClock } from '../helpers/clock.js';
import { afterEach } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { Forwarder, type ForwarderDeps } from '../../src/forwarder/forwarder.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { CheckinStore } from '../../src/store/checkin-store.js';
import type { Checkin } from '../../src/store/types.js';
import { cccdDoc, checkinInput } from '../helpers/documents.js';

export interface Kiosk {
  readonly config: Config;
  readonly store: CheckinStore;
  readonly forwarder: Forwarder;
  /** The kiosk's clock (the store's and the forwarder's): what a record made by the test reads as now. */
  readonly clock: TestClock;
  /** Records a check-in as the pipeline would, and tells the forwarder. */
  checkin(n: number): Checkin;
}

const open: Kiosk[] = [];
afterEach(async () => {
  for (const k of open.splice(0)) {
    await k.forwarder.stop();
    k.store.close();
  }
});

export function kioskConfig(dir: string, mqtt: Record<string, unknown>): Config {
  return resolveConfig(
    {
      device: { id: 'kiosk-7', site: 'hq' },
      store: { path: join(dir, 'q.db'), keyFile: join(dir, 'k') },
      mqtt: { keepaliveSec: 5, ...mqtt },
    },
    {},
  ).config;
}

export interface KioskOptions {
  readonly start?: boolean;
  readonly logger?: Logger;
  readonly backlogThread?: ForwarderDeps['backlogThread'];
}

export function startKiosk(config: Config, options: KioskOptions = {}): Kiosk {
  const clock = runningClock();
  const store = CheckinStore.open({
    path: config.store.path,
    keyFile: config.store.keyFile,
    maxPending: config.store.maxPending,
    forwarding: true,
    clock,
  });
  const forwarder = new Forwarder({
    config,
    store: store.outbox,
    logger: options.logger ?? createLogger('silent'),
    ...(options.backlogThread === undefined ? {} : { backlogThread: options.backlogThread }),
    version: '9.9.9',
    clock,
    health: () => ({
      v: 1,
      at: clock.now().toISOString(),
      uptimeSec: 1,
      scanners: [],
      pending: store.pendingCount(),
      oldestPendingAgeSec: null,
      storeBytes: store.sizeBytes(),
    }),
    redactedConfig: () => ({ device: config.device, mqtt: { url: config.mqtt.url, password: '[redacted]' } }),
  });
  const kiosk: Kiosk = {
    config,
    clock,
    store,
    forwarder,
    checkin: (n) => {
      const c = store.recorder.recordCheckin(checkinInput(cccdDoc(`0011900${String(n).padStart(5, '0')}`, `Khách Thử ${n}`)));
      forwarder.onCheckin(c);
      return c;
    },
  };
  open.push(kiosk);
  if (options.start !== false) forwarder.start();
  return kiosk;
}

export { until } from '../helpers/until.js';
