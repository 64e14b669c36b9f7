// Disk full: the store lives on a 4 MiB tmpfs which is then filled to ENOSPC while the daemon runs. Every frame
// must be either committed (announced, stored, delivered) or refused with a visible fault (E_STORE_FULL logged as an
// alarm and the scan rejected without an id), never acknowledged unstored; after space is freed, scans commit again.
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { fill, mountTmpfs } from './mount.mjs';
import { rig, untilAllReceived, untilNothingPending } from './rig.mjs';
import { announced, inspectStore, outcome, verifyDelivery } from './verify.mjs';

const refusals = (d) => d.messages('scan rejected').filter((l) => l.id === null && String(l.code).startsWith('E_STORE'));

export async function run() {
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-diskfull');
  cleanup.add(tmp.remove);
  const mnt = mountTmpfs(tmp.dir, 4096);
  cleanup.add(() => mnt.unmount());
  try {
    const r = await rig(tmp, cleanup, { dbDir: mnt.path });
    const d = await r.start();
    await r.feed(5, 50);
    await d.waitFor('check-in committed', 10_000, 5);
    const free = fill(mnt.path);
    // The WAL may still have room it can reuse; keep scanning until the full disk shows (bounded).
    let written = 0;
    while (refusals(d).length === 0 && written < 400) {
      await r.feed(10, 20);
      written += 10;
      await sleep(100);
    }
    await sleep(300);
    const duringFull = { fed: written, committed: d.messages('check-in committed').length - 5, refused: refusals(d).length };
    const faultCodes = [...new Set(d.messages('alarm').map((a) => a.code))];
    free();
    await sleep(200);
    await r.feed(5, 100);
    await sleep(500);
    const totalCommitted = d.messages('check-in committed').length;
    const after = totalCommitted - 5 - duringFull.committed;
    const lastSeq = d.messages('check-in committed').reduce((m, l) => Math.max(m, l.seq), 0);
    await untilAllReceived(r, lastSeq, 20_000);
    await untilNothingPending(r.dbPath, 10_000);
    d.kill('SIGTERM');
    await d.exited;
    const v = verifyDelivery({ announcedCommits: announced(r.daemons), store: inspectStore(r.dbPath), received: r.received() });
    const problems = [...v.problems];
    if (duringFull.refused === 0) problems.push(`no E_STORE refusal after ${written} scans on a full disk`);
    if (!faultCodes.includes('E_STORE_FULL')) problems.push(`alarm codes ${faultCodes.join(',') || 'none'}, expected E_STORE_FULL`);
    if (duringFull.committed + duringFull.refused !== duringFull.fed)
      problems.push(`while full: ${duringFull.fed} frames, ${duringFull.committed} committed + ${duringFull.refused} refused`);
    if (after !== 5) problems.push(`after freeing space ${after}/5 scans committed`);
    return outcome(
      problems,
      `while full: ${duringFull.fed} frames → ${duringFull.committed} committed (WAL room), ${duringFull.refused} refused with ${faultCodes.join(',')}; after freeing: ${after}/5 committed; ${v.figures}`,
    );
  } finally {
    await cleanup.run();
  }
}
