/**
 * An in-process App for the HTTP tests: a real store, pipeline and forwarder (no broker), scanners that scan when
 * told to, and the JSON log captured so tests can check what was (and was not) logged.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterThisTest } from '../helpers/after-test.js';
import { BaseDriver } from '../../drivers/base-driver.js';
import type { ScannerEntry } from '../../drivers/config.js';
import { App } from '../../src/app.js';
import { resolveConfig } from '../../src/config/load.js';
import { hashPassword } from '../../src/http/auth/password.js';
import { createLogger } from '../../src/logger.js';
import { tempDir } from '../helpers/tmp.js';
import { runningClock, type TestClock } from '../helpers/clock.js';
import type { Clock } from '../../src/core/clock.js';

export class TestScanner extends BaseDriver {
  constructor(
    id: string,
    private readonly testClock: Clock,
  ) {
    super(id);
  }

  async start(): Promise<void> {
    this.setConnected('test scanner');
    await Promise.resolve();
  }

  async stop(): Promise<void> {
    this.setStopped();
    await Promise.resolve();
  }

  scan(text: string): void {
    this.emitFrame(Buffer.from(text, 'utf8'), this.testClock.now());
  }

  unplug(): void {
    this.setDisconnected('unplugged by the test');
  }

  /** A driver that cannot read (e.g. E_READ_FAILED): the error state stays until the driver recovers. */
  fail(code: 'E_READ_FAILED' | 'E_PERMISSION' | 'E_PORT_OPEN', detail: string): void {
    this.setError(code, detail);
  }

  /** What a driver reports for a run longer than maxFrameBytes: the error, then connected again. */
  oversized(): void {
    this.setError('E_FRAME_TOO_LONG', 'a 5000-byte run without a terminator; discarded');
    this.setConnected('test scanner');
  }
}

export const PASSWORD = 'correct horse battery staple';
/** Cheap scrypt cost for tests; the format and the comparison are the same as in production. */
const TEST_COST = { N: 1024, r: 8, p: 1 };

export interface Harness {
  readonly app: App;
  /** The daemon's clock: TEST_NOW at the start, running at the real pace. */
  readonly clock: TestClock;
  readonly dir: string;
  readonly scanners: Map<string, TestScanner>;
  readonly logLines: () => Array<Record<string, unknown>>;
  readonly logText: () => string;
}

export interface HarnessOptions {
  readonly scanners?: readonly string[];
  readonly password?: boolean;
  readonly config?: Record<string, unknown>;
  readonly listen?: boolean;
  /** A folder whose store (qrgate.db, store.key) the daemon opens: a kiosk restarted over what it had. Default: a new one. */
  readonly dir?: string;
}

export async function startApp(options: HarnessOptions = {}): Promise<Harness> {
  const dir = options.dir ?? tempDir('qrgate-http-');
  const hashFile = join(dir, 'tech.hash');
  if (options.password !== false) writeFileSync(hashFile, `${await hashPassword(PASSWORD, TEST_COST)}\n`, { mode: 0o600 });
  const { config } = resolveConfig(
    {
      device: { id: 'kiosk-1', site: 'hq' },
      store: { path: join(dir, 'qrgate.db'), keyFile: join(dir, 'store.key') },
      clock: { synced: true },
      http: { port: 0, passwordHashFile: hashFile },
      scanners: (options.scanners ?? ['gate']).map((id) => ({ id, type: 'simulated', source: 'stdin' })),
      ...options.config,
    },
    {},
  );
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString('utf8')));
  const scanners = new Map<string, TestScanner>();
  const clock = runningClock();
  const app = App.open(config, {
    logger: createLogger('debug', out),
    clock,
    driverFactory: (entry: ScannerEntry) => {
      const s = new TestScanner(entry.id, clock);
      scanners.set(entry.id, s);
      return s;
    },
  });
  await app.start();
  afterThisTest(async () => app.stop());
  return {
    app,
    clock,
    dir,
    scanners,
    logText: () => text,
    logLines: () =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** The session cookie from a login, for the next requests. */
export async function login(h: Harness): Promise<string> {
  const res = await h.app.http.inject({ method: 'POST', url: '/api/tech/login', payload: { password: PASSWORD } });
  if (res.statusCode !== 204) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'qrgate_session');
  if (cookie === undefined) throw new Error('no session cookie');
  return `qrgate_session=${cookie.value}`;
}
