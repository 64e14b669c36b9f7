// SIGTERM in the middle of draining a large backlog (window full): a clean exit (status 0) within 5 s, and the
// same rows pending when it starts again; every row it marked sent did reach the consumer (no mark without PUBACK).
import { performance } from 'node:perf_hooks';
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { writeConfig } from '../../scripts/lib/daemon.mjs';
import { rig } from './rig.mjs';
import { inspectStore, outcome } from './verify.mjs';

export async function run({ long }) {
  const backlog = long ? 100_000 : 10_000;
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-sigterm');
  cleanup.add(tmp.remove);
  try {
    const r = await rig(tmp, cleanup, { backlog, mqtt: { drainRatePerSec: 2000 } });
    const d = await r.start();
    await d.waitFor('connected to the broker');
    await sleep(1500);
    const termAt = performance.now();
    d.kill('SIGTERM');
    const exit = await d.exited;
    const stopSec = (exit.at - termAt) / 1000;
    await sleep(300); // the consumer takes what the broker still had for it
    const before = inspectStore(r.dbPath);
    const pendingBefore = before.rows.filter((row) => row.sent_ms === null).map((row) => row.seq);
    const got = new Set(r.received().map((m) => m.seq));
    const markedNotReceived = before.rows.filter((row) => row.sent_ms !== null && !got.has(row.seq)).length;
    // Restart without a broker: the store is only read.
    const offline = writeConfig(tmp.dir, {
      store: { path: r.dbPath, keyFile: `${tmp.dir}/store.key` },
      mqtt: { url: 'mqtt://127.0.0.1:1' },
    });
    const again = (await r.start(offline).catch(() => null)) ?? r.daemons[r.daemons.length - 1];
    const ready = again.messages('ready')[0];
    again.kill('SIGTERM');
    await again.exited;
    const after = inspectStore(r.dbPath);
    const pendingAfter = after.rows.filter((row) => row.sent_ms === null).map((row) => row.seq);
    const problems = [];
    if (exit.code !== 0) problems.push(`exit ${exit.code ?? exit.signal}`);
    if (stopSec > 5) problems.push(`stopped in ${stopSec.toFixed(2)} s > 5 s`);
    if (ready?.pending !== pendingBefore.length)
      problems.push(`restart reports ${ready?.pending} pending, ${pendingBefore.length} were left`);
    if (pendingAfter.join(',') !== pendingBefore.join(',')) problems.push('the pending rows changed across the restart');
    if (markedNotReceived > 0) problems.push(`${markedNotReceived} rows marked sent but never received`);
    if (after.integrity !== 'ok') problems.push(`integrity ${after.integrity}`);
    return outcome(
      problems,
      `SIGTERM mid-drain of ${backlog}: exit ${exit.code} in ${stopSec.toFixed(2)} s; ${pendingBefore.length} pending before and ${pendingAfter.length} after restart (same seqs); ${backlog - pendingBefore.length} marked sent, all received; integrity ${after.integrity}`,
    );
  } finally {
    await cleanup.run();
  }
}
