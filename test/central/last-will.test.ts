/**
 * A real `qrgate run` kiosk killed with kill -9, and a kiosk whose link went half-open (no FIN, no RST: a cable
 * pulled, a NAT that forgot it): the broker publishes its last will and the fleet shows it offline.
 */
import mqttPacket from 'mqtt-packet';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { afterThisTest } from '../helpers/after-test.js';
import { Daemon, writeConfig } from '../helpers/daemon.js';
import { tempDir } from '../helpers/tmp.js';
import { addKiosk, startCentral, T0, until } from './harness.js';

const KEEPALIVE_SEC = 2;

describe('kiosk state from the retained status and the last will', () => {
  it('shows a kiosk offline once it dies without a goodbye', async () => {
    const h = await startCentral();
    const dir = tempDir('qrgate-kiosk-');
    const passwordFile = await addKiosk(h, 'hq', 'kiosk-9', dir);
    const d = new Daemon(
      writeConfig(dir, {
        device: { id: 'kiosk-9', site: 'hq' },
        store: { path: join(dir, 'q.db'), keyFile: join(dir, 'k') },
        mqtt: { url: h.url, username: 'hq/kiosk-9', passwordFile, keepaliveSec: 5 },
      }),
    );
    afterThisTest(() => d.dispose());
    const kiosk = { site: 'hq', device: 'kiosk-9' };
    await until(() => h.app.tracker.state(kiosk)?.state === 'online', 'online', 30_000);
    expect(h.app.tracker.state(kiosk)?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(h.app.tracker.healthOf(kiosk)?.lastSeq).toBe(0);
    d.kill('SIGKILL');
    await d.exited;
    await until(() => h.app.tracker.state(kiosk)?.state === 'offline', 'offline after kill -9', 10_000);
  });

  it('shows a half-open kiosk offline after 1.5 x its keep-alive, though the kiosk never closes its socket (the broker does)', async () => {
    const h = await startCentral();
    const password = readFileSync(await addKiosk(h, 'hq', 'kiosk-h', tempDir('qrgate-kiosk-')));
    const kiosk = { site: 'hq', device: 'kiosk-h' };
    // The kiosk's CONNECT (keep-alive 2 s, its last will), its online status, then silence: no PINGREQ, and the
    // socket is kept open, as a half-open TCP link looks from the broker's side.
    const url = new URL(h.url);
    const socket = createConnection({ host: url.hostname, port: Number(url.port) });
    afterThisTest(() => socket.destroy());
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.on('data', () => undefined); // CONNACK, PUBACK: read and ignored
    const status = (state: string): Buffer =>
      Buffer.from(JSON.stringify(state === 'online' ? { state, since: new Date(T0).toISOString(), version: '9.9.9' } : { state }));
    socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clientId: 'qrgate-hq-kiosk-h',
        clean: true,
        keepalive: KEEPALIVE_SEC,
        username: 'hq/kiosk-h',
        password,
        will: { topic: 'qrgate/hq/kiosk-h/status', payload: status('offline'), qos: 1, retain: true },
      }),
    );
    socket.write(
      mqttPacket.generate({
        cmd: 'publish',
        topic: 'qrgate/hq/kiosk-h/status',
        payload: status('online'),
        qos: 1,
        messageId: 1,
        retain: true,
        dup: false,
      }),
    );
    // The kiosk's last packet: the broker's keep-alive clock for this link starts when it reads it, so no earlier.
    const lastPacketAt = performance.now();
    await until(() => h.app.tracker.state(kiosk)?.state === 'online', 'online');
    await until(() => h.app.tracker.state(kiosk)?.state === 'offline', 'offline once the keep-alive ran out', 10_000);
    const afterMs = performance.now() - lastPacketAt;
    // The rule: offline 1.5 x the keep-alive (3 s) after the last packet; not before it (50 ms for timer rounding),
    // and by then, with 1.5 s for the will's delivery and this check's polling on a loaded 2-core machine.
    expect(afterMs).toBeGreaterThanOrEqual(1.5 * KEEPALIVE_SEC * 1000 - 50);
    expect(afterMs).toBeLessThanOrEqual(1.5 * KEEPALIVE_SEC * 1000 + 1500);
    // The broker gave up on the link (the kiosk side never closed it): what a half-open link's far end sees.
    await until(() => socket.destroyed || socket.readableEnded, 'the broker closed the link');
  });
});
