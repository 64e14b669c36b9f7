/**
 * Real parts for central's tests: a CentralApp on free ports with its SQLite files in a temporary folder, and
 * kiosks that are the real store and forwarder (src/store, src/forwarder) connecting to it with a password made as
 * `qrgate central kiosk add` makes it. Time: a clock that starts at a fixed instant and runs at real speed, so no
 * test depends on today's date.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CentralApp, type CentralDeps } from '../../src/central/app.js';
import { resolveCentralConfig } from '../../src/central/config-load.js';
import { hashKioskPassword, newKioskPassword } from '../../src/central/kiosk-credentials.js';
import { resolveConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { Clock } from '../../src/core/clock.js';
import { Forwarder } from '../../src/forwarder/forwarder.js';
import { createLogger } from '../../src/logger.js';
import { CheckinStore } from '../../src/store/checkin-store.js';
import type { Checkin } from '../../src/store/types.js';
import { afterThisTest } from '../helpers/after-test.js';
import { cccdDoc, checkinInput } from '../helpers/documents.js';
import { tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/until.js';

/** 2026-11-22 10:00 in Vietnam. */
/** The SQLite writer thread's bundle (built by test/global-setup.ts). */
export const WRITER_ENTRY = new URL('../../dist/central-writer.cjs', import.meta.url);

export const T0 = Date.parse('2026-11-22T03:00:00Z');

export function runningClock(startMs = T0): Clock & { advance(ms: number): void } {
  const origin = performance.now();
  let offset = 0;
  return {
    now: () => new Date(startMs + offset + (performance.now() - origin)),
    advance: (ms) => (offset += ms),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (t) => clearTimeout(t),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (t) => clearInterval(t),
  };
}

export interface CentralHarness {
  readonly app: CentralApp;
  readonly dir: string;
  readonly clock: ReturnType<typeof runningClock>;
  readonly url: string;
  readonly http: string;
}

export async function startCentral(
  over: Record<string, unknown> = {},
  deps: Partial<CentralDeps> = {},
  dir = tempDir('qrgate-central-'),
): Promise<CentralHarness> {
  const config = resolveCentralConfig(
    {
      broker: { listen: { host: '127.0.0.1', port: 0 }, groupCommitMs: 2 },
      store: { path: join(dir, 'central.db'), keyFile: join(dir, 'central.key') },
      http: { port: 0 },
      fleet: { resendAfterSec: 1 },
      log: { level: 'silent' },
      ...over,
    },
    {},
  );
  const clock = runningClock();
  // Check-ins are inserted on the writer thread, as in production (its bundle is built before the suite).
  const app = await CentralApp.open(config, {
    logger: createLogger(process.env.CENTRAL_LOG ?? 'silent'),
    clock,
    writerEntry: WRITER_ENTRY,
    ...deps,
  });
  await app.start();
  afterThisTest(() => app.stop());
  return { app, dir, clock, url: app.brokerUrl ?? '', http: app.httpAddress ?? '' };
}

export interface TestKiosk {
  readonly config: Config;
  readonly store: CheckinStore;
  readonly forwarder: Forwarder;
  checkin(n: number, scannedAt?: Date): Checkin;
  stop(): Promise<void>;
}

/** Registers SITE/DEVICE at central (as `kiosk add` does) and writes its password file. */
export async function addKiosk(h: CentralHarness, site: string, device: string, dir: string): Promise<string> {
  const password = newKioskPassword();
  await h.app.store.setKioskPassword({ site, device }, hashKioskPassword(password), T0);
  const file = join(dir, 'mqtt.password');
  writeFileSync(file, password, { mode: 0o600 });
  return file;
}

export async function startKiosk(
  h: CentralHarness,
  site = 'hq',
  device = 'kiosk-1',
  options: { clock?: Clock; register?: boolean; mqtt?: Record<string, unknown> } = {},
): Promise<TestKiosk> {
  const dir = tempDir('qrgate-kiosk-');
  const passwordFile = options.register === false ? undefined : await addKiosk(h, site, device, dir);
  const config = resolveConfig(
    {
      device: { id: device, site },
      store: { path: join(dir, 'q.db'), keyFile: join(dir, 'k') },
      mqtt: {
        url: h.url,
        keepaliveSec: 5,
        ...options.mqtt,
        ...(passwordFile === undefined ? {} : { username: `${site}/${device}`, passwordFile }),
      },
    },
    {},
  ).config;
  const clock = options.clock ?? h.clock;
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
    clock,
    logger: createLogger('silent'),
    backlogThread: null,
    version: '0.2.0-test',
    health: () => ({
      v: 1,
      at: clock.now().toISOString(),
      uptimeSec: 1,
      scanners: [{ id: 'gate', state: 'connected' }],
      pending: store.pendingCount(),
      oldestPendingAgeSec: null,
      storeBytes: store.sizeBytes(),
      lastSeq: store.lastSeq(),
    }),
    redactedConfig: () => ({}),
  });
  let stopped = false;
  const kiosk: TestKiosk = {
    config,
    store,
    forwarder,
    checkin: (n, scannedAt = clock.now()) => {
      const c = store.recorder.recordCheckin(
        checkinInput(cccdDoc(`0011900${String(n).padStart(5, '0')}`, `Khách Thử ${n}`), { scannedAt }),
      );
      forwarder.onCheckin(c);
      return c;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await forwarder.stop();
      store.close();
    },
  };
  afterThisTest(() => kiosk.stop());
  forwarder.start();
  return kiosk;
}

export { until } from '../helpers/until.js';

/**
 * hq/kiosk-1 online at `h`, having recorded check-ins 1..n and seen every one acknowledged (stored, or acknowledged
 * and lost by the central's injected `drop`).
 */
export async function kioskWithCheckins(h: CentralHarness, n: number): Promise<TestKiosk> {
  const k = await startKiosk(h);
  await until(() => h.app.tracker.state({ site: 'hq', device: 'kiosk-1' })?.state === 'online', 'kiosk online');
  for (let i = 1; i <= n; i++) k.checkin(i);
  await until(() => k.store.pendingCount() === 0, 'all acknowledged');
  return k;
}

export async function login(h: CentralHarness, user: string, role: 'viewer' | 'tracer' | 'admin'): Promise<string> {
  const { hashPassword } = await import('../../src/http/auth/password.js');
  await h.app.store.setUser(user, role, await hashPassword('correct horse', { N: 1024, r: 8, p: 1 }), T0);
  const r = await h.app.http.inject({ method: 'POST', url: '/api/login', payload: { user, password: 'correct horse' } });
  if (r.statusCode !== 200) throw new Error(`login failed: ${r.statusCode} ${r.body}`);
  const cookie = r.cookies.find((c) => c.name === 'qrgate_central_session');
  if (cookie === undefined) throw new Error('no session cookie');
  return `${cookie.name}=${cookie.value}`;
}
