// A half-open connection: the daemon reaches the broker through a loopback proxy that, at some moment, stops
// forwarding in both directions without FIN or RST. With mqtt.keepaliveSec 5 the daemon must notice within
// 1.5 x 5 s, reconnect (the proxy accepts new connections normally), and deliver the scans made in the blind window.
import { performance } from 'node:perf_hooks';
import { Proxy } from '../../scripts/lib/proxy.mjs';
import { writeConfig } from '../../scripts/lib/daemon.mjs';
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { rig, untilAllReceived, untilNothingPending } from './rig.mjs';
import { announced, inspectStore, outcome, verifyDelivery } from './verify.mjs';

const KEEPALIVE_SEC = 5;

export async function run() {
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-halfopen');
  cleanup.add(tmp.remove);
  try {
    const r = await rig(tmp, cleanup);
    const proxy = new Proxy(r.broker.port, 0);
    await proxy.listen();
    cleanup.add(() => proxy.close());
    const config = writeConfig(tmp.dir, {
      store: { path: r.dbPath, keyFile: `${tmp.dir}/store.key` },
      mqtt: { url: proxy.url, keepaliveSec: KEEPALIVE_SEC },
      scanners: [{ id: 's1', type: 'serial', path: r.pty.scannerPath, terminator: 'cr' }],
    });
    const d = await r.start(config);
    await d.waitFor('connected to the broker');
    await r.feed(5, 100);
    await sleep(1000);
    proxy.cut();
    const cutAt = performance.now();
    await r.feed(10, 300); // scans in the blind window: committed, published into the void
    const [lost] = await d.waitFor('lost the broker; check-ins are kept and will be sent after reconnecting', KEEPALIVE_SEC * 3000);
    const detected = (lost.at - cutAt) / 1000;
    await d.waitFor('connected to the broker', 30_000, 2);
    const lastSeq = d.messages('check-in committed').reduce((m, l) => Math.max(m, l.seq), 0);
    await untilAllReceived(r, lastSeq, 30_000);
    await untilNothingPending(r.dbPath, 10_000);
    d.kill('SIGTERM');
    await d.exited;
    const v = verifyDelivery({ announcedCommits: announced(r.daemons), store: inspectStore(r.dbPath), received: r.received() });
    const problems = [...v.problems];
    if (detected > 1.5 * KEEPALIVE_SEC) problems.push(`detected after ${detected.toFixed(1)} s > 1.5 x ${KEEPALIVE_SEC} s`);
    return outcome(
      problems,
      `keepalive ${KEEPALIVE_SEC} s; half-open link detected after ${detected.toFixed(2)} s (limit ${1.5 * KEEPALIVE_SEC} s); ${v.figures}`,
    );
  } finally {
    await cleanup.run();
  }
}
