// qrgate central as a child process for benchmarks and chaos scenarios: the real `qrgate central run` (bin/), or,
// with an injected loss or storing off, scripts/lib/central-child.mjs (the same CentralApp). JSON log lines are
// parsed as they arrive; `kioskPassword` registers a kiosk through the real CLI (`qrgate central kiosk add`).
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freePort } from './broker.mjs';
import { BIN, sleep, track } from './util.mjs';

const CHILD = fileURLToPath(new URL('./central-child.mjs', import.meta.url));

/**
 * `brokerUrl` (with `clientId`, `sharedGroup`): a consumer of that external broker instead of the embedded one;
 * `storeUrl`: PostgreSQL instead of the SQLite file. `over` replaces whole sections.
 * @param {string} dir
 * @param {{ port?: number, over?: Record<string, unknown>, brokerUrl?: string, storeUrl?: string, clientId?: string, sharedGroup?: string }} [options]
 */
export function writeCentralConfig(dir, { port, over = {}, brokerUrl, storeUrl, clientId, sharedGroup } = {}) {
  const file = join(dir, 'central.yaml');
  const external = { ...(brokerUrl ? { url: brokerUrl } : {}), ...(clientId ? { clientId } : {}), ...(sharedGroup ? { sharedGroup } : {}) };
  writeFileSync(
    file,
    stringify({
      broker: { listen: { host: '127.0.0.1', port }, ...external },
      store: { path: join(dir, 'central.db'), keyFile: join(dir, 'central.key'), ...(storeUrl ? { url: storeUrl } : {}) },
      http: { host: '127.0.0.1', port: 0 },
      fleet: { resendAfterSec: 2 },
      log: { level: 'info' },
      ...over,
    }),
  );
  return file;
}

export class Central {
  /** @type {Array<Record<string, unknown>>} */
  lines = [];
  stderr = '';
  /** Set by start(). */
  url = '';
  port = 0;

  /** `flags`: central-child.mjs flags (then that script runs), or none (then `qrgate central run`). */
  /**
   * @param {string} configFile
   * @param {string[]} [flags]
   */
  constructor(configFile, flags = []) {
    const argv = flags.length === 0 ? [BIN, 'central', 'run', '--config', configFile] : [CHILD, configFile, ...flags];
    this.proc = track(spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let buffer = '';
    this.proc.stdout.setEncoding('utf8').on('data', (d) => {
      buffer += d;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          this.lines.push(JSON.parse(line));
        } catch {
          this.lines.push({ msg: `(not JSON) ${line}` });
        }
      }
    });
    this.proc.stderr.setEncoding('utf8').on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /**
   * `external`: writeCentralConfig's brokerUrl, storeUrl, clientId and sharedGroup; `url` is then the external broker's.
   * @param {string} dir
   * @param {{ port?: number, flags?: string[], over?: Record<string, unknown>, brokerUrl?: string, storeUrl?: string, clientId?: string, sharedGroup?: string }} [options]
   */
  static async start(dir, { port, flags = [], over = {}, ...external } = {}) {
    const p = port ?? (await freePort());
    const c = new Central(writeCentralConfig(dir, { port: p, over, ...external }), flags);
    await c.waitFor('central ready', 30_000);
    c.url = external.brokerUrl ?? `mqtt://127.0.0.1:${p}`;
    c.port = p;
    return c;
  }

  get pid() {
    return this.proc.pid ?? -1;
  }

  get alive() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  kill(signal) {
    if (this.alive) this.proc.kill(signal);
  }

  async dispose() {
    if (this.alive) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }

  async waitFor(msg, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.lines.some((l) => l.msg === msg)) {
      if (!this.alive) throw new Error(`central exited before "${msg}": ${this.stderr.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for central's "${msg}"`);
      await sleep(10);
    }
  }
}

/** `qrgate central kiosk add SITE DEVICE` through the CLI; writes the password to `file` (0600). */
export function addKiosk(configFile, site, device, file) {
  const password = execFileSync(process.execPath, [BIN, 'central', 'kiosk', 'add', site, device, '--config', configFile], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
  writeFileSync(file, password, { mode: 0o600 });
}

/** Rows at central, read by a separate read-only connection (WAL lets it read while central writes). */
export async function centralRows(dir) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dir, 'central.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id, site, device, seq FROM checkins').all();
  } finally {
    db.close();
  }
}
