// The broker is killed mid-drain and restarted without its persistence (every session lost): rows not yet
// acknowledged are resent on the new session; no row is marked sent without a PUBACK. A row marked sent before the
// kill may be lost by the broker itself (it had acknowledged it); any other row missing at the consumer fails.
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { rig, untilAllReceived, untilNothingPending } from './rig.mjs';
import { announced, inspectStore, outcome, verifyDelivery } from './verify.mjs';

/** The daemon writes acknowledgements at most 20 ms after their PUBACK (outbox-pump ACK_FLUSH_MS). */
const ACK_FLUSH_SLACK_MS = 100;

export async function run({ long }) {
  const backlog = long ? 50_000 : 6_000;
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-wipe');
  cleanup.add(tmp.remove);
  try {
    const r = await rig(tmp, cleanup, { backlog, mqtt: { drainRatePerSec: 2000 } });
    const d = await r.start();
    await sleep(1500);
    const old = r.consumers[0];
    await r.broker.down('SIGKILL');
    const killedAt = Date.now();
    await old.close();
    r.broker.wipe();
    await r.broker.up();
    await r.newConsumer(); // subscribed before the daemon's first reconnect (its backoff starts at 0.5 s)
    await r.feed(20, 50);
    await sleep(300);
    const lastSeq = d.messages('check-in committed').reduce((m, l) => Math.max(m, l.seq), backlog);
    await untilAllReceived(r, lastSeq, long ? 300_000 : 60_000);
    await untilNothingPending(r.dbPath, 15_000);
    d.kill('SIGTERM');
    await d.exited;
    const store = inspectStore(r.dbPath);
    const v = verifyDelivery({
      announcedCommits: announced(r.daemons),
      store,
      received: r.received(),
      allowMissingAtConsumer: (row) => row.sent_ms !== null && row.sent_ms <= killedAt + ACK_FLUSH_SLACK_MS,
    });
    const problems = [...v.problems];
    if (v.maxCopies > 3) problems.push(`a check-in arrived ${v.maxCopies} times`);
    const resent = store.rows.filter((row) => row.sent_ms !== null && row.sent_ms > killedAt).length;
    return outcome(problems, `killed and wiped mid-drain of ${backlog}; ${resent} rows acknowledged by the new broker; ${v.figures}`);
  } finally {
    await cleanup.run();
  }
}
