// A failing SD card. First, bytes change inside three stored values of a backlog (AES-GCM's tag sees it, SQLite's
// page checks do not): the daemon keeps running, sets those rows aside (E_STORE_UNREADABLE with their seqs) and
// delivers all the others. Then, while the kiosk is off with check-ins still unsent, a whole page of the check-ins
// table is overwritten: the next start moves the database aside (E_STORE_CORRUPT), takes over every unsent
// check-in the damaged file still gives, and delivers them; only the damaged page's rows are missing, and new
// scans continue the seq after the last one.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Cleanup, sleep, tempDir } from '../../scripts/lib/util.mjs';
import { damageLeafPage, unreadableSeqs } from '../../scripts/lib/damage.mjs';
import { writeConfig } from '../../scripts/lib/daemon.mjs';
import { rig, untilNothingPending } from './rig.mjs';
import { inspectStore, outcome } from './verify.mjs';

export async function run({ long }) {
  const backlog = long ? 20_000 : 2_000;
  const offline = long ? 2_000 : 300;
  const cleanup = new Cleanup();
  const tmp = tempDir('chaos-damage');
  cleanup.add(tmp.remove);
  try {
    const problems = [];
    const r = await rig(tmp, cleanup, { backlog });
    const rotten = [11, Math.floor(backlog / 2), backlog - 1];
    const db = new Database(r.dbPath);
    db.prepare(`UPDATE checkins SET sealed = randomblob(length(sealed)) WHERE seq IN (${rotten.join(', ')})`).run();
    db.close();

    // 1. Bit rot inside values: set aside, the rest delivered, the daemon still up.
    const first = await r.start();
    const left = await untilNothingPending(r.dbPath, long ? 120_000 : 30_000);
    const setAside = first.lines.filter((l) => l.code === 'E_STORE_UNREADABLE').map((l) => l.seq);
    if (left > 0) problems.push(`${left} rows still pending after the drain`);
    if (!first.alive) problems.push(`the daemon exited during the drain (${first.stderr.slice(-200)})`);
    if (setAside.join(',') !== rotten.join(','))
      problems.push(`set aside ${setAside.join(',') || 'nothing'}, expected ${rotten.join(',')}`);
    first.kill('SIGTERM');
    await first.exited;

    // 2. Scans recorded while the broker is unreachable, then the kiosk is switched off.
    // Its own folder: writeConfig(tmp.dir) would replace the rig's config, which the next start uses.
    const offlineDir = join(tmp.dir, 'offline');
    mkdirSync(offlineDir);
    const unreachable = writeConfig(offlineDir, {
      store: { path: r.dbPath, keyFile: `${tmp.dir}/store.key` },
      mqtt: { url: 'mqtt://127.0.0.1:1' },
      scanners: [{ id: 's1', type: 'serial', path: r.pty.scannerPath, terminator: 'cr' }],
    });
    const second = await r.start(unreachable);
    await r.feed(offline, 2);
    await second.waitFor('check-in committed', 30_000, offline);
    second.kill('SIGTERM');
    await second.exited;
    const before = inspectStore(r.dbPath);
    const unsent = before.rows.filter((row) => row.sent_ms === null).map((row) => row.seq);

    // 3. One page of the check-ins table, among the unsent rows, overwritten while it is off.
    // The table's leaves in key order: the unsent rows are on the last ones; one a few pages before the end.
    damageLeafPage(r.dbPath, 'checkins', (leaves) => leaves[Math.max(0, leaves.length - 8)]);
    const lost = unreadableSeqs(r.dbPath, unsent);
    if (lost.length === 0) problems.push('the damaged page held none of the unsent rows (scenario set-up)');

    // 4. The next start with the broker back.
    const third = await r.start();
    const alarm = third.messages('store alarm').find((l) => l.code === 'E_STORE_CORRUPT');
    if (alarm === undefined) problems.push('no E_STORE_CORRUPT alarm at start');
    await r.feed(10, 20);
    await third.waitFor('check-in committed', 15_000, 10);
    const newSeqs = third.messages('check-in committed').map((l) => l.seq);
    const left2 = await untilNothingPending(r.dbPath, 60_000);
    await sleep(300);
    third.kill('SIGTERM');
    await third.exited;

    const got = new Map();
    for (const m of r.received()) {
      const id = got.get(m.seq);
      if (id !== undefined && id !== m.id) problems.push(`seq ${m.seq} received with two ids`);
      got.set(m.seq, m.id);
    }
    const expected = [
      ...Array.from({ length: backlog }, (_, i) => i + 1).filter((s) => !rotten.includes(s)),
      ...unsent.filter((s) => !lost.includes(s)),
      ...newSeqs,
    ];
    const missing = expected.filter((s) => !got.has(s));
    if (missing.length > 0) problems.push(`${missing.length} seqs never reached the consumer (first ${missing.slice(0, 5).join(', ')})`);
    const unexpected = [...rotten, ...lost].filter((s) => got.has(s));
    if (unexpected.length > 0) problems.push(`damaged seqs ${unexpected.join(', ')} arrived`);
    if (newSeqs[0] !== before.lastSeq + 1) problems.push(`new scans started at seq ${newSeqs[0]}, expected ${before.lastSeq + 1}`);
    if (left2 > 0) problems.push(`${left2} rows still pending at the end`);
    const after = inspectStore(r.dbPath);
    if (after.integrity !== 'ok') problems.push(`integrity ${after.integrity}`);
    return outcome(
      problems,
      `${backlog}-row backlog with ${rotten.length} values damaged: set aside (seqs ${setAside.join(', ')}), the other ${backlog - rotten.length} delivered; ` +
        `${unsent.length} unsent when a page was overwritten: ${unsent.length - lost.length} taken over and delivered, ${lost.length} lost with the page; ` +
        `new scans from seq ${newSeqs[0]}; alarm "${alarm?.detail?.replace(/^moved to \S+; /, '') ?? ''}"; integrity ${after.integrity}`,
    );
  } finally {
    await cleanup.run();
  }
}
