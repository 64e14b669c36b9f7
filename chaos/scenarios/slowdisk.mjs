// Slow storage: another process holds the database's write lock (BEGIN IMMEDIATE) for 2 s at a time, three
// times, while scans arrive at 20/s through the pty. The daemon's commit waits exactly as it would behind a stalled
// fsync (its thread is blocked in SQLite, its busy_timeout is 5 s); meanwhile the bytes wait in the kernel's tty
// buffer. Pass: every frame written is committed once, none refused, nothing lost.
import { spawn } from 'node:child_process';
import { Cleanup, ROOT, sleep, tempDir, track } from '../../scripts/lib/util.mjs';
import { rig, untilAllReceived, untilNothingPending } from './rig.mjs';
import { announced, inspectStore, outcome, verifyDelivery } from './verify.mjs';

const HOLDER = `
import Database from 'better-sqlite3';
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 5000');
process.stdin.setEncoding('utf8').on('data', (d) => {
  for (const cmd of d.trim().split('\\n')) {
    if (cmd === 'lock') { db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n'); }
    if (cmd === 'unlock') { db.exec('COMMIT'); process.stdout.write('unlocked\\n'); }
  }
});`;

export async function run({ long }) {
  const stalls = long ? 20 : 3;
  const stallMs = 2000;
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-slowdisk');
  cleanup.add(tmp.remove);
  try {
    const r = await rig(tmp, cleanup);
    const d = await r.start();
    const holder = track(
      spawn(process.execPath, ['--input-type=module', '-e', HOLDER, r.dbPath], {
        cwd: new URL('.', ROOT).pathname,
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    cleanup.add(() => holder.kill('SIGKILL'));
    let out = '';
    holder.stdout.setEncoding('utf8').on('data', (x) => (out += x));
    const command = async (cmd, reply) => {
      const n = out.split(reply).length;
      holder.stdin.write(`${cmd}\n`);
      while (out.split(reply).length === n) await sleep(5);
    };
    let feeding = true;
    const feeder = (async () => {
      while (feeding) await r.feed(1, 50);
    })();
    for (let s = 0; s < stalls; s += 1) {
      await sleep(700);
      await command('lock', 'locked');
      await sleep(stallMs);
      await command('unlock', 'unlocked');
    }
    await sleep(500);
    feeding = false;
    await feeder;
    await d.waitFor('check-in committed', 15_000, r.fed).catch(() => undefined);
    const committed = d.messages('check-in committed');
    const refused = d.messages('scan rejected').length;
    const lastSeq = committed.reduce((m, l) => Math.max(m, l.seq), 0);
    await untilAllReceived(r, lastSeq, 20_000);
    await untilNothingPending(r.dbPath, 10_000);
    d.kill('SIGTERM');
    await d.exited;
    const v = verifyDelivery({ announcedCommits: announced(r.daemons), store: inspectStore(r.dbPath), received: r.received() });
    const problems = [...v.problems];
    if (committed.length !== r.fed) problems.push(`${r.fed} frames written, ${committed.length} committed, ${refused} refused`);
    return outcome(
      problems,
      `${stalls} write stalls of ${stallMs} ms at 20 scans/s: ${r.fed} frames written, ${committed.length} committed, ${refused} refused; ${v.figures}`,
    );
  } finally {
    await cleanup.run();
  }
}
