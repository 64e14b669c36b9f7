// A clock step of +1 h and then -1 h (2 h back) during operation, with a backlog built across the steps. The
// system clock of this shared machine is not stepped: libfaketime (Debian package faketime) is preloaded into the
// daemon only, with its offset file rewritten at run time (FAKETIME_NO_CACHE) and the monotonic clock left real
// (DONT_FAKE_MONOTONIC), which is what an NTP step does to one process. Nothing skipped, nothing resent.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { rig, untilAllReceived, untilNothingPending } from './rig.mjs';
import { announced, inspectStore, outcome, verifyDelivery } from './verify.mjs';

/** Debian's multiarch folder (x86_64-linux-gnu, aarch64-linux-gnu, arm-linux-gnueabihf…) holds the library. */
function findLibfaketime() {
  for (const arch of existsSync('/usr/lib') ? readdirSync('/usr/lib') : []) {
    const candidate = `/usr/lib/${arch}/faketime/libfaketimeMT.so.1`;
    if (existsSync(candidate)) return candidate;
  }
  return '/usr/lib/<arch>/faketime/libfaketimeMT.so.1';
}

const LIB = findLibfaketime();

export async function run() {
  if (!existsSync(LIB)) return { pass: false, figures: `${LIB} missing: run scripts/test-deps.sh (Debian package faketime)` };
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-clock');
  cleanup.add(tmp.remove);
  try {
    const r = await rig(tmp, cleanup);
    const offset = join(tmp.dir, 'faketime');
    writeFileSync(offset, '+0\n');
    const d = await r.start(r.config, {
      env: { LD_PRELOAD: LIB, FAKETIME_TIMESTAMP_FILE: offset, FAKETIME_NO_CACHE: '1', DONT_FAKE_MONOTONIC: '1' },
    });
    await d.waitFor('connected to the broker');
    await r.feed(5, 100);
    writeFileSync(offset, '+3600\n');
    await sleep(200);
    await r.feed(5, 100);
    await r.broker.down('SIGTERM');
    await r.feed(5, 100);
    writeFileSync(offset, '-3600\n');
    await sleep(200);
    await r.feed(5, 100);
    await r.broker.up();
    await r.feed(5, 100);
    await d.waitFor('check-in committed', 10_000, 25).catch(() => undefined);
    const commits = d.messages('check-in committed');
    const lastSeq = commits.reduce((m, l) => Math.max(m, l.seq), 0);
    await untilAllReceived(r, lastSeq, 90_000);
    await untilNothingPending(r.dbPath, 10_000);
    const times = d.messages('check-in committed').map((l) => l.time);
    d.kill('SIGTERM');
    await d.exited;
    const v = verifyDelivery({ announcedCommits: announced(r.daemons), store: inspectStore(r.dbPath), received: r.received() });
    const problems = [...v.problems];
    if (commits.length !== 25) problems.push(`${commits.length}/25 scans committed`);
    if (v.duplicates > 0) problems.push(`${v.duplicates} check-ins resent`);
    return outcome(
      problems,
      `log times ${times[0]?.slice(11, 19)} → ${times[5]?.slice(11, 19)} (+1 h) → ${times[15]?.slice(11, 19)} (-1 h); ${v.figures}`,
    );
  } finally {
    await cleanup.run();
  }
}
