// Scale: a store with a large backlog (10^6 rows; 10^5 in --quick). Cost per check-in: recordCheckin latency on
// that store vs on an empty one (same process, same disk). Drain: msg/s over the whole large backlog vs over a
// 20,000-row one, and the daemon's peak RSS while draining it (with, for reference, a bare skeleton drain's).
import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Mosquitto } from '../../scripts/lib/broker.mjs';
import { SERVICE_ENV, SERVICE_NODE_OPTIONS } from '../../scripts/lib/daemon.mjs';
import { copyStore } from '../../scripts/lib/backlog.mjs';
import { cccd } from '../../scripts/lib/payloads.mjs';
import { Cleanup, dist, percentile, tempDir } from '../../scripts/lib/util.mjs';
import { daemonDrain } from './drain-run.mjs';
import { template } from './fixtures.mjs';
import { row } from './row.mjs';

async function insertCost(paths, n) {
  const { CheckinStore } = await dist('src/store/checkin-store.js');
  const { decodeScan } = await dist('src/decode/index.js');
  const store = CheckinStore.open({ ...paths, maxPending: 10_000_000, forwarding: true });
  try {
    const at = new Date();
    const lat = [];
    for (let i = 0; i < n; i += 1) {
      const r = decodeScan(Buffer.from(cccd(900_000 + i)), at, { utcOffsetMinutes: 420 });
      if (!r.ok) throw new Error(`fixture payload did not decode: ${r.code}`);
      const t = performance.now();
      store.recorder.recordCheckin({
        scanner: 'bench',
        direction: 'in',
        auto: false,
        manual: false,
        scannedAt: at,
        clockSynced: true,
        document: r.document,
        warnings: r.warnings,
      });
      lat.push(performance.now() - t);
    }
    return percentile(lat, 50);
  } finally {
    store.close();
  }
}

const SKELETON_DRAIN = new URL('../../scripts/lib/skeleton-drain.mjs', import.meta.url).pathname;

/** The peak RSS of a bare drain (scripts/lib/skeleton-drain.mjs) of a copy of `fixture`: the floor for qrgate's. */
async function skeletonDrainPeak(fixture, dir, url) {
  const paths = { path: join(dir, 'skeleton-drain.db'), keyFile: join(dir, 'skeleton-drain.key') };
  copyStore(fixture, paths);
  const { stdout } = await promisify(execFile)(process.execPath, [...SERVICE_NODE_OPTIONS, SKELETON_DRAIN, paths.path, url], {
    timeout: 600_000,
    env: { ...process.env, ...SERVICE_ENV },
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}').peakRssMB;
}

export async function run({ quick }) {
  const big = quick ? 50_000 : 1_000_000;
  const small = 20_000;
  const cleanup = new Cleanup();
  const tmp = tempDir('bench-scale');
  cleanup.add(tmp.remove);
  try {
    const bigFixture = await template(big);
    const smallFixture = await template(small);
    const emptyCost = [],
      bigCost = [];
    for (let r = 0; r < 3; r += 1) {
      const e = { path: join(tmp.dir, `empty-${r}.db`), keyFile: join(tmp.dir, `empty-${r}.key`) };
      emptyCost.push(await insertCost(e, 300));
      const b = { path: join(tmp.dir, `big-${r}.db`), keyFile: join(tmp.dir, `big-${r}.key`) };
      copyStore(bigFixture, b);
      bigCost.push(await insertCost(b, 300));
    }
    const broker = await Mosquitto.start(tmp.dir, { persistence: false });
    cleanup.add(() => broker.down('SIGTERM'));
    const smallDrain = await daemonDrain(smallFixture, small, broker.url);
    const bigDrain = await daemonDrain(bigFixture, big, broker.url);
    // The floor drains the same backlog as the daemon's large drain.
    const floor = await skeletonDrainPeak(bigFixture, tmp.dir, broker.url);
    const ec = percentile(emptyCost, 50),
      bc = percentile(bigCost, 50);
    return [
      row(`ingest cost per check-in with ${big} pending`, bc, 'ms', {
        baseline: ec,
        target: '<= 1.5 x empty store',
        pass: bc <= 1.5 * ec,
        note: `recordCheckin p50, median of 3 x 300; baseline = same on an empty store`,
      }),
      row(`drain rate over ${big} pending`, bigDrain.perSec, 'msg/s', {
        baseline: smallDrain.perSec,
        target: `>= 0.8 x a ${small}-row drain`,
        pass: bigDrain.perSec >= 0.8 * smallDrain.perSec,
      }),
      row(`peak RSS draining ${big} pending`, bigDrain.peakRssMB, 'MB', {
        baseline: floor,
        target: '<= 1.1 x bare drain',
        pass: bigDrain.peakRssMB <= 1.1 * floor,
        note: `baseline = a bare skeleton drain's peak (better-sqlite3 + mqtt.js, same node options, the same ${big} rows); the daemon's own peak draining ${small} rows: ${smallDrain.peakRssMB.toFixed(1)} MB (memory must not grow with the backlog)`,
      }),
      row(`peak RSS draining ${big} pending, absolute`, bigDrain.peakRssMB, 'MB', {
        baseline: floor,
        target: `info: <= 80 MB ${bigDrain.peakRssMB <= 80 ? 'met' : 'missed'}`,
        info: true,
      }),
    ];
  } finally {
    await cleanup.run();
  }
}
