// Broker down while a long backlog of scans builds up through the pty, then up: everything delivered, in seq
// without a gap, no duplicate storm; figures: time from the broker's return to the first and the last delivery.
import { performance } from 'node:perf_hooks';
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { rig, untilAllReceived, untilNothingPending } from './rig.mjs';
import { announced, inspectStore, outcome, verifyDelivery } from './verify.mjs';

export async function run({ long }) {
  const scans = long ? 20_000 : 2_000;
  const cleanup = new Cleanup();
  const tmp = (() => {
    const t = tempDir('chaos-backlog');
    cleanup.add(t.remove);
    return t;
  })();
  try {
    const r = await rig(tmp, cleanup);
    await r.broker.down('SIGTERM');
    const d = await r.start();
    const downAt = performance.now();
    for (let i = 0; i < scans; i += 500) await r.feed(Math.min(500, scans - i), 0);
    await d.waitFor('check-in committed', 120_000, scans).catch(() => undefined);
    const committed = d.messages('check-in committed').length;
    await sleep(Math.max(0, 3000 - (performance.now() - downAt))); // down at least 3 s
    await r.broker.up();
    const upAt = performance.now();
    await untilAllReceived(r, committed, long ? 300_000 : 60_000);
    const received = r.received();
    const first = Math.min(...received.map((m) => m.at)) - upAt;
    const last = Math.max(...received.map((m) => m.at)) - upAt;
    await untilNothingPending(r.dbPath, 15_000);
    d.kill('SIGTERM');
    await d.exited;
    const store = inspectStore(r.dbPath);
    const v = verifyDelivery({ announcedCommits: announced(r.daemons), store, received });
    const problems = [...v.problems];
    if (committed !== scans) problems.push(`${scans} frames written, ${committed} committed`);
    if (v.maxCopies > 3) problems.push(`a check-in arrived ${v.maxCopies} times`);
    return outcome(
      problems,
      `${scans} scans during a ${((upAt - downAt) / 1000).toFixed(1)} s outage; first delivery ${(first / 1000).toFixed(2)} s and last ${(last / 1000).toFixed(2)} s after the broker came back; ${v.figures}`,
    );
  } finally {
    await cleanup.run();
  }
}
