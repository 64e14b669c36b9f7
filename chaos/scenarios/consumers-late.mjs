// A consumer that starts late: `central-2` subscribed once (its session and its place in the shared group exist on
// the broker) and stopped; then two real kiosks drain their backlogs, Mosquitto (default queue limits) deals
// `central-2` its share into its session (up to 1,000 queued, the rest dropped) while `central-1` stores its own.
// Once the kiosks have published everything, `central-2` starts, stores what its session held, and the gap check
// repairs what the broker dropped. Every check-in ends in PostgreSQL exactly once.
import { Cleanup, tempDir, waitUntil } from '../../scripts/lib/util.mjs';
import { brokerDrops, consumerFigures, consumersRig, metric } from './consumers-rig.mjs';
import { outcome } from './verify.mjs';

export async function run({ long }) {
  const perKiosk = long ? 10_000 : 1500;
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-consumers-late');
  cleanup.add(tmp.remove);
  try {
    const rig = await consumersRig(tmp, cleanup, { perKiosk, drainRatePerSec: long ? 2000 : 1000 });
    const a = await rig.consumer('central-1');
    const b = await rig.consumer('central-2');
    b.kill('SIGTERM');
    await b.exited;
    rig.startKiosks();
    const problems = [];
    await waitUntil(() => rig.pending.total() === 0, 'the kiosks published everything', 60_000, 50);
    const storedBefore = await rig.storedCount();
    const startedAt = Date.now();
    const late = await rig.consumer('central-2');
    const session = late.lines.find((l) => l.msg === 'consuming from the external broker')?.sessionPresent;
    if (session !== true) problems.push('the late consumer did not find its session on the broker');
    const complete = await rig.untilStored(rig.total, long ? 600_000 : 90_000);
    const catchUpSec = (Date.now() - startedAt) / 1000;
    if (!complete) problems.push(`only ${await rig.storedCount()} of ${rig.total} stored in time`);
    const storedByLate = await metric(late, 'qrgate_central_checkins_stored_total');
    if (storedByLate === 0) problems.push('the late consumer stored nothing');
    const resends = [a, late].map(consumerFigures).reduce((n, f) => n + f.resends, 0);
    const { rows, problems: verdict } = await rig.verify();
    problems.push(...verdict);
    await rig.stop();
    return outcome(
      problems,
      `2 kiosks × ${perKiosk} published while 1 of 2 consumers was stopped (${storedBefore} stored by the other); started late, it stored ${storedByLate} (what its session held, then its share of the resent); ${resends} resend request(s) for what the broker dropped; all stored ${catchUpSec.toFixed(1)} s after it started; Mosquitto began dropping ${brokerDrops(rig.broker)} time(s); ${rows}/${rig.total} rows, each (site, device, seq) once`,
    );
  } finally {
    await cleanup.run();
  }
}
