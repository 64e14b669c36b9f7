// A real Mosquitto on a free loopback port, started by a test, a benchmark or a chaos scenario (the vitest suite
// imports it through test/helpers/mosquitto.ts; types in broker.d.mts), plus a central consumer. Down/up keeps the
// port; wipe() forgets every session, as a broker restored from nothing would.
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { sleep, track, waitUntil } from './util.mjs';

const BINARY = '/usr/sbin/mosquitto';

export function requireMosquitto() {
  if (!existsSync(BINARY)) {
    throw new Error(
      'mosquitto is missing: the MQTT tests need a real broker. Run scripts/test-deps.sh (as root) or `apt-get install mosquitto`.',
    );
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class Mosquitto {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  proc = undefined;
  log = '';

  constructor(port, dir, { persistence = true, listenerLines = [], queueLimits = 'unlimited' } = {}, scheme = 'mqtt') {
    this.port = port;
    this.dir = dir;
    this.persistence = persistence;
    /**
     * 'unlimited' (0 in flight, 0 queued: no message dropped per session), or 'mosquitto': the broker's own defaults
     * (20 in flight, 1,000 queued per session, the rest dropped), which a district's broker left as installed has.
     */
    if (!['unlimited', 'mosquitto'].includes(queueLimits)) throw new Error(`queueLimits: ${queueLimits}`);
    this.queueLimits = queueLimits;
    /** Extra mosquitto.conf lines for the listener (TLS, authentication). */
    this.listenerLines = listenerLines;
    this.url = `${scheme}://127.0.0.1:${port}`;
  }

  static async start(dir, options = {}, scheme = 'mqtt') {
    requireMosquitto();
    const broker = new Mosquitto(await freePort(), dir, options, scheme);
    await broker.up();
    return broker;
  }

  get running() {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async up() {
    const data = join(this.dir, 'mosquitto-data');
    mkdirSync(data, { recursive: true });
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `persistence ${this.persistence ? 'true' : 'false'}`,
        `persistence_location ${data}/`,
        'autosave_interval 1',
        // Started as root, mosquitto drops to its own user, which cannot read the callers' private temp folders.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        `listener ${this.port} 127.0.0.1`,
        'allow_anonymous true',
        ...(this.queueLimits === 'unlimited' ? ['max_inflight_messages 0', 'max_queued_messages 0'] : []),
        ...this.listenerLines,
        '',
      ].join('\n'),
    );
    const proc = track(spawn(BINARY, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] }));
    proc.stderr.setEncoding('utf8').on('data', (d) => (this.log += d));
    this.proc = proc;
    const deadline = Date.now() + 5000;
    while (!(await accepts(this.port))) {
      if (proc.exitCode !== null) throw new Error(`mosquitto exited: ${this.log}`);
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${this.port}: ${this.log}`);
      await sleep(20);
    }
  }

  /**
   * SIGTERM saves the persistence file; SIGKILL does not.
   * @param {NodeJS.Signals} [signal]
   */
  async down(signal = 'SIGKILL') {
    const proc = this.proc;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  }

  wipe() {
    rmSync(join(this.dir, 'mosquitto-data'), { recursive: true, force: true });
  }
}

/**
 * The central consumer: a persistent session (clean: false) at QoS 1 on one kiosk's check-ins, keeping the id
 * and seq of every message and when it arrived (performance.now()).
 */
export class Consumer {
  received = []; // { id, seq, at }
  constructor(client) {
    this.client = client;
  }

  static async connect(url, filter, { qos = 1, clientId = `chaos-consumer-${process.pid}-${Date.now()}` } = {}) {
    const client = await mqtt.connectAsync(url, {
      protocolVersion: 5,
      clean: false,
      clientId,
      reconnectPeriod: 200,
      properties: { sessionExpiryInterval: 3600 },
    });
    const consumer = new Consumer(client);
    client.on('error', () => undefined);
    client.on('message', (_topic, payload) => {
      const at = performance.now();
      const text = payload.toString('utf8');
      const seq = /"seq":(\d+)/.exec(text);
      const id = /"id":"([^"]+)"/.exec(text);
      if (seq && id) consumer.received.push({ id: id[1], seq: Number(seq[1]), at });
    });
    await client.subscribeAsync(filter, { qos: /** @type {0 | 1 | 2} */ (qos) });
    return consumer;
  }

  async until(cond, what, timeoutMs) {
    await waitUntil(cond, what, timeoutMs, 20);
  }

  async close() {
    await this.client.endAsync(true);
  }
}
