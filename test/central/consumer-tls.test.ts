/**
 * Central consuming from an external broker over TLS (broker.url mqtts://, broker.ca, broker.cert, broker.key),
 * against a real Mosquitto whose listener requires client certificates: a consumer pinned to the broker's CA and
 * presenting its certificate stores a kiosk's check-ins; a consumer pinned to another CA, or without a certificate,
 * is refused and says so with E_MQTT_TLS on /health.
 */
import { describe, expect, it } from 'vitest';
import { makePki, type TestPki } from '../helpers/certs.js';
import { afterThisTest } from '../helpers/after-test.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';
import { startCentral, startKiosk, until } from './harness.js';

async function tlsBroker(dir: string, pki: TestPki): Promise<Mosquitto> {
  const b = await Mosquitto.start(
    dir,
    { listenerLines: [`cafile ${pki.ca}`, `certfile ${pki.serverCert}`, `keyfile ${pki.serverKey}`, 'require_certificate true'] },
    'mqtts',
  );
  afterThisTest(() => b.down());
  return b;
}

describe('central consuming from a TLS broker (Mosquitto, client certificates required)', () => {
  it('with the broker CA pinned and a client certificate, stores what a TLS kiosk sends', async () => {
    const dir = tempDir('qrgate-consumer-tls-');
    const pki = makePki(dir, { clientCn: 'central-1', otherClientCn: 'hq/kiosk-1' });
    const b = await tlsBroker(dir, pki);
    expect(b.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const h = await startCentral(
      { broker: { url: b.url, clientId: 'central-1', ca: pki.ca, cert: pki.clientCert, key: pki.clientKey, groupCommitMs: 2 } },
      {},
      dir,
    );
    expect((await h.app.health()).checks.broker).toEqual({ ok: true, detail: `consuming from ${b.url} as central-1` });
    const k = await startKiosk(h, 'hq', 'kiosk-1', {
      register: false,
      mqtt: { ca: pki.ca, cert: pki.otherClientCert, key: pki.otherClientKey },
    });
    await until(() => k.forwarder.status().state === 'connected', 'the kiosk connected over TLS', 20_000);
    for (let i = 1; i <= 20; i += 1) k.checkin(i);
    await until(async () => (await h.app.store.findCheckins({ limit: 100 })).length === 20, 'the 20 check-ins stored', 30_000);
    await until(() => k.store.pendingCount() === 0, 'the kiosk drained');
  }, 60_000);

  it('refuses a broker whose certificate another CA signed, and a broker that wants a certificate it lacks, with E_MQTT_TLS', async () => {
    const dir = tempDir('qrgate-consumer-tls-');
    const pki = makePki(dir);
    const b = await tlsBroker(dir, pki);
    const wrongCa = await startCentral(
      { broker: { url: b.url, clientId: 'central-1', ca: pki.otherCa, cert: pki.clientCert, key: pki.clientKey } },
      {},
      tempDir('qrgate-consumer-tls-'),
    );
    const refused = (await wrongCa.app.health()).checks.broker;
    expect(refused?.ok).toBe(false);
    expect(refused?.detail).toMatch(/^not connected: E_MQTT_TLS .*(self[- ]signed|unable to verify|certificate)/i);
    const noCert = await startCentral({ broker: { url: b.url, clientId: 'central-2', ca: pki.ca } }, {}, tempDir('qrgate-consumer-tls-'));
    await until(
      async () => /^not connected: E_MQTT_TLS /.test((await noCert.app.health()).checks.broker?.detail ?? ''),
      'refused: no certificate',
    );
    expect((await noCert.app.health()).ok).toBe(false);
  }, 60_000);
});
