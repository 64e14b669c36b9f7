// The broker (a real Mosquitto, its default queue limits, persistence off) killed and started again on the same port
// while two real kiosks drain into two `qrgate central run` consumers of one PostgreSQL database: every session and
// every queued message is gone, and what the kiosks publish before the consumers have subscribed again reaches no one.
// The kiosks saw it all acknowledged; the consumers' gap check finds the holes and repairs them by resend. Every
// check-in ends in PostgreSQL exactly once.
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { brokerDrops, consumerFigures, consumersRig, settled } from './consumers-rig.mjs';
import { outcome } from './verify.mjs';

export async function run({ long }) {
  const perKiosk = long ? 10_000 : 1500;
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-consumers-wipe');
  cleanup.add(tmp.remove);
  try {
    // No drain cap: the kiosks publish as fast as they can.
    const rig = await consumersRig(tmp, cleanup, { perKiosk, broker: { persistence: false } });
    const consumers = [await rig.consumer('central-1'), await rig.consumer('central-2')];
    rig.startKiosks();
    const problems = [];
    if (!(await rig.untilStored(rig.total / 5, 60_000))) problems.push('the drain never reached a fifth');
    // The consumers are held still (SIGSTOP) while the kiosks go on publishing, so the broker surely holds a queue when
    // it dies: on a loaded machine the consumers had kept up, and the crash met an empty broker (1 message held). Held
    // until well beyond what both consumers can have in hand (500 each, their Receive Maximum, and Mosquitto 2.0.11
    // sends a few more): on one run 1,061 held were all in the consumers' sockets and the broker's queues were empty.
    for (const c of consumers) c.kill('SIGSTOP');
    const target = Math.min(rig.total - ((await rig.storedCount()) ?? 0), 1500);
    const pausedAt = Date.now();
    while (rig.total - rig.pending.total() - ((await rig.storedCount()) ?? 0) < target && Date.now() - pausedAt < 20_000) await sleep(50);
    await rig.broker.down('SIGKILL');
    rig.broker.wipe();
    const crashedAt = Date.now();
    // Read after the kill: no kiosk can be acknowledged any more, so every row a kiosk no longer has pending is either
    // stored, in a stopped consumer's hands, or in the dead broker's queues.
    const storedAtCrash = await rig.storedCount();
    const pendingAtCrash = rig.pending.total();
    for (const c of consumers) c.kill('SIGCONT');
    // What the consumers had in hand (already in their sockets) they store while the broker is still down; what is
    // still missing after that was in the broker's queues and is gone: only a resend can bring it back.
    await sleep(1000);
    const storedFromHands = await settled(async () => (await rig.storedCount()) ?? 0, 20_000);
    const wiped = rig.total - pendingAtCrash - storedFromHands;
    const downSec = (Date.now() - crashedAt) / 1000;
    await rig.broker.up();
    const complete = await rig.untilStored(rig.total, long ? 600_000 : 90_000);
    const repairSec = (Date.now() - crashedAt) / 1000;
    if (!complete) problems.push(`only ${await rig.storedCount()} of ${rig.total} stored in time`);
    // Each consumer finds the broker again even when it had nothing left to receive (its reconnection may come after
    // the last row was stored).
    const reconnectDeadline = Date.now() + 30_000;
    while (consumers.map(consumerFigures).some((f) => f.reconnects < 1) && Date.now() < reconnectDeadline) await sleep(100);
    const figures = consumers.map(consumerFigures);
    const resends = figures.reduce((n, f) => n + f.resends, 0);
    if (figures.some((f) => f.reconnects < 1)) problems.push('a consumer never subscribed again after the broker came back');
    if (wiped < 200) problems.push(`the broker's queues held only ${wiped} messages when it died: the fault did not land on a queue`);
    else if (resends === 0) problems.push(`${wiped} messages were wiped with the broker and no resend was asked for`);
    const { rows, problems: verdict } = await rig.verify();
    problems.push(...verdict);
    await rig.stop();
    return outcome(
      problems,
      `broker kill -9 without persistence for ${downSec.toFixed(1)} s at ${storedAtCrash}/${rig.total} stored, ${pendingAtCrash} not yet published; ${storedFromHands - (storedAtCrash ?? 0)} stored from the consumers' hands while it was down, ${wiped} wiped with its queues (2 kiosks × ${perKiosk}); ${resends} resend request(s); all stored ${repairSec.toFixed(1)} s after the crash; Mosquitto began dropping ${brokerDrops(rig.broker)} time(s); ${rows}/${rig.total} rows in PostgreSQL, each (site, device, seq) once`,
    );
  } finally {
    await cleanup.run();
  }
}
