// A serial scanner unplugged and plugged back (socat killed and restarted on the same link path) many times while
// the daemon runs: reattached every time, a scan after every 10th replug committed, the daemon's open file
// descriptors and RSS back where they were, and no MaxListenersExceededWarning.
import { performance } from 'node:perf_hooks';
import { fdCount, rssMB } from '../../scripts/lib/procfs.mjs';
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { rig } from './rig.mjs';
import { outcome } from './verify.mjs';

export async function run({ long }) {
  const replugs = long ? 300 : 100;
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-replug');
  cleanup.add(tmp.remove);
  try {
    const r = await rig(tmp, cleanup, { mqtt: { url: undefined } });
    const d = await r.start();
    const connectedCount = () => d.messages('scanner state').filter((l) => l.state === 'connected').length;
    await r.feed(1);
    await d.waitFor('check-in committed');
    const fd0 = fdCount(d.pid);
    const rss0 = rssMB(d.pid);
    const reattach = [];
    let scans = 1;
    for (let i = 0; i < replugs; i += 1) {
      const before = connectedCount();
      await r.pty.kill();
      await sleep(20);
      await r.pty.start();
      const t = performance.now();
      const deadline = Date.now() + 10_000;
      while (connectedCount() === before && Date.now() < deadline) await sleep(5);
      if (connectedCount() === before) throw new Error(`not reattached after replug ${i + 1}`);
      reattach.push(performance.now() - t);
      if ((i + 1) % 10 === 0) {
        await r.feed(1);
        scans += 1;
        await d.waitFor('check-in committed', 5000, scans);
      }
    }
    await sleep(200);
    const fd1 = fdCount(d.pid);
    const rss1 = rssMB(d.pid);
    d.kill('SIGTERM');
    await d.exited;
    const problems = [];
    if (fd1 > fd0) problems.push(`fds ${fd0} → ${fd1}`);
    if (/MaxListenersExceeded/.test(d.stderr)) problems.push('MaxListenersExceededWarning');
    if (d.messages('check-in committed').length !== scans)
      problems.push(`${scans} scans, ${d.messages('check-in committed').length} committed`);
    const worst = Math.max(...reattach);
    if (worst > 2000) problems.push(`a reattach took ${worst.toFixed(0)} ms > 2 s`);
    return outcome(
      problems,
      `${replugs} replugs, each reattached (median ${[...reattach].sort((a, b) => a - b)[reattach.length >> 1].toFixed(0)} ms, max ${worst.toFixed(0)} ms); ${scans} scans committed; fds ${fd0} → ${fd1}; RSS ${rss0.toFixed(0)} → ${rss1.toFixed(0)} MB`,
    );
  } finally {
    await cleanup.run();
  }
}
