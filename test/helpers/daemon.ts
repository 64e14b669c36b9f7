/** A real `qrgate run` child process, with its JSON log lines parsed as they arrive. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BIN } from './cli.js';

export type LogLine = Record<string, unknown> & { msg?: string };

export class Daemon {
  readonly lines: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly proc: ChildProcess;

  constructor(configFile: string, env: NodeJS.ProcessEnv = {}) {
    this.proc = spawn(process.execPath, [BIN, 'run', '--config', configFile], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    this.proc.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          this.lines.push(JSON.parse(line) as LogLine);
        } catch {
          this.lines.push({ msg: `(not JSON) ${line}` });
        }
      }
    });
    this.proc.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  kill(signal: NodeJS.Signals): void {
    this.proc.kill(signal);
  }

  messages(msg: string): LogLine[] {
    return this.lines.filter((l) => l.msg === msg);
  }

  async waitFor(msg: string, timeoutMs = 10_000, count = 1): Promise<LogLine[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages(msg).length < count) {
      if (this.proc.exitCode !== null) throw new Error(`daemon exited (${this.proc.exitCode}) before "${msg}": ${this.stderr}\n${JSON.stringify(this.lines)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for "${msg}": ${JSON.stringify(this.lines)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.messages(msg);
  }
}

/** Writes a config file for a daemon whose state lives in `dir`. */
export function writeConfig(dir: string, over: Record<string, unknown> = {}): string {
  const config = {
    device: { id: 'kiosk-test', site: 'test-site' },
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
