// qrgate central (issue 18), each row against a baseline measured in the same run:
// - stored check-ins/s from 20 simulated kiosks draining backlogs (QoS 1, 100 in flight each, as a kiosk's
//   mqtt.maxInflight), against the same embedded broker with storing off (central-child.mjs --drop-all: every
//   check-in parsed, validated and acknowledged, nothing sealed or committed);
// - commit-to-row latency p99 at 1 scan/s per kiosk (publish → PUBACK, which central sends after the commit: an
//   upper bound of "row committed"), against the bare publish → subscribe p99 through the same broker software
//   (aedes with default hooks) under the same load;
// - central's RSS and CPU with 1,000 connected idle kiosks (each with its retained status and a health report),
//   against the same central before any connected (RSS as a ratio: the absolute figure depends on the host).
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { freePort } from '../../scripts/lib/broker.mjs';
import { Central } from '../../scripts/lib/central.mjs';
import { cpuSeconds, rssMB } from '../../scripts/lib/procfs.mjs';
import { Cleanup, dist, percentile, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { row } from './row.mjs';

const { uuidv7 } = await dist('src/store/uuidv7.js');
const KIOSKS = 20;
const WINDOW = 100;
const anonymous = (port) => ({ broker: { listen: { host: '127.0.0.1', port }, allowAnonymous: true }, log: { level: 'info' } });

// Ids are UUIDv7 as a kiosk makes them: time-ordered, so the primary-key index grows at its end. Also the messages of
// central-consumers.mjs and its storm publishers.
export function checkin(site, device, seq) {
  return JSON.stringify({
    v: 1,
    id: uuidv7(Date.now()),
    seq,
    site,
    device,
    scanner: 'gate',
    direction: 'in',
    auto: false,
    scannedAt: new Date().toISOString(),
    clockSynced: true,
    document: {
      type: 'cccd',
      number: `0011900${String(seq).padStart(5, '0')}`,
      name: 'Nguyễn Thị Mẫu',
      birthDate: '1990-03-15',
      sex: 'F',
      oldNumber: null,
      address: 'Số 1 Đường Thử Nghiệm, Hà Nội',
      issuedOn: '2021-04-20',
      extra: [],
    },
    warnings: [],
  });
}

async function connect(url, id) {
  const c = await mqtt.connectAsync(url, { clientId: id, protocolVersion: 4, reconnectPeriod: 0, keepalive: 30 });
  /** @type {import('node:net').Socket} */ (c.stream).setNoDelay?.(true);
  return c;
}

/** 20 clients each publish `n` check-ins with 100 in flight; check-ins per second from the first publish to the last PUBACK. */
async function drain(url, n) {
  const clients = await Promise.all(Array.from({ length: KIOSKS }, (_, i) => connect(url, `bench-${i}`)));
  const bodies = clients.map((_, i) => Array.from({ length: n }, (_, s) => checkin('bench', `k${i}`, s + 1)));
  const t0 = performance.now();
  await Promise.all(
    clients.map(
      (c, i) =>
        /** @type {Promise<void>} */ (
          new Promise((resolve, reject) => {
            let next = 0;
            let acked = 0;
            const pump = () => {
              while (next < n && next - acked < WINDOW) {
                c.publish(`qrgate/bench/k${i}/checkins`, bodies[i][next++], { qos: 1 }, (err) => {
                  if (err) return reject(err);
                  acked += 1;
                  if (acked === n) resolve();
                  else pump();
                });
              }
            };
            pump();
          })
        ),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  return (KIOSKS * n) / seconds;
}

/** 20 clients at 1 message/s each for `seconds`: publish → PUBACK latencies. */
async function paced(url, seconds, site) {
  const clients = await Promise.all(Array.from({ length: KIOSKS }, (_, i) => connect(url, `paced-${site}-${i}`)));
  const lat = [];
  await Promise.all(
    clients.map(async (c, i) => {
      await sleep((1000 * i) / KIOSKS);
      for (let s = 1; s <= seconds; s += 1) {
        const t = performance.now();
        await c.publishAsync(`qrgate/${site}/k${i}/checkins`, checkin(site, `k${i}`, s), { qos: 1 });
        lat.push(performance.now() - t);
        await sleep(1000 - (performance.now() - t));
      }
    }),
  );
  await Promise.all(clients.map((c) => c.endAsync(true)));
  return lat;
}

/** The same load through a bare aedes (default hooks): publish → a subscriber's receipt. */
async function bareSubscribe(seconds) {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  server.on('connection', (s) => s.setNoDelay(true));
  await /** @type {Promise<void>} */ (new Promise((r) => server.listen(0, '127.0.0.1', () => r())));
  const url = `mqtt://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  const sub = await connect(url, 'bare-sub');
  const sent = new Map();
  const lat = [];
  sub.on('message', (_t, payload) => {
    const at = sent.get(JSON.parse(payload.toString()).id);
    if (at !== undefined) lat.push(performance.now() - at);
  });
  await sub.subscribeAsync('qrgate/+/+/checkins', { qos: 1 });
  const clients = await Promise.all(Array.from({ length: KIOSKS }, (_, i) => connect(url, `bare-${i}`)));
  await Promise.all(
    clients.map(async (c, i) => {
      await sleep((1000 * i) / KIOSKS);
      for (let s = 1; s <= seconds; s += 1) {
        const body = checkin('bare', `k${i}`, s);
        const t = performance.now();
        sent.set(JSON.parse(body).id, t);
        await c.publishAsync(`qrgate/bare/k${i}/checkins`, body, { qos: 1 });
        await sleep(1000 - (performance.now() - t));
      }
    }),
  );
  await sleep(200);
  await Promise.all([...clients, sub].map((c) => c.endAsync(true)));
  await /** @type {Promise<void>} */ (new Promise((r) => broker.close(() => r())));
  await new Promise((r) => server.close(r));
  return lat;
}

/** 1,000 idle kiosks: each connects, publishes its retained status and a health report, then stays connected. */
async function idle(central, count, seconds) {
  const rss0 = rssMB(central.pid);
  const clients = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, async (_, j) => {
        const c = await connect(central.url, `idle-${i + j}`);
        const base = `qrgate/idle/k${i + j}`;
        await c.publishAsync(`${base}/status`, JSON.stringify({ state: 'online', version: '0.2.0', since: new Date().toISOString() }), {
          qos: 1,
          retain: true,
        });
        await c.publishAsync(
          `${base}/health`,
          JSON.stringify({
            v: 1,
            at: new Date().toISOString(),
            uptimeSec: 1,
            scanners: [{ id: 'gate', state: 'connected' }],
            pending: 0,
            oldestPendingAgeSec: null,
            storeBytes: 1,
            lastSeq: 0,
            mqtt: { reconnects: 0, protocolVersion: 4 },
          }),
          { qos: 1, retain: true },
        );
        await c.subscribeAsync(`${base}/request/+`, { qos: 1 });
        return c;
      }),
    );
    clients.push(...batch);
  }
  await sleep(2000);
  const cpu0 = cpuSeconds(central.pid);
  const t0 = performance.now();
  const rss = [];
  for (let s = 0; s < seconds; s += 1) {
    await sleep(1000);
    rss.push(rssMB(central.pid));
  }
  const cpuPct = ((cpuSeconds(central.pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  return { rss0, rss: Math.max(...rss), cpuPct, connected: clients.length };
}

export async function run({ quick }) {
  const n = quick ? 1000 : 5000;
  const pacedSec = quick ? 15 : 60;
  const idleSec = quick ? 10 : 30;
  const cleanup = new Cleanup();
  try {
    const a = tempDir('bench-central-store');
    cleanup.add(a.remove);
    const b = tempDir('bench-central-nostore');
    cleanup.add(b.remove);
    const pa = await freePort();
    const pb = await freePort();
    const withStore = await Central.start(a.dir, { port: pa, over: anonymous(pa) });
    cleanup.add(() => withStore.dispose());
    const noStore = await Central.start(b.dir, { port: pb, over: anonymous(pb), flags: ['--drop-all'] });
    cleanup.add(() => noStore.dispose());
    const baseRate = await drain(noStore.url, n);
    const rate = await drain(withStore.url, n);
    noStore.kill('SIGTERM');
    const lat = await paced(withStore.url, pacedSec, 'paced');
    const bare = await bareSubscribe(pacedSec);
    const p99 = percentile(lat, 99);
    const bareP99 = percentile(bare, 99);
    withStore.kill('SIGTERM');
    await withStore.exited;
    const c = tempDir('bench-central-idle');
    cleanup.add(c.remove);
    const pc = await freePort();
    const idleCentral = await Central.start(c.dir, { port: pc, over: anonymous(pc) });
    cleanup.add(() => idleCentral.dispose());
    const count = 1000;
    const r = await idle(idleCentral, count, idleSec);
    return [
      row(`central stored check-ins/s, ${KIOSKS} kiosks draining ${n} each`, rate, 'msg/s', {
        baseline: baseRate,
        target: '>= 0.6 x storing off',
        pass: rate >= 0.6 * baseRate,
        note: 'baseline = the same embedded broker and ingest with storing off (central-child.mjs --drop-all)',
      }),
      row(`central commit-to-row p99 at 1 scan/s per kiosk (${KIOSKS} kiosks, ${lat.length} check-ins)`, p99, 'ms', {
        baseline: bareP99,
        target: '<= bare + 50 ms',
        pass: p99 <= bareP99 + 50,
        note: `p50 ${percentile(lat, 50).toFixed(1)} ms, publish → PUBACK (sent after the commit); baseline = publish → subscribe p99 through a bare aedes, same load (p50 ${percentile(bare, 50).toFixed(1)} ms)`,
      }),
      row(`central RSS with ${r.connected} idle kiosks`, r.rss, 'MB', {
        baseline: r.rss0,
        target: '<= 2.0 x no kiosk',
        pass: r.rss <= 2 * r.rss0,
        note: `baseline = the same central before any kiosk connected; ${(((r.rss - r.rss0) * 1024) / r.connected).toFixed(0)} KB per connected kiosk (its MQTT session, retained status and health, state)`,
      }),
      row(`central CPU with ${r.connected} idle kiosks`, r.cpuPct, '% of a core', {
        target: '<= 5%',
        pass: r.cpuPct <= 5,
        note: `over ${idleSec} s, keep-alive 30 s`,
      }),
    ];
  } finally {
    await cleanup.run();
  }
}
