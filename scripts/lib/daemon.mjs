// A real `qrgate run` child process, started by a test, a benchmark or a chaos scenario (the vitest suite imports it
// through test/helpers/daemon.ts; types in daemon.d.mts). Its JSON log lines are parsed as they arrive, each
// stamped with performance.now() of its arrival.
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BIN, sleep, track } from './util.mjs';

/** The node options qrgate.service starts the daemon with (its ExecStart, between node and the script). */
export const SERVICE_NODE_OPTIONS = (() => {
  const unit = readFileSync(new URL('../../systemd/qrgate.service', import.meta.url), 'utf8');
  const words = (/^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '').trim().split(/\s+/);
  const script = words.findIndex((w) => w.endsWith('/bin/qrgate.js'));
  if (script < 1) throw new Error('systemd/qrgate.service: ExecStart does not run node …/bin/qrgate.js');
  return Object.freeze(words.slice(1, script));
})();

/**
 * The environment qrgate.service sets (its Environment= lines, e.g. MALLOC_ARENA_MAX): every Daemon gets it, so a
 * benchmark's memory figures are the installed daemon's.
 */
export const SERVICE_ENV = (() => {
  const unit = readFileSync(new URL('../../systemd/qrgate.service', import.meta.url), 'utf8');
  const env = {};
  for (const [, name, value] of unit.matchAll(/^Environment=([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)) env[name] = value.trim();
  return Object.freeze(env);
})();

export class Daemon {
  lines = [];
  stderr = '';

  /**
   * @param {string} configFile
   * @param {{ env?: Record<string, string>, nodeArgs?: string[], argvOverride?: string[] }} [options]
   */
  constructor(configFile, { env = {}, nodeArgs = [], argvOverride } = {}) {
    this.spawnedAt = performance.now();
    // As the service runs it (also for a script run instead, such as the bench skeleton: same heap settings).
    const argv = [...SERVICE_NODE_OPTIONS, ...nodeArgs, ...(argvOverride ?? [BIN, 'run', '--config', configFile])];
    this.proc = track(
      spawn(process.execPath, argv, { env: { ...process.env, ...SERVICE_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    let buffer = '';
    this.proc.stdout.setEncoding('utf8').on('data', (d) => {
      const at = performance.now();
      buffer += d;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let parsed;
        try {
          parsed = JSON.parse(line);
        } catch {
          parsed = { msg: `(not JSON) ${line}` };
        }
        parsed.at = at;
        this.lines.push(parsed);
      }
    });
    this.proc.stderr.setEncoding('utf8').on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
  }

  get pid() {
    return this.proc.pid ?? -1;
  }

  get alive() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Sends `signal` if the daemon still runs; await `exited` for it to end. */
  kill(signal) {
    if (this.alive) this.proc.kill(signal);
  }

  /** SIGKILL and wait: for finally blocks and afterEach. */
  async dispose() {
    if (this.alive) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }

  messages(msg) {
    return this.lines.filter((l) => l.msg === msg);
  }

  /** Waits until `count` lines with this msg arrived; throws at once if the daemon ends first. */
  async waitFor(msg, timeoutMs = 10_000, count = 1) {
    const deadline = Date.now() + timeoutMs;
    while (this.messages(msg).length < count) {
      if (!this.alive)
        throw new Error(
          `daemon exited (${this.proc.exitCode ?? this.proc.signalCode}) before "${msg}": ${this.stderr.slice(-2000)}\n${this.#tail()}`,
        );
      if (Date.now() > deadline) throw new Error(`timed out waiting for "${msg}" (${this.lines.length} log lines): ${this.#tail()}`);
      await sleep(5);
    }
    return this.messages(msg);
  }

  /** The last log lines, for error messages. */
  #tail() {
    return JSON.stringify(this.lines.slice(-30));
  }
}

/** The kiosk writeConfig describes unless `over` names another. */
export const DEVICE = Object.freeze({ id: 'kiosk-bench', site: 'bench-site' });

/** The check-in topic filter of that kiosk. */
export const CHECKINS = `qrgate/${DEVICE.site}/${DEVICE.id}/checkins`;

/**
 * Writes `dir`/config.yaml for a daemon whose state lives in `dir`: DEVICE, store files in `dir`, clock synced, the
 * status page on a free port, info logs, no broker. `over` replaces whole top-level sections.
 */
export function writeConfig(dir, over = {}) {
  const config = {
    device: { ...DEVICE },
    store: { path: join(dir, 'qrgate.db'), keyFile: join(dir, 'store.key') },
    clock: { synced: true },
    http: { port: 0 },
    log: { level: 'info' },
    ...over,
  };
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(config));
  return file;
}
