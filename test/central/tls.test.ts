/** The embedded broker's TLS listener with client certificates: a real kiosk gets in with its certificate and password; a client without one does not. */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { makePki } from '../helpers/certs.js';
import { tempDir } from '../helpers/tmp.js';
import { startCentral, startKiosk, until } from './harness.js';

describe('central over TLS', () => {
  it('accepts a kiosk with a certificate signed by broker.listen.tls.ca, and refuses a client without one', async () => {
    const pki = makePki(tempDir('qrgate-pki-'));
    const h = await startCentral({ broker: { listen: { host: '127.0.0.1', port: 0, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, requireClientCert: true } }, groupCommitMs: 0 } });
    expect(h.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const k = await startKiosk(h, 'hq', 'kiosk-7', { mqtt: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } });
    await until(() => h.app.tracker.state({ site: 'hq', device: 'kiosk-7' })?.state === 'online', 'kiosk online over TLS');
    k.checkin(1);
    await until(() => k.store.pendingCount() === 0, 'delivered');
    expect(await h.app.store.findCheckins({ limit: 10 })).toHaveLength(1);
    await expect(mqtt.connectAsync(h.url, { ca: [pki.ca], protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000 })).rejects.toThrow();
  });
});
