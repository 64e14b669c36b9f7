/** Shared set-up of the provisioning tests: a Mosquitto that wants a password, and file inspection helpers. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterThisTest } from '../helpers/after-test.js';
import { BIN } from '../helpers/cli.js';
import { Mosquitto } from '../helpers/mosquitto.js';

export const PASSWORD = 'correct horse battery staple';

export async function passwordBroker(dir: string): Promise<Mosquitto> {
  const passwd = join(dir, 'passwd');
  execFileSync('mosquitto_passwd', ['-b', '-c', passwd, 'cong-1', PASSWORD]);
  const broker = await Mosquitto.start(dir, { listenerLines: ['allow_anonymous false', `password_file ${passwd}`] });
  afterThisTest(() => broker.down());
  return broker;
}

export function mode(file: string): string {
  return (statSync(file).mode & 0o777).toString(8);
}

export function read(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** `qrgate ARGS` as a real process whose output is watched while it runs (to answer, or to scan, at the right time). */
export class LiveCli {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[], stdin = '') {
    this.child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.child.stdin?.end(stdin);
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
    afterThisTest(() => {
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    });
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  /** Resolves once the output contains `text` (counting from `after` characters), or fails after `ms`. */
  async waitFor(text: string | RegExp, ms = 15_000, after = 0): Promise<void> {
    const deadline = Date.now() + ms;
    const seen = (): boolean => (typeof text === 'string' ? this.output.slice(after).includes(text) : text.test(this.output.slice(after)));
    while (!seen()) {
      if (this.child.exitCode !== null) throw new Error(`exited (${this.child.exitCode}) before printing ${String(text)}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`no ${String(text)} within ${ms} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
