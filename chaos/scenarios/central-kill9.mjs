// kill -9 of qrgate central (the real `qrgate central run`) while three real `qrgate run` kiosks drain 5,000
// check-ins each into it; central restarts on the same port each time. Then: every check-in stored exactly once
// (a PUBACK is sent only after the row is committed, so what the kill cut off is resent by the kiosk, and resends
// of committed rows are duplicates by id).
import { Central, centralRows, writeCentralConfig } from '../../scripts/lib/central.mjs';
import { freePort } from '../../scripts/lib/broker.mjs';
import { Cleanup, sleep, tempDir, waitUntil } from '../../scripts/lib/util.mjs';
import { backlogKiosks, exactlyOnce, pendingOf, startKiosk } from './central-rig.mjs';
import { outcome } from './verify.mjs';

const PER_KIOSK = 5000;

export async function run({ long }) {
  const kills = long ? 20 : 3;
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-central-kill9');
  cleanup.add(tmp.remove);
  try {
    const port = await freePort();
    const config = writeCentralConfig(tmp.dir, { port });
    const kiosks = await backlogKiosks(tmp.dir, config, 3, PER_KIOSK);
    const pending = await pendingOf(kiosks);
    cleanup.add(() => pending.close());
    let central = await Central.start(tmp.dir, { port });
    cleanup.add(() => central.dispose());
    const daemons = kiosks.map((k) => startKiosk(k, central.url));
    for (const d of daemons) cleanup.add(() => d.dispose());
    let killed = 0;
    const total = 3 * PER_KIOSK;
    for (let k = 0; k < kills && pending.total() > 0; k += 1) {
      // Kill while the backlogs drain: after some more rows were acknowledged.
      const before = pending.total();
      await waitUntil(() => pending.total() < before - 300 || pending.total() === 0, 'draining', 60_000, 5).catch(() => undefined);
      if (pending.total() === 0) break;
      central.kill('SIGKILL');
      await central.exited;
      killed += 1;
      await sleep(200);
      central = await Central.start(tmp.dir, { port });
      cleanup.add(() => central.dispose());
    }
    await waitUntil(() => pending.total() === 0, 'every kiosk drained', 90_000, 50);
    const rows = await centralRows(tmp.dir);
    const problems = exactlyOnce(rows, kiosks, PER_KIOSK);
    if (killed === 0) problems.push('central was never killed during the drain');
    central.kill('SIGTERM');
    await central.exited;
    for (const d of daemons) d.kill('SIGTERM');
    await Promise.all(daemons.map((d) => d.exited));
    return outcome(problems, `${killed} kill -9 of central during the drain of 3 × ${PER_KIOSK}; ${rows.length}/${total} rows, each once`);
  } finally {
    await cleanup.run();
  }
}
