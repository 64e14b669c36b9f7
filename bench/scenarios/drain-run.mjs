// One drain measured both ways against the same broker: the real daemon (a child `qrgate run` on a copy of the
// backlog store, from "connected to the broker" to no pending row left, i.e. every PUBACK received and marked) and
// a bare mqtt.js publisher with the same bodies and window.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { barePublish } from '../../scripts/lib/bare.mjs';
import { copyStore, pendingCounter } from '../../scripts/lib/backlog.mjs';
import { CHECKINS, Daemon, writeConfig } from '../../scripts/lib/daemon.mjs';
import { peakRssMB } from '../../scripts/lib/procfs.mjs';
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';

/** Drains a copy of `fixture` (n rows) through `url`; returns msg/s and the daemon's peak RSS (`before(daemon)`: sampled when drained, returned as `cpu`). */
/**
 * What a scenario does around a drain: extra daemon config, and work at its start and end.
 * @typedef {{ config?: (dir: string) => Record<string, unknown>, start?: (dir: string, daemon: Daemon) => unknown,
 *   end?: (dir: string, daemon: Daemon) => unknown }} DrainHooks
 */

/**
 * @param {{ path: string, keyFile: string }} fixture
 * @param {number} n
 * @param {string} url
 * @param {{ window?: number, during?: DrainHooks, nodeArgs?: string[], before?: (daemon: Daemon) => Record<string, any> }} [options]
 *   (`before`'s figures come back as `cpu`, whatever the caller measured)
 */
export async function daemonDrain(fixture, n, url, { window = 100, during, nodeArgs = [], before } = {}) {
  const cleanup = new Cleanup();
  const tmp = tempDir('bench-drain');
  cleanup.add(tmp.remove);
  try {
    const paths = { path: join(tmp.dir, 'qrgate.db'), keyFile: join(tmp.dir, 'store.key') };
    copyStore(fixture, paths);
    const extra = during?.config?.(tmp.dir) ?? {};
    const daemon = new Daemon(writeConfig(tmp.dir, { mqtt: { url, maxInflight: window }, ...extra }), { nodeArgs });
    cleanup.add(() => daemon.dispose());
    const pending = await pendingCounter(paths.path);
    cleanup.add(() => pending.close());
    const [connected] = await daemon.waitFor('connected to the broker', 60_000);
    const start = connected.at;
    const duringTask = during?.start?.(tmp.dir, daemon);
    let peak = 0;
    const deadline = Date.now() + 600_000;
    while (pending.any()) {
      if (!daemon.alive) throw new Error(`daemon exited: ${daemon.stderr.slice(-500)}`);
      if (Date.now() > deadline) throw new Error('drain did not finish in 10 min');
      peak = Math.max(peak, peakRssMB(daemon.pid));
      await sleep(5);
    }
    const seconds = (performance.now() - start) / 1000;
    peak = Math.max(peak, peakRssMB(daemon.pid));
    const cpu = before?.(daemon);
    const extraResult = await duringTask;
    daemon.kill('SIGTERM');
    await daemon.exited;
    return { perSec: n / seconds, peakRssMB: peak, extra: extraResult, cpu };
  } finally {
    await cleanup.run();
  }
}

export { barePublish, CHECKINS };
