// Online end-to-end: frame's last byte into the pty → the check-in at a central consumer on the same broker (the
// broker forwards it when it PUBACKs the daemon, so this bounds frame → PUBACK from above), at 1 scan/s; with the
// daemon's RSS and CPU at that rate. Then live scans at 10/s during the drain of a backlog (consumer at QoS 0 so
// that it does not slow the broker). Baseline: a bare mqtt.js QoS 1 publish → PUBACK on the same broker.
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { join } from 'node:path';
import { copyStore, pendingCounter } from '../../scripts/lib/backlog.mjs';
import { Consumer, Mosquitto } from '../../scripts/lib/broker.mjs';
import { CHECKINS, Daemon, writeConfig } from '../../scripts/lib/daemon.mjs';
import { cccd, frame } from '../../scripts/lib/payloads.mjs';
import { cpuSeconds, rssMB } from '../../scripts/lib/procfs.mjs';
import { PtyPair } from '../../scripts/lib/pty.mjs';
import { Cleanup, percentile, sleep, tempDir, waitUntil } from '../../scripts/lib/util.mjs';
import { template } from './fixtures.mjs';
import { row } from './row.mjs';

async function bareRoundTrips(url, n) {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
  /** @type {import('node:net').Socket} */ (client.stream).setNoDelay?.(true);
  const out = [];
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    await client.publishAsync('bench/rtt', 'x'.repeat(600), { qos: 1 });
    out.push(performance.now() - t);
    await sleep(20);
  }
  await client.endAsync(true);
  return out;
}

async function withDaemon(tmp, cleanup, broker, fixture) {
  const pty = new PtyPair(tmp.dir);
  await pty.start();
  cleanup.add(() => pty.kill());
  const dbPath = join(tmp.dir, 'qrgate.db');
  if (fixture) copyStore(fixture, { path: dbPath, keyFile: join(tmp.dir, 'store.key') });
  const d = new Daemon(
    writeConfig(tmp.dir, { mqtt: { url: broker.url }, scanners: [{ id: 's1', type: 'serial', path: pty.scannerPath, terminator: 'cr' }] }),
  );
  cleanup.add(() => d.dispose());
  return { pty, d, dbPath };
}

export async function run({ quick }) {
  const n = quick ? 15 : 60;
  const cleanup = new Cleanup();
  const tmp = tempDir('bench-online');
  cleanup.add(tmp.remove);
  try {
    const broker = await Mosquitto.start(tmp.dir, { persistence: false });
    cleanup.add(() => broker.down('SIGTERM'));
    const consumer = await Consumer.connect(broker.url, CHECKINS);
    cleanup.add(() => consumer.close());
    const a = tempDir('bench-online-a');
    cleanup.add(a.remove);
    const { pty, d } = await withDaemon(a, cleanup, broker);
    await d.waitFor('connected to the broker', 30_000);
    await d.waitFor('scanner state');
    await sleep(1000);
    const written = new Map();
    const cpu0 = cpuSeconds(d.pid);
    const t0 = performance.now();
    const rss = [];
    for (let i = 0; i < n; i += 1) {
      written.set(i, await pty.write(frame(cccd(i))));
      await sleep(1000);
      rss.push(rssMB(d.pid));
    }
    const cpuPct = ((cpuSeconds(d.pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
    await consumer.until(() => consumer.received.length >= n, `${n} check-ins`, 10_000);
    const e2e = consumer.received.map((m) => m.at - written.get(m.seq - 1));
    const bare = await bareRoundTrips(broker.url, n);
    d.kill('SIGTERM');
    await d.exited;
    // Live scans during a drain.
    const backlogN = quick ? 20_000 : 100_000;
    const fixture = await template(backlogN);
    const b = tempDir('bench-online-b');
    cleanup.add(b.remove);
    const live = await Consumer.connect(broker.url, CHECKINS, { qos: 0 });
    cleanup.add(() => live.close());
    const run2 = await withDaemon(b, cleanup, broker, fixture);
    const pending = await pendingCounter(run2.dbPath);
    cleanup.add(() => pending.close());
    await run2.d.waitFor('scanner state', 30_000);
    await run2.d.waitFor('connected to the broker', 30_000);
    const sent = new Map();
    for (let i = 0; pending.any() && i < 10_000; i += 1) {
      sent.set(100_000 + i, await run2.pty.write(frame(cccd(100_000 + i))));
      await sleep(100);
    }
    await sleep(1000);
    const ids = new Map(run2.d.messages('check-in committed').map((l) => [l.seq, l]));
    const firstCopy = new Map();
    for (const m of live.received) if (m.seq > backlogN && ids.has(m.seq) && !firstCopy.has(m.seq)) firstCopy.set(m.seq, m);
    const liveLat = [...firstCopy.values()];
    // Map each live check-in back to its frame by order: live commits are in frame order.
    const frames = [...sent.values()];
    const lat = liveLat
      .sort((x, y) => x.seq - y.seq)
      .map((m, k) => m.at - frames[k])
      .filter((x) => Number.isFinite(x));
    await waitUntil(() => !pending.any(), 'drain end', 600_000, 20);
    const p99 = percentile(e2e, 99);
    return [
      row(`online e2e p99, 1 scan/s (frame → consumer; ${n} scans)`, p99, 'ms', {
        baseline: percentile(bare, 99),
        target: '<= 50 ms (RTT + 50 ms)',
        pass: p99 <= 50,
        note: `p50 ${percentile(e2e, 50).toFixed(1)} ms; baseline = bare QoS 1 publish→PUBACK p99`,
      }),
      row(`live scan during a ${backlogN}-row drain p99 (${lat.length} scans)`, percentile(lat, 99), 'ms', {
        target: '<= 1000 ms',
        pass: lat.length > 0 && percentile(lat, 99) <= 1000,
        note: `p50 ${percentile(lat, 50).toFixed(1)} ms; scans at 10/s while the drain ran`,
      }),
      row('RSS at 1 scan/s (max)', Math.max(...rss), 'MB', { target: '<= 80 MB', pass: Math.max(...rss) <= 80 }),
      row('CPU at 1 scan/s', cpuPct, '% of a core', { target: '<= 5%', pass: cpuPct <= 5 }),
    ];
  } finally {
    await cleanup.run();
  }
}
