// node bench/drain-cpu.mjs [N] [--prof=DIR] [--runs=K]: CPU time per message of a drain, the daemon's (its main thread
// alone, and the whole process with its reader thread) against the bare mqtt.js publisher's (its whole process), in
// the same run, alternating. CPU time is less hostage to a noisy neighbour than msg/s. --prof: the daemon's
// --cpu-prof into DIR (source-map through dist/qrgate.cjs.map). Not part of `npm run bench`.
import { readdirSync, readFileSync } from 'node:fs';
import { Mosquitto } from '../scripts/lib/broker.mjs';
import { messagesOf } from '../scripts/lib/backlog.mjs';
import { cpuSeconds } from '../scripts/lib/procfs.mjs';
import { Cleanup, median, tempDir } from '../scripts/lib/util.mjs';
import { barePublish, CHECKINS, daemonDrain } from './scenarios/drain-run.mjs';
import { template } from './scenarios/fixtures.mjs';

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 30_000);
const prof = args.find((a) => a.startsWith('--prof='))?.slice(7);
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);

/** CPU seconds per thread name (main, the reader thread, V8's GC helpers, libuv's pool...). */
function byThread(pid) {
  const out = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    const name = Number(tid) === pid ? 'main' : comm;
    out[name] = (out[name] ?? 0) + threadSeconds(pid, tid);
  }
  return out;
}

function threadSeconds(pid, tid) {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

const cleanup = new Cleanup();
const tmp = tempDir('drain-cpu');
cleanup.add(tmp.remove);
try {
  const broker = await Mosquitto.start(tmp.dir, { persistence: false, listenerLines: ['set_tcp_nodelay true'] });
  cleanup.add(() => broker.down('SIGTERM'));
  const fixture = await template(n);
  const bodies = await messagesOf(fixture.path, fixture.keyFile, n);
  const ours = [],
    main = [],
    bare = [],
    rate = [],
    bareRate = [];
  for (let r = 0; r < runs; r += 1) {
    let c0 = 0,
      m0 = 0,
      t0 = {};
    const d = await daemonDrain(fixture, n, broker.url, {
      nodeArgs: prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
      during: {
        start: async (_dir, daemon) => {
          c0 = cpuSeconds(daemon.pid);
          m0 = threadSeconds(daemon.pid, daemon.pid);
          t0 = byThread(daemon.pid);
          return daemon;
        },
      },
      before: (daemon) => {
        const t1 = byThread(daemon.pid);
        const threads = Object.entries(t1)
          .map(([k, v]) => `${k} ${(((v - (t0[k] ?? 0)) / n) * 1e6).toFixed(0)}`)
          .join(', ');
        return { cpu: cpuSeconds(daemon.pid) - c0, main: threadSeconds(daemon.pid, daemon.pid) - m0, threads };
      },
    });
    const { cpu } = d;
    if (cpu === undefined) throw new Error('the drain took no CPU figures');
    ours.push((cpu.cpu / n) * 1e6);
    console.log(`run ${r + 1}: µs/msg by thread: ${cpu.threads}`);
    main.push((cpu.main / n) * 1e6);
    rate.push(d.perSec);
    const u0 = process.cpuUsage();
    const b = await barePublish(broker.url, CHECKINS, bodies, 100);
    const u = process.cpuUsage(u0);
    bare.push((u.user + u.system) / n);
    bareRate.push(b.perSec);
  }
  const f = (xs) => xs.map((v) => v.toFixed(0)).join(', ');
  console.log(
    `${n} rows, ${runs} runs: daemon main thread ${f(main)} µs/msg (median ${median(main).toFixed(0)}), whole daemon ${f(ours)} µs/msg; bare publisher ${f(bare)} µs/msg (median ${median(bare).toFixed(0)}); ratio main/bare ${(median(main) / median(bare)).toFixed(2)}; msg/s daemon ${f(rate)}, bare ${f(bareRate)}`,
  );
} finally {
  await cleanup.run();
}
