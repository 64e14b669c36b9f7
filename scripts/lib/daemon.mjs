// A real `qrgate run` child process with its JSON log lines parsed as they arrive (as test/helpers/daemon.ts),
// each stamped with performance.now() of its arrival.
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BIN, sleep, track } from './util.mjs';

export class Daemon {
  lines = [];
  stderr = '';

  constructor(configFile, { env = {}, nodeArgs = [], argvOverride } = {}) {
    this.spawnedAt = performance.now();
    this.proc = track(spawn(process.execPath, [...nodeArgs, ...(argvOverride ?? [BIN, 'run', '--config', configFile])], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
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
    return this.proc.pid;
  }

  get alive() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  kill(signal) {
    if (this.alive) this.proc.kill(signal);
  }

  /** SIGKILL and wait: for finally blocks. */
  async dispose() {
    if (this.alive) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }

  messages(msg) {
    return this.lines.filter((l) => l.msg === msg);
  }

  async waitFor(msg, timeoutMs = 10_000, count = 1) {
    const deadline = Date.now() + timeoutMs;
    while (this.messages(msg).length < count) {
      if (!this.alive) throw new Error(`daemon exited (${this.proc.exitCode ?? this.proc.signalCode}) before "${msg}": ${this.stderr.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for "${msg}" (${this.lines.length} log lines)`);
      await sleep(5);
    }
    return this.messages(msg);
  }
}

/** Writes a config file for a daemon whose state lives in `dir` (defaults as test/helpers/daemon.ts). */
export function writeConfig(dir, over = {}) {
  const config = {
    device: { id: 'kiosk-bench', site: 'bench-site' },
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

/** The check-in topic filter of the kiosk writeConfig describes. */
export const CHECKINS = 'qrgate/bench-site/kiosk-bench/checkins';
