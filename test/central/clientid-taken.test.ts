/**
 * Two central consumers never share a client id: the one whose session is taken over stops for good with
 * E_MQTT_CLIENTID_TAKEN (/health failing, `qrgate central run` exiting 79), and the other keeps the session and goes
 * on storing. Against the real Mosquitto of Debian 12 (2.0.11), which closes the displaced connection without a
 * reason, and against a broker that sends MQTT 5 reason 0x8E (as Mosquitto 2.0.15+ and EMQX do; none is packaged
 * here, so a minimal stand-in speaks that part of the protocol through mqtt-packet).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { CentralApp } from '../../src/central/app.js';
import { afterThisTest } from '../helpers/after-test.js';
import { BIN } from '../helpers/cli.js';
import { freePort, Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';
import { startCentral, startKiosk, until, type CentralHarness } from './harness.js';

async function mosquitto(dir: string): Promise<Mosquitto> {
  const b = await Mosquitto.start(dir);
  afterThisTest(() => b.down());
  return b;
}

const consumer = (url: string, dir: string, clientId: string): Promise<CentralHarness> =>
  startCentral({ broker: { url, clientId, groupCommitMs: 2 } }, {}, dir);

async function stored(app: CentralApp): Promise<number> {
  return (await app.metrics.stored.get()).values[0]?.value ?? 0;
}

/** Resolves with the failure, or with 'running' if the app has not failed within `ms`. */
const failedWithin = (app: CentralApp, ms: number) =>
  Promise.race([app.failed, new Promise<'running'>((r) => setTimeout(() => r('running'), ms))]);

describe('a consumer whose client id another process takes', () => {
  it('on Mosquitto 2.0.11 (no reason sent): the first consumer stops with E_MQTT_CLIENTID_TAKEN, the second keeps storing', async () => {
    const dir = tempDir('qrgate-clientid-');
    const b = await mosquitto(dir);
    const first = await consumer(b.url, dir, 'central-1');
    const k = await startKiosk(first);
    await until(() => k.forwarder.status().state === 'connected', 'the kiosk connected', 20_000);
    for (let i = 1; i <= 50; i += 1) k.checkin(i);
    await until(async () => (await stored(first.app)) === 50, 'the first consumer stored 50');
    // A second process misconfigured with the same id.
    const second = await consumer(b.url, dir, 'central-1');
    const failure = await failedWithin(first.app, 30_000);
    expect(failure).toMatchObject({ code: 'E_MQTT_CLIENTID_TAKEN' });
    const health = await first.app.health();
    expect(health.ok).toBe(false);
    expect(health.checks.broker?.detail).toMatch(/^E_MQTT_CLIENTID_TAKEN: .*same client id/);
    // No fight: the second keeps the session, stays connected and stores what comes next.
    await until(async () => (await second.app.health()).ok, 'the second consumer connected');
    for (let i = 51; i <= 250; i += 1) k.checkin(i);
    await until(async () => (await stored(second.app)) >= 200, 'the second consumer stored the next 200', 60_000);
    expect(await stored(first.app)).toBe(50);
    expect(await failedWithin(second.app, 3000)).toBe('running');
    expect((await second.app.health()).ok).toBe(true);
    const seqs = (await second.app.store.findCheckins({ site: 'hq', device: 'kiosk-1', limit: 1000 })).map((r) => r.seq);
    expect(seqs.sort((x, y) => x - y)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  }, 120_000);

  it('on a broker that sends DISCONNECT with reason 0x8E: stops at once, without reconnecting', async () => {
    const sockets: Socket[] = [];
    let connects = 0;
    const server = createServer((socket) => {
      sockets.push(socket);
      const parser = mqttPacket.parser({ protocolVersion: 5 });
      const send = (packet: object): boolean => socket.write(mqttPacket.generate(packet as mqttPacket.Packet, { protocolVersion: 5 }));
      parser.on('packet', (p) => {
        if (p.cmd === 'connect') {
          connects += 1;
          send({ cmd: 'connack', reasonCode: 0, sessionPresent: false });
        } else if (p.cmd === 'subscribe') send({ cmd: 'suback', messageId: p.messageId, granted: p.subscriptions.map(() => 1) });
        else if (p.cmd === 'pingreq') send({ cmd: 'pingresp' });
      });
      socket.on('data', (d: Buffer) => parser.parse(d));
      socket.on('error', () => undefined);
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    afterThisTest(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    });
    const h = await consumer(`mqtt://127.0.0.1:${port}`, tempDir('qrgate-clientid-'), 'central-1');
    expect((await h.app.health()).ok).toBe(true);
    // What the broker tells the displaced connection when another one took its session.
    const last = sockets.at(-1);
    last?.end(mqttPacket.generate({ cmd: 'disconnect', reasonCode: 142 }, { protocolVersion: 5 }));
    expect(await failedWithin(h.app, 5000)).toMatchObject({ code: 'E_MQTT_CLIENTID_TAKEN' });
    expect((await h.app.health()).checks.broker?.detail).toMatch(/^E_MQTT_CLIENTID_TAKEN: .*reason 0x8E/);
    await new Promise((r) => setTimeout(r, 2000)); // longer than the first reconnect delay (0.5 s)
    expect(connects).toBe(1);
  }, 30_000);

  it('qrgate central run exits 79 with the code, the client id and the fix, once another process takes its client id', async () => {
    const dir = tempDir('qrgate-clientid-');
    const b = await mosquitto(dir);
    const config = join(dir, 'central.yaml');
    writeFileSync(
      config,
      stringify({
        broker: { url: b.url, clientId: 'central-7' },
        store: { path: join(dir, 'cli.db'), keyFile: join(dir, 'cli.key') },
        http: { host: '127.0.0.1', port: 0 },
        log: { level: 'info' },
      }),
    );
    const child = spawn(process.execPath, [BIN, 'central', 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    afterThisTest(() => void child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until(() => stdout.includes('consuming from the external broker'), 'the process consuming', 30_000);
    await consumer(b.url, dir, 'central-7');
    expect(await exited).toBe(79);
    expect(stderr).toContain('qrgate central: E_MQTT_CLIENTID_TAKEN:');
    const fatal = stdout
      .split('\n')
      .filter((l) => l.includes('E_MQTT_CLIENTID_TAKEN'))
      .map((l) => JSON.parse(l) as { clientId?: string; msg?: string });
    expect(fatal[0]?.clientId).toBe('central-7');
    expect(fatal[0]?.msg).toMatch(/client id "central-7".*give every central process its own broker\.clientId/);
  }, 60_000);
});
