// A kiosk whose messages were lost on central's side: central (with an injected loss: the first delivery of every
// 97th seq is acknowledged but not stored) receives a real `qrgate run` kiosk's backlog. The kiosk sees nothing
// wrong (all acknowledged); central sees the holes, asks for them with `resend`, and ends with every check-in once.
import { Central, centralRows, writeCentralConfig } from '../../scripts/lib/central.mjs';
import { freePort } from '../../scripts/lib/broker.mjs';
import { Cleanup, sleep, tempDir, waitUntil } from '../../scripts/lib/util.mjs';
import { backlogKiosks, exactlyOnce, pendingOf, startKiosk } from './central-rig.mjs';
import { outcome } from './verify.mjs';

export async function run({ long }) {
  const n = long ? 20_000 : 3000;
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-central-resend');
  cleanup.add(tmp.remove);
  try {
    const port = await freePort();
    const config = writeCentralConfig(tmp.dir, { port });
    const kiosks = await backlogKiosks(tmp.dir, config, 1, n);
    const pending = await pendingOf(kiosks);
    cleanup.add(() => pending.close());
    const central = await Central.start(tmp.dir, { port, flags: ['--drop-once-every=97'] });
    cleanup.add(() => central.dispose());
    const daemon = startKiosk(kiosks[0], central.url);
    cleanup.add(() => daemon.dispose());
    await waitUntil(() => pending.total() === 0, 'the kiosk drained', 60_000, 50);
    const t0 = Date.now();
    const lost = Math.floor(n / 97);
    let rows = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      rows = await centralRows(tmp.dir);
      if (rows.length >= n) break;
      await sleep(200);
    }
    const repairedSec = (Date.now() - t0) / 1000;
    const requests = daemon.messages('resend requested by central');
    const problems = exactlyOnce(rows, kiosks, n);
    if (requests.length === 0) problems.push('no resend was requested');
    central.kill('SIGTERM');
    daemon.kill('SIGTERM');
    await Promise.all([central.exited, daemon.exited]);
    return outcome(
      problems,
      `${lost} of ${n} check-ins dropped at central; ${requests.length} resend request(s) repaired them in ${repairedSec.toFixed(1)} s after the drain; ${rows.length}/${n} rows, each once`,
    );
  } finally {
    await cleanup.run();
  }
}
