// A process of simulated kiosks for the storm of central-consumers.mjs (a child, forked with IPC; not a scenario of
// its own). Each kiosk is a bare mqtt.js client shaped like `qrgate run`'s: client id qrgate-SITE-DEVICE, MQTT 5, a
// persistent session, a last will and a retained "online" status, at most `window` check-ins in flight (the kiosk's
// mqtt.maxInflight), and the backlog sent through a token bucket of `rate` per second holding at most `window` tokens
// (the kiosk's mqtt.drainRatePerSec, src/forwarder/outbox-pump.ts). The messages are central.mjs's: valid check-ins
// of the contract with UUIDv7 ids, seq 1..rows per kiosk.
//   fork(storm-publisher.mjs, [URL, SITE, FIRST, COUNT, ROWS, RATE, WINDOW])
//   → { ready } once every kiosk is connected; ← 'go'; → { done, acked, failed, reconnects, seconds } once every check-in
//   was acknowledged by the broker.
import mqtt from 'mqtt';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { checkin } from './central.mjs';

const [url, site] = process.argv.slice(2, 4);
const [first, count, rows, rate, window] = process.argv.slice(4).map(Number);
const TICK_MS = 20;

/**
 * A message to the parent (forked with IPC: process.send exists).
 * @param {{ ready: number } | { done: true, acked: number, failed: number, reconnects: number, seconds: number }} message
 */
function send(message) {
  if (process.send === undefined) throw new Error('storm-publisher.mjs runs forked, with an IPC channel');
  process.send(message);
}

/** @param {string} device */
async function connect(device) {
  const base = `qrgate/${site}/${device}`;
  const client = await mqtt.connectAsync(url, {
    clientId: `qrgate-${site}-${device}`,
    protocolVersion: 5,
    clean: false,
    keepalive: 30,
    reconnectPeriod: 1000,
    connectTimeout: 30_000,
    properties: { sessionExpiryInterval: 7 * 24 * 3600 },
    will: { topic: `${base}/status`, payload: JSON.stringify({ state: 'offline', since: new Date().toISOString() }), qos: 1, retain: true },
  });
  /** @type {import('node:net').Socket} */ (client.stream).setNoDelay?.(true);
  client.on('error', () => undefined);
  await client.publishAsync(`${base}/status`, JSON.stringify({ state: 'online', version: '0.2.0', since: new Date().toISOString() }), {
    qos: 1,
    retain: true,
  });
  return { client, device, topic: `${base}/checkins`, next: 0, acked: 0, failed: 0, tokens: window, reconnects: 0 };
}

const kiosks = [];
for (let i = 0; i < count; i += 25) {
  const batch = Array.from({ length: Math.min(25, count - i) }, (_, j) => connect(`k${first + i + j}`));
  kiosks.push(...(await Promise.all(batch)));
}
for (const k of kiosks) k.client.on('reconnect', () => (k.reconnects += 1));
send({ ready: kiosks.length });

process.once('message', () => {
  const t0 = performance.now();
  let last = t0;
  let finished = 0;
  // One timer for every kiosk of the process: refill each bucket, publish what its tokens and window allow.
  const timer = setInterval(() => {
    const now = performance.now();
    const dt = (now - last) / 1000;
    last = now;
    for (const k of kiosks) {
      k.tokens = Math.min(window, k.tokens + dt * rate);
      while (k.tokens >= 1 && k.next < rows && k.next - k.acked - k.failed < window) {
        k.tokens -= 1;
        k.next += 1;
        k.client.publish(k.topic, checkin(site, k.device, k.next), { qos: 1 }, (err) => {
          // A publish mqtt.js gave up on is a check-in the broker never took: counted, and missing at central.
          if (err) k.failed += 1;
          else k.acked += 1;
          if (k.acked + k.failed === rows && ++finished === kiosks.length) {
            clearInterval(timer);
            const seconds = (performance.now() - t0) / 1000;
            send({
              done: true,
              acked: kiosks.reduce((n, x) => n + x.acked, 0),
              failed: kiosks.reduce((n, x) => n + x.failed, 0),
              reconnects: kiosks.reduce((n, x) => n + x.reconnects, 0),
              seconds,
            });
          }
        });
      }
    }
  }, TICK_MS);
});

process.on('disconnect', async () => {
  await Promise.all(kiosks.map((k) => k.client.endAsync(true)));
  process.exit(0);
});
