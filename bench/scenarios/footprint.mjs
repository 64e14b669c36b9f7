// Footprint: start → "ready" (spawn to the log line), RSS after idling connected, idle CPU; each against the bare
// skeleton (better-sqlite3 + mqtt.js connected, nothing else) measured the same way in the same run.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { Mosquitto } from '../../scripts/lib/broker.mjs';
import { Daemon, writeConfig } from '../../scripts/lib/daemon.mjs';
import { cpuSeconds, rssMB } from '../../scripts/lib/procfs.mjs';
import { Cleanup, median, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { row } from './row.mjs';

const SKELETON = new URL('../../scripts/lib/skeleton.mjs', import.meta.url).pathname;

async function measure(makeDaemon, idleMs) {
  const d = makeDaemon();
  try {
    const [ready] = await d.waitFor('ready', 30_000);
    const startMs = ready.at - d.spawnedAt;
    await sleep(2000);
    const rss = rssMB(d.pid);
    const cpu0 = cpuSeconds(d.pid);
    const t0 = performance.now();
    await sleep(idleMs);
    const cpuPct = ((cpuSeconds(d.pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
    return { startMs, rss, cpuPct };
  } finally {
    await d.dispose();
  }
}

/** The skeleton speaks the same "ready" JSON line, so Daemon's parser works for it (argv differs). */
class Skeleton extends Daemon {}

export async function run({ quick }) {
  const runs = quick ? 3 : 5;
  const idleMs = quick ? 5000 : 20_000;
  const cleanup = new Cleanup();
  const tmp = tempDir('bench-footprint');
  cleanup.add(tmp.remove);
  try {
    const broker = await Mosquitto.start(tmp.dir, { persistence: false });
    cleanup.add(() => broker.down('SIGTERM'));
    const config = writeConfig(tmp.dir, { mqtt: { url: broker.url } });
    const ours = [],
      bare = [];
    for (let r = 0; r < runs; r += 1) {
      ours.push(await measure(() => new Daemon(config), idleMs));
      bare.push(
        await measure(() => new Skeleton(SKELETON, { argvOverride: [SKELETON, join(tmp.dir, `skeleton-${r}.db`), broker.url] }), idleMs),
      );
    }
    const m = (xs, k) => median(xs.map((x) => x[k]));
    return [
      row('start → ready', m(ours, 'startMs'), 'ms', {
        baseline: m(bare, 'startMs'),
        target: '<= 1.2 x skeleton',
        pass: m(ours, 'startMs') <= 1.2 * m(bare, 'startMs'),
        note: `median of ${runs} spawns; baseline = skeleton (better-sqlite3 + mqtt.js connected), same node options; qrgate ${ours.map((x) => x.startMs.toFixed(0)).join(', ')} ms, skeleton ${bare.map((x) => x.startMs.toFixed(0)).join(', ')} ms`,
      }),
      row('start → ready, absolute', m(ours, 'startMs'), 'ms', {
        baseline: m(bare, 'startMs'),
        target: `info: <= 500 ms ${m(ours, 'startMs') <= 500 ? 'met' : 'missed'}`,
        info: true,
      }),
      row('RSS idle, connected', m(ours, 'rss'), 'MB', { baseline: m(bare, 'rss'), target: '<= 80 MB', pass: m(ours, 'rss') <= 80 }),
      row('idle CPU', m(ours, 'cpuPct'), '% of a core', {
        baseline: m(bare, 'cpuPct'),
        target: '< 1%',
        pass: m(ours, 'cpuPct') < 1,
        note: `over ${idleMs / 1000} s`,
      }),
    ];
  } finally {
    await cleanup.run();
  }
}
