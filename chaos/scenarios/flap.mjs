// The broker flaps (down 0.3-1 s, up 1-2.5 s, at random) during the drain of a backlog (rate-capped so that the
// drain lasts several flaps) while live scans arrive at 10/s: no loss, no gap, no duplicate storm (no check-in
// received more than 3 times).
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { rig, untilAllReceived, untilNothingPending } from './rig.mjs';
import { announced, inspectStore, outcome, verifyDelivery } from './verify.mjs';

const rand = (lo, hi) => lo + Math.random() * (hi - lo);

export async function run({ long }) {
  const backlog = long ? 50_000 : 6_000;
  const flaps = long ? 60 : 6;
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-flap');
  cleanup.add(tmp.remove);
  try {
    const r = await rig(tmp, cleanup, { backlog, mqtt: { drainRatePerSec: 1000 } });
    const d = await r.start();
    let feeding = true;
    const feeder = (async () => {
      while (feeding) await r.feed(1, 100);
    })();
    for (let f = 0; f < flaps; f += 1) {
      await sleep(rand(1000, 2500));
      await r.broker.down('SIGTERM');
      await sleep(rand(300, 1000));
      await r.broker.up();
    }
    feeding = false;
    await feeder;
    await sleep(300);
    const lastSeq = d.messages('check-in committed').reduce((m, l) => Math.max(m, l.seq), backlog);
    await untilAllReceived(r, lastSeq, long ? 300_000 : 60_000);
    await untilNothingPending(r.dbPath, 15_000);
    d.kill('SIGTERM');
    await d.exited;
    const store = inspectStore(r.dbPath);
    const v = verifyDelivery({ announcedCommits: announced(r.daemons), store, received: r.received() });
    const problems = [...v.problems];
    if (v.maxCopies > 3) problems.push(`a check-in arrived ${v.maxCopies} times (duplicate storm)`);
    const reconnects = d.messages('connected to the broker').length - 1;
    return outcome(
      problems,
      `${flaps} flaps (${reconnects} reconnects) during a ${backlog}-row drain capped at 1000/s plus ${r.fed} live scans; ${v.figures}`,
    );
  } finally {
    await cleanup.run();
  }
}
