/** Connecting for real: TLS with a pinned CA and client certificates, passwords from a file, MQTT 3.1.1 brokers, requests. */
import { Aedes } from 'aedes';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makePki } from '../helpers/certs.js';
import { Daemon, writeConfig } from '../helpers/daemon.js';
import { freePort, Mosquitto } from '../helpers/mosquitto.js';
import { Subscriber } from '../helpers/subscriber.js';
import { tempDir } from '../helpers/tmp.js';
import { kioskConfig, startKiosk, until } from './harness.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function mosquitto(dir: string, listenerLines: string[] = [], scheme = 'mqtt'): Promise<Mosquitto> {
  const b = await Mosquitto.start(dir, { listenerLines }, scheme);
  cleanups.push(() => b.down());
  return b;
}

async function subscriber(url: string, options = {}): Promise<Subscriber> {
  const s = await Subscriber.connect(url, 'qrgate/hq/kiosk-7/#', options);
  cleanups.push(() => s.close());
  return s;
}

describe('MQTT connection', () => {
  it('connects over TLS with a pinned CA and a client certificate, and delivers', async () => {
    const dir = tempDir();
    const pki = makePki(dir);
    const tls = [`cafile ${pki.ca}`, `certfile ${pki.serverCert}`, `keyfile ${pki.serverKey}`, 'require_certificate true'];
    const b = await mosquitto(dir, tls, 'mqtts');
    const sub = await subscriber(b.url, {
      ca: [readFileSync(pki.ca)],
      cert: readFileSync(pki.clientCert),
      key: readFileSync(pki.clientKey),
    });
    const k = startKiosk(kioskConfig(dir, { url: b.url, ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }));
    k.checkin(1);
    await sub.until(() => sub.on('/checkins').length === 1, 'a check-in over TLS');
    expect(k.forwarder.status()).toMatchObject({ state: 'connected', lastError: null });
  });

  it.each([
    ['a broker certificate from another CA', 'wrong-ca'],
    ['no client certificate where the broker requires one', 'no-cert'],
  ])('refuses %s with E_MQTT_TLS and keeps the check-ins', async (_what, mistake) => {
    const dir = tempDir();
    const pki = makePki(dir);
    const tls = [`cafile ${pki.ca}`, `certfile ${pki.serverCert}`, `keyfile ${pki.serverKey}`, 'require_certificate true'];
    const b = await mosquitto(dir, tls, 'mqtts');
    const mqtt =
      mistake === 'wrong-ca' ? { url: b.url, ca: pki.otherCa, cert: pki.clientCert, key: pki.clientKey } : { url: b.url, ca: pki.ca };
    const k = startKiosk(kioskConfig(dir, mqtt));
    k.checkin(1);
    await until(() => k.forwarder.status().lastError !== null, 'a connection error');
    const status = k.forwarder.status();
    expect(status.state).not.toBe('connected');
    expect(status.lastError?.code).toBe('E_MQTT_TLS');
    expect(status.lastError?.detail).toMatch(mistake === 'wrong-ca' ? /certificate/i : /certificate|alert|handshake/i);
    expect(k.store.pendingCount()).toBe(1);
  });

  it('reads the password from a file, and reports a wrong one as E_MQTT_AUTH', async () => {
    const dir = tempDir();
    const passwd = join(dir, 'passwd');
    execFileSync('mosquitto_passwd', ['-b', '-c', passwd, 'kiosk', 'correct horse']);
    const b = await mosquitto(dir, ['allow_anonymous false', `password_file ${passwd}`]);
    writeFileSync(join(dir, 'good'), 'correct horse\n');
    writeFileSync(join(dir, 'bad'), 'wrong\n');
    const good = startKiosk(kioskConfig(join(dir), { url: b.url, username: 'kiosk', passwordFile: join(dir, 'good') }));
    await until(() => good.forwarder.status().state === 'connected', 'connected with the password file');
    await good.forwarder.stop();
    const badDir = tempDir();
    const bad = startKiosk(kioskConfig(badDir, { url: b.url, username: 'kiosk', passwordFile: join(dir, 'bad') }));
    await until(() => bad.forwarder.status().lastError !== null, 'refused');
    expect(bad.forwarder.status().lastError?.code).toBe('E_MQTT_AUTH');
    const missing = startKiosk(kioskConfig(tempDir(), { url: b.url, username: 'kiosk', passwordFile: join(dir, 'nope') }));
    await until(() => missing.forwarder.status().lastError !== null, 'file error');
    expect(missing.forwarder.status().lastError).toMatchObject({
      code: 'E_MQTT_FILE',
      detail: expect.stringContaining('mqtt.passwordFile') as unknown,
    });
  });

  it('falls back to MQTT 3.1.1 for a broker that does not speak MQTT 5', async () => {
    const dir = tempDir();
    const broker = await Aedes.createBroker();
    const server: Server = createServer((socket) => broker.handle(socket));
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    cleanups.push(async () => {
      await new Promise<void>((r) => broker.close(() => r())); // drops its clients, so the server can close
      await new Promise((r) => server.close(r));
    });
    const received: string[] = [];
    broker.on('publish', (packet) => {
      if (packet.topic.endsWith('/checkins')) received.push(packet.payload.toString());
    });
    const k = startKiosk(kioskConfig(dir, { url: `mqtt://127.0.0.1:${port}` }));
    k.checkin(1);
    await until(() => received.length === 1, 'a check-in through the 3.1.1 broker');
    expect(k.forwarder.status()).toMatchObject({ state: 'connected', protocolVersion: 4 });
  });

  it('answers ping, health and config requests with MQTT 5 correlation data and a tid', async () => {
    const dir = tempDir();
    const b = await mosquitto(dir);
    const k = startKiosk(kioskConfig(dir, { url: b.url }));
    await until(() => k.forwarder.status().state === 'connected', 'connected');
    const sub = await subscriber(b.url);
    for (const op of ['ping', 'health', 'config', 'reboot']) {
      await sub.client.publishAsync(`qrgate/hq/kiosk-7/request/${op}`, JSON.stringify({ tid: `t-${op}` }), {
        qos: 1,
        properties: { correlationData: Buffer.from(`c-${op}`) },
      });
    }
    await sub.until(() => sub.messages.filter((m) => m.topic.includes('/response/')).length === 4, 'four responses');
    const resp = (op: string) => sub.messages.find((m) => m.topic === `qrgate/hq/kiosk-7/response/${op}`);
    expect(resp('ping')).toMatchObject({ body: { ok: true, op: 'ping', tid: 't-ping', data: { pong: true, version: '9.9.9' } } });
    expect(resp('ping')?.correlationData?.toString()).toBe('c-ping');
    expect(resp('health')).toMatchObject({ body: { ok: true, tid: 't-health', data: { v: 1, pending: 0, mqtt: { protocolVersion: 5 } } } });
    expect(resp('config')).toMatchObject({ body: { ok: true, data: { device: { id: 'kiosk-7', site: 'hq' } } } });
    expect(JSON.stringify(resp('config')?.body)).not.toMatch(/correct horse/);
    expect(resp('reboot')).toMatchObject({ body: { ok: false, op: 'reboot', error: { code: 'E_UNKNOWN_OP' } } });
  });

  it('leaves a retained offline status when the daemon is killed, and is online again after restart', async () => {
    const dir = tempDir();
    const b = await mosquitto(dir);
    const config = writeConfig(dir, { device: { id: 'kiosk-7', site: 'hq' }, mqtt: { url: b.url, keepaliveSec: 5 } });
    const first = new Daemon(config);
    cleanups.push(async () => {
      first.kill('SIGKILL');
      await first.exited;
    });
    await first.waitFor('connected to the broker');
    const sub = await subscriber(b.url);
    await sub.until(() => sub.on('/status').some((m) => m.body.state === 'online'), 'online');
    first.kill('SIGKILL');
    await sub.until(() => sub.on('/status').some((m) => m.body.state === 'offline'), 'the last will');
    const late = await subscriber(b.url, { clientId: 'late' });
    await late.until(() => late.on('/status').length > 0, 'retained status');
    expect(late.on('/status')[0]).toMatchObject({ retain: true, body: { state: 'offline' } });
    const second = new Daemon(config);
    cleanups.push(async () => {
      second.kill('SIGKILL');
      await second.exited;
    });
    await second.waitFor('connected to the broker');
    await late.until(() => late.on('/status').some((m) => m.body.state === 'online'), 'online again');
  });
});
