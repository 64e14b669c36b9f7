// PostgreSQL stopped (fast shutdown) and started again on the same data folder and port while two real kiosks drain
// into two `qrgate central run` consumers of a real Mosquitto (default queue limits). While the database is away a
// consumer cannot store, so it acknowledges nothing and drops its broker connection, which puts the message back in
// its session; it keeps trying, and once the server answers again it stores what the broker redelivers, and what the
// broker dropped meanwhile comes by resend. Both consumers stay up, and every check-in ends stored exactly once.
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { brokerDrops, consumerFigures, consumersRig } from './consumers-rig.mjs';
import { outcome } from './verify.mjs';

export async function run({ long }) {
  const perKiosk = long ? 10_000 : 1500;
  const downMs = long ? 15_000 : 3000;
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-consumers-pg');
  cleanup.add(tmp.remove);
  try {
    const rig = await consumersRig(tmp, cleanup, { perKiosk, drainRatePerSec: long ? 1000 : 300 });
    const consumers = [await rig.consumer('central-1'), await rig.consumer('central-2')];
    rig.startKiosks();
    const problems = [];
    if (!(await rig.untilStored(rig.total / 4, 60_000))) problems.push('the drain never reached a quarter');
    const storedAtStop = await rig.storedCount();
    await rig.pg.down('SIGINT');
    const stoppedAt = Date.now();
    await sleep(downMs);
    const pendingAtRestart = rig.pending.total();
    await rig.pg.up();
    const complete = await rig.untilStored(rig.total, long ? 600_000 : 90_000);
    const repairSec = (Date.now() - stoppedAt - downMs) / 1000;
    if (!complete) problems.push(`only ${await rig.storedCount()} of ${rig.total} stored in time`);
    const dead = consumers.filter((c) => !c.alive);
    if (dead.length > 0) problems.push(`${dead.length} consumer(s) exited: ${dead[0].stderr.slice(-300)}`);
    const refusals = consumers.map(
      (c) => c.lines.filter((l) => l.msg === 'could not store a kiosk message; the kiosk will send it again').length,
    );
    if (refusals.every((n) => n === 0)) problems.push('no consumer ever failed to store: the database was not down mid-ingest');
    const figures = consumers.map(consumerFigures);
    const resends = figures.reduce((n, f) => n + f.resends, 0);
    const reconnects = figures.reduce((n, f) => n + f.reconnects, 0);
    const { rows, problems: verdict } = await rig.verify();
    problems.push(...verdict);
    await rig.stop();
    return outcome(
      problems,
      `PostgreSQL down ${downMs / 1000} s from ${storedAtStop}/${rig.total} stored (2 kiosks × ${perKiosk}, ${pendingAtRestart} still unpublished at the restart); ${refusals.reduce((n, r) => n + r, 0)} deliveries left unacknowledged for want of the store, ${reconnects} reconnections to the broker; ${resends} resend request(s); all stored ${repairSec.toFixed(1)} s after the restart; Mosquitto began dropping ${brokerDrops(rig.broker)} time(s); ${rows}/${rig.total} rows, each (site, device, seq) once`,
    );
  } finally {
    await cleanup.run();
  }
}
