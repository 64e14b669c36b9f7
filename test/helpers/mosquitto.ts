/**
 * A real Mosquitto broker on a free loopback port, started by the test. It can be killed and started again on the
 * same port, with its persistence file kept (a clean restart) or thrown away (a broker that lost its sessions).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';

const BINARY = '/usr/sbin/mosquitto';

export function requireMosquitto(): void {
  if (!existsSync(BINARY)) {
    throw new Error('mosquitto is missing: the MQTT tests need a real broker. Run scripts/test-deps.sh (as root) or `apt-get install mosquitto`.');
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface BrokerOptions {
  /** Extra mosquitto.conf lines for the listener (TLS, auth). */
  readonly listenerLines?: readonly string[];
  readonly persistence?: boolean;
}

export class Mosquitto {
  readonly url: string;
  private proc: ChildProcess | undefined;
  log = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly options: BrokerOptions,
    scheme = 'mqtt',
  ) {
    this.url = `${scheme}://127.0.0.1:${port}`;
  }

  static async start(dir: string, options: BrokerOptions = {}, scheme = 'mqtt'): Promise<Mosquitto> {
    requireMosquitto();
    const broker = new Mosquitto(await freePort(), dir, options, scheme);
    await broker.up();
    return broker;
  }

  async up(): Promise<void> {
    const data = join(this.dir, 'mosquitto-data');
    mkdirSync(data, { recursive: true });
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `persistence ${this.options.persistence === false ? 'false' : 'true'}`,
        `persistence_location ${data}/`,
        'autosave_interval 1',
        // Started as root, mosquitto drops to its own user, which cannot read the test's private temp folders.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        `listener ${this.port} 127.0.0.1`,
        'allow_anonymous true',
        'max_inflight_messages 0',
        'max_queued_messages 0',
        ...(this.options.listenerLines ?? []),
        '',
      ].join('\n'),
    );
    const proc = spawn(BINARY, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.setEncoding('utf8').on('data', (d: string) => (this.log += d));
    this.proc = proc;
    const deadline = Date.now() + 5000;
    while (!(await accepts(this.port))) {
      if (proc.exitCode !== null) throw new Error(`mosquitto exited: ${this.log}`);
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${this.port}: ${this.log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGTERM saves the persistence file (a clean restart); SIGKILL does not. */
  async down(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.proc;
    if (proc === undefined || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  }

  /** Forget every session and retained message, as a broker restored from nothing would. */
  wipe(): void {
    rmSync(join(this.dir, 'mosquitto-data'), { recursive: true, force: true });
  }
}
