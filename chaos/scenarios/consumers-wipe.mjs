// The broker (a real Mosquitto, its default queue limits, persistence off) killed and started again on the same port
// while two real kiosks drain into two `qrgate central run` consumers of one PostgreSQL database: every session and
// every queued message is gone, and what the kiosks publish before the consumers have subscribed again reaches no one.
// The kiosks saw it all acknowledged; the consumers' gap check finds the holes and repairs them by resend. Every
// check-in ends in PostgreSQL exactly once.
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { brokerDrops, consumerFigures, consumersRig } from './consumers-rig.mjs';
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
    if (!(await rig.untilStored(rig.total / 3, 60_000))) problems.push('the drain never reached a third');
    // The consumers are held still (SIGSTOP) while the kiosks go on publishing, so the broker surely holds a queue when
    // it dies: on a loaded machine the consumers had kept up, and the crash met an empty broker (1 message held).
    for (const c of consumers) c.kill('SIGSTOP');
    const pendingAtPause = rig.pending.total();
    const pausedAt = Date.now();
    while (rig.pending.total() > Math.max(0, pendingAtPause - 500) && Date.now() - pausedAt < 20_000) await sleep(50);
    const storedAtCrash = await rig.storedCount();
    const pendingAtCrash = rig.pending.total();
    // Acknowledged to the kiosks (so never sent again by their drain) and not stored: the broker's queues, about to be
    // wiped, and the few messages in the consumers' hands (Mosquitto lets each hold 20).
    // (storedAtCrash is null only if PostgreSQL did not answer, which it does here.)
    const held = rig.total - pendingAtCrash - (storedAtCrash ?? 0);
    await rig.broker.down('SIGKILL');
    rig.broker.wipe();
    for (const c of consumers) c.kill('SIGCONT');
    const crashedAt = Date.now();
    await sleep(1000);
    await rig.broker.up();
    const complete = await rig.untilStored(rig.total, long ? 600_000 : 90_000);
    const repairSec = (Date.now() - crashedAt) / 1000;
    if (!complete) problems.push(`only ${await rig.storedCount()} of ${rig.total} stored in time`);
    const figures = consumers.map(consumerFigures);
    const resends = figures.reduce((n, f) => n + f.resends, 0);
    if (figures.some((f) => f.reconnects < 1)) problems.push('a consumer never subscribed again after the broker came back');
    // Up to 500 messages a consumer has in hand (its Receive Maximum) may still be stored after the crash; beyond the
    // two consumers' 1,000 some were surely in the broker's queues, and only a resend can bring those back.
    if (held < 200) problems.push(`the broker held only ${held} messages when it died: the fault did not land on a queue`);
    else if (held > 1000 && resends === 0) problems.push('no resend was asked for (the wiped messages cannot have come otherwise)');
    const { rows, problems: verdict } = await rig.verify();
    problems.push(...verdict);
    await rig.stop();
    return outcome(
      problems,
      `broker kill -9 without persistence for 1 s at ${storedAtCrash}/${rig.total} stored, ${held} acknowledged to the kiosks and not stored, ${pendingAtCrash} not yet published (2 kiosks × ${perKiosk}); ${resends} resend request(s); all stored ${repairSec.toFixed(1)} s after the crash; Mosquitto began dropping ${brokerDrops(rig.broker)} time(s); ${rows}/${rig.total} rows in PostgreSQL, each (site, device, seq) once`,
    );
  } finally {
    await cleanup.run();
  }
}
