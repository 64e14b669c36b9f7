// Ingest: frames written to a real pty, read by the serial driver of an in-process App, committed with
// synchronous=FULL. Latency = last byte written → 'checkin' event (emitted after commit). Throughput = a burst of
// frames written as fast as the pty takes them → last commit. Baseline: bare single-row inserts, same pragmas.
import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bareInsert, barePtyInsert } from '../../scripts/lib/bare.mjs';
import { startApp, nextCheckin } from '../../scripts/lib/inproc.mjs';
import { cccd, frame } from '../../scripts/lib/payloads.mjs';
import { PtyPair } from '../../scripts/lib/pty.mjs';
import { Cleanup, dist, median, percentile, sleep, tempDir, waitUntil } from '../../scripts/lib/util.mjs';
import { row } from './row.mjs';

/**
 * The serial read path alone, both readers in the same run, alternating: the serial driver on its own pty (no
 * store, so the disk's noise is out), last byte written → 'frame' event, paced 1 ms apart.
 */
async function readerPair(dir, n, pairs) {
  const { SerialDriver } = await dist('drivers/serial/serial-driver.js');
  /** @type {{ 'event-loop': number[], serialport: number[] }} */
  const out = { 'event-loop': [], serialport: [] };
  mkdirSync(join(dir, 'readers'));
  const pty = new PtyPair(join(dir, 'readers'));
  await pty.start();
  try {
    let index = 0;
    for (let r = 0; r < pairs; r += 1) {
      /** @type {Array<'event-loop' | 'serialport'>} */
      const order = r % 2 === 0 ? ['event-loop', 'serialport'] : ['serialport', 'event-loop'];
      for (const reader of order) {
        const driver = new SerialDriver({ id: 'r', type: 'serial', path: pty.scannerPath, terminator: 'cr', reader });
        await driver.start();
        await waitUntil(() => driver.state === 'connected', `the ${reader} reader to connect`);
        const lat = [];
        try {
          for (let i = 0; i < n; i += 1) {
            const framed = new Promise((resolve) => driver.once('frame', () => resolve(performance.now())));
            const last = await pty.write(frame(cccd(index++)));
            lat.push((await framed) - last);
            await sleep(1);
          }
        } finally {
          await driver.stop();
        }
        out[reader].push(percentile(lat, 50));
      }
    }
  } finally {
    await pty.kill();
  }
  return out;
}

export async function run({ quick }) {
  const runs = quick ? 3 : 5;
  const latencyN = quick ? 300 : 1000;
  const burstN = quick ? 1000 : 3000;
  const cleanup = new Cleanup();
  const tmp = tempDir('bench-ingest');
  cleanup.add(tmp.remove);
  try {
    const pty = new PtyPair(tmp.dir);
    await pty.start();
    cleanup.add(() => pty.kill());
    // The bare path's own pty: the App holds the first one's scanner end.
    mkdirSync(join(tmp.dir, 'bare'));
    const barePty = new PtyPair(join(tmp.dir, 'bare'));
    await barePty.start();
    cleanup.add(() => barePty.kill());
    const app = await startApp(tmp.dir, { scanners: [{ id: 's1', type: 'serial', path: pty.scannerPath, terminator: 'cr' }] });
    cleanup.add(() => app.stop());
    await waitUntil(() => app.scanners.get('s1')?.state === 'connected', 'the serial scanner to connect');
    let index = 0;
    const p50 = [],
      p99 = [],
      rate = [],
      bareP50 = [],
      bareP99 = [],
      bareRate = [],
      pathP99 = [];
    for (let r = 0; r < runs; r += 1) {
      const latencies = [];
      for (let i = 0; i < latencyN; i += 1) {
        const committed = nextCheckin(app);
        const last = await pty.write(frame(cccd(index++)));
        latencies.push((await committed).at - last);
        await sleep(1);
      }
      p50.push(percentile(latencies, 50));
      p99.push(percentile(latencies, 99));
      const path = await barePtyInsert(
        join(tmp.dir, `bare-path-${r}.db`),
        barePty,
        Array.from({ length: latencyN }, () => frame(cccd(index++))),
      );
      pathP99.push(percentile(path, 99));
      const burst = Buffer.concat(Array.from({ length: burstN }, () => frame(cccd(index++))));
      let count = 0;
      const onCheckin = () => (count += 1);
      app.pipeline.on('checkin', onCheckin);
      const start = performance.now();
      await pty.write(burst);
      await waitUntil(() => count >= burstN, `${burstN} commits`, 120_000, 1);
      rate.push(burstN / ((performance.now() - start) / 1000));
      app.pipeline.off('checkin', onCheckin);
      const bare = bareInsert(join(tmp.dir, `bare-${r}.db`), burstN);
      bareRate.push(bare.perSec);
      bareP50.push(percentile(bare.latencies, 50));
      bareP99.push(percentile(bare.latencies, 99));
    }
    const readers = await readerPair(tmp.dir, latencyN, runs);
    const el = median(readers['event-loop']),
      sp = median(readers.serialport);
    const n = `median of ${runs} runs; ${latencyN} paced frames and a ${burstN}-frame burst per run`;
    const pathP99m = median(pathP99);
    return [
      row('ingest latency p50 (last byte → commit)', median(p50), 'ms', {
        baseline: median(bareP50),
        target: `info: <= 2 ms ${median(p50) <= 2 ? 'met' : 'missed'}`,
        info: true,
        note: `${n}; baseline = bare insert p50`,
      }),
      row('ingest latency p99 (last byte → commit)', median(p99), 'ms', {
        baseline: pathP99m,
        target: '<= 1.5 x the bare pty path',
        pass: median(p99) <= 1.5 * pathP99m,
        note: `baseline = the bare path's p99 (a pty like the scanner's, a plain tty read, a bare insert per frame, paced alike), median of its per-run p99s ${pathP99.map((v) => v.toFixed(2)).join(', ')}; qrgate's per-run p99s: ${p99.map((v) => v.toFixed(2)).join(', ')}; bare insert alone p99 ${median(bareP99).toFixed(2)} ms`,
      }),
      row('ingest latency p99, absolute', median(p99), 'ms', {
        baseline: pathP99m,
        target: `info: <= 2 ms ${median(p99) <= 2 ? 'met' : 'missed'}`,
        info: true,
      }),
      row('serial read p50 (last byte → frame), event-loop reader', el, 'ms', {
        baseline: sp,
        target: '<= 1 x serialport reader',
        pass: el <= sp,
        note: `the driver alone on a pty, ${runs} x ${latencyN} paced frames per reader, alternating; baseline = reader: serialport (the fallback); p50s event-loop ${readers['event-loop'].map((v) => v.toFixed(3)).join(', ')}, serialport ${readers.serialport.map((v) => v.toFixed(3)).join(', ')} ms`,
      }),
      row('ingest throughput (pty burst → commits)', median(rate), 'scans/s', {
        baseline: median(bareRate),
        target: '>= 0.7 x bare',
        pass: median(rate) >= 0.7 * median(bareRate),
        note: `bare single-row insert loop: ${bareRate.map((v) => v.toFixed(0)).join(', ')} rows/s`,
      }),
    ];
  } finally {
    await cleanup.run();
  }
}
