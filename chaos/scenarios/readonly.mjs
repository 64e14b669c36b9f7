// Read-only store. Linux refuses `mount -o remount,ro` (EBUSY) while the daemon holds the database open for
// writing, and this machine has no device-mapper to fail writes underneath a live process, so the read-only case
// is tested the way a card that went read-only meets the daemon after a reboot or restart: the store's tmpfs is
// remounted read-only while the daemon is stopped, the daemon is started on it (it must refuse visibly and
// acknowledge nothing), then the mount is made writable again and a restart recovers every earlier row.
import { Daemon } from '../../scripts/lib/daemon.mjs';
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { mountTmpfs } from './mount.mjs';
import { rig, untilAllReceived, untilNothingPending } from './rig.mjs';
import { announced, inspectStore, outcome, verifyDelivery } from './verify.mjs';

export async function run() {
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-readonly');
  cleanup.add(tmp.remove);
  const mnt = mountTmpfs(tmp.dir, 8192);
  cleanup.add(() => mnt.unmount());
  try {
    const r = await rig(tmp, cleanup, { dbDir: mnt.path });
    const d1 = await r.start();
    await r.feed(5, 50);
    await d1.waitFor('check-in committed', 10_000, 5);
    d1.kill('SIGTERM');
    await d1.exited;
    mnt.remount('ro');
    const ro = new Daemon(r.config);
    r.daemons.push(ro);
    cleanup.add(() => ro.dispose());
    const early = await Promise.race([ro.exited, sleep(8000).then(() => null)]);
    await r.feed(5, 50); // nobody may acknowledge these
    await sleep(300);
    const fatal = ro.lines.find((l) => l.level === 'fatal' || l.level === 'error' || l.level >= 50);
    const roCommitted = ro.messages('check-in committed').length;
    const roExit =
      early ??
      (await (async () => {
        ro.kill('SIGTERM');
        return ro.exited;
      })());
    mnt.remount('rw');
    const d2 = await r.start();
    await r.feed(5, 100);
    await d2.waitFor('check-in committed', 10_000, 5);
    const lastSeq = d2.messages('check-in committed').reduce((m, l) => Math.max(m, l.seq), 0);
    await untilAllReceived(r, lastSeq, 20_000);
    await untilNothingPending(r.dbPath, 10_000);
    d2.kill('SIGTERM');
    await d2.exited;
    const v = verifyDelivery({ announcedCommits: announced(r.daemons), store: inspectStore(r.dbPath), received: r.received() });
    const problems = [...v.problems];
    if (roCommitted > 0) problems.push(`${roCommitted} scans acknowledged on a read-only store`);
    if (fatal === undefined) problems.push('no visible fault on the read-only store');
    if (lastSeq !== 10) problems.push(`after recovery last seq ${lastSeq}, expected 10`);
    return outcome(
      problems,
      `read-only start: exit ${roExit.code ?? roExit.signal}, fault "${fatal?.msg ?? 'none'}" ${fatal?.code ?? ''}, 0 acknowledged; writable again: previous 5 rows kept, 5 new committed; ${v.figures}`,
    );
  } finally {
    await cleanup.run();
  }
}
