// kill -9 of one of two `qrgate central run` consumers (shared subscription on a real Mosquitto with its default
// queue limits, one PostgreSQL database) while two real kiosks drain their backlogs. The dead consumer's session
// stays on the broker, which keeps dealing it every other message: the survivor's gap check finds the holes and
// repairs them by resend, alone. Then the dead one comes back under its client id and gets what its session held:
// duplicates only. Every check-in ends in PostgreSQL exactly once.
import { Cleanup, tempDir } from '../../scripts/lib/util.mjs';
import { brokerDrops, consumerFigures, consumersRig, metric, settled } from './consumers-rig.mjs';
import { outcome } from './verify.mjs';

export async function run({ long }) {
  const perKiosk = long ? 10_000 : 1500;
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-consumers-kill9');
  cleanup.add(tmp.remove);
  try {
    const rig = await consumersRig(tmp, cleanup, { perKiosk, drainRatePerSec: long ? 2000 : 500 });
    const a = await rig.consumer('central-1');
    const b = await rig.consumer('central-2');
    rig.startKiosks();
    const problems = [];
    if (!(await rig.untilStored(rig.total / 3, 60_000))) problems.push('the drain never reached a third');
    const storedAtKill = await rig.storedCount();
    b.kill('SIGKILL');
    await b.exited;
    const killedAt = Date.now();
    const complete = await rig.untilStored(rig.total, long ? 600_000 : 90_000);
    const repairSec = (Date.now() - killedAt) / 1000;
    if (!complete) problems.push(`only ${await rig.storedCount()} of ${rig.total} stored in time`);
    const resends = consumerFigures(a).resends;
    if (resends === 0) problems.push('the survivor never asked for a resend');
    // Back under its id: its session's queue (what the broker dealt it while it was dead) comes to it, all stored already.
    const b2 = await rig.consumer('central-2');
    const held = await settled(() => metric(b2, 'qrgate_central_duplicates_total'), 10_000);
    const storedByB2 = await metric(b2, 'qrgate_central_checkins_stored_total');
    if (storedByB2 !== 0) problems.push(`the returning consumer stored ${storedByB2} new rows (expected none: all were repaired)`);
    const { rows, problems: verdict } = await rig.verify();
    problems.push(...verdict);
    await rig.stop();
    return outcome(
      problems,
      `kill -9 of 1 of 2 consumers at ${storedAtKill}/${rig.total} stored (2 kiosks × ${perKiosk}); ${resends} resend request(s) by the survivor; all stored ${repairSec.toFixed(1)} s after the kill; the returning consumer got ${held} held message(s), all duplicates; Mosquitto began dropping ${brokerDrops(rig.broker)} time(s); ${rows}/${rig.total} rows in PostgreSQL, each (site, device, seq) once`,
    );
  } finally {
    await cleanup.run();
  }
}
