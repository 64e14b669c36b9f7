/** The embedded broker's TLS listener with client certificates: a real kiosk gets in with its certificate and password; a client without one does not. */
import mqtt from 'mqtt';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makePki } from '../helpers/certs.js';
import { tempDir } from '../helpers/tmp.js';
import { addKiosk, startCentral, startKiosk, until } from './harness.js';

describe('central over TLS', () => {
  it('accepts a kiosk with a certificate signed by broker.listen.tls.ca, and refuses a client without one', async () => {
    const pki = makePki(tempDir('qrgate-pki-'), { clientCn: 'hq/kiosk-7', otherClientCn: 'hq/kiosk-8' });
    const h = await startCentral({
      broker: {
        listen: { host: '127.0.0.1', port: 0, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, requireClientCert: true } },
        groupCommitMs: 0,
      },
    });
    expect(h.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const k = await startKiosk(h, 'hq', 'kiosk-7', { mqtt: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } });
    await until(() => h.app.tracker.state({ site: 'hq', device: 'kiosk-7' })?.state === 'online', 'kiosk online over TLS');
    k.checkin(1);
    await until(() => k.store.pendingCount() === 0, 'delivered');
    expect(await h.app.store.findCheckins({ limit: 10 })).toHaveLength(1);
    await expect(
      mqtt.connectAsync(h.url, { ca: [pki.ca], protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000 }),
    ).rejects.toThrow();
  });

  it("refuses a kiosk's password presented with a certificate issued to another kiosk (the CN names the kiosk)", async () => {
    const pki = makePki(tempDir('qrgate-pki-'), { clientCn: 'hq/kiosk-7', otherClientCn: 'hq/kiosk-8' });
    const h = await startCentral({
      broker: {
        listen: { host: '127.0.0.1', port: 0, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, requireClientCert: true } },
      },
    });
    const dir = tempDir('qrgate-kiosk-');
    const password = readFileSync(await addKiosk(h, 'hq', 'kiosk-7', dir));
    const tls = {
      ca: [readFileSync(pki.ca)],
      protocolVersion: 4 as const,
      reconnectPeriod: 0,
      connectTimeout: 3000,
      username: 'hq/kiosk-7',
      password,
    };
    await expect(
      mqtt.connectAsync(h.url, { ...tls, cert: readFileSync(pki.otherClientCert), key: readFileSync(pki.otherClientKey) }),
    ).rejects.toThrow(/Bad username or password|Not authorized/);
    const own = await mqtt.connectAsync(h.url, { ...tls, cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) });
    await own.endAsync();
  });
});
