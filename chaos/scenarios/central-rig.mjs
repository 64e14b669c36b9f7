// Shared by the central chaos scenarios: real `qrgate run` kiosks with a backlog each, registered at central through
// the CLI, and what their stores hold at the end.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildBacklog, pendingCounter } from '../../scripts/lib/backlog.mjs';
import { addKiosk } from '../../scripts/lib/central.mjs';
import { Daemon, writeConfig } from '../../scripts/lib/daemon.mjs';

/** `count` kiosks in `dir`/k{i}, each with `backlog` pending check-ins, registered at central (config file). */
export async function backlogKiosks(dir, centralConfig, count, backlog) {
  // One store per kiosk (not copies of one: the ids are UUIDv7 made at commit, unique per kiosk, and central
  // de-duplicates on them).
  const kiosks = [];
  for (let i = 1; i <= count; i += 1) {
    const kdir = join(dir, `k${i}`);
    mkdirSync(kdir, { recursive: true });
    await buildBacklog(join(kdir, 'qrgate.db'), join(kdir, 'store.key'), backlog, { startIndex: i * 1_000_000 });
    const device = { id: `kiosk-${i}`, site: 'chaos-site' };
    addKiosk(centralConfig, device.site, device.id, join(kdir, 'mqtt.password'));
    kiosks.push({ dir: kdir, device, db: join(kdir, 'qrgate.db') });
  }
  return kiosks;
}

export function startKiosk(k, url) {
  return new Daemon(
    writeConfig(k.dir, {
      device: k.device,
      mqtt: { url, username: `${k.device.site}/${k.device.id}`, passwordFile: join(k.dir, 'mqtt.password'), keepaliveSec: 5 },
    }),
  );
}

export async function pendingOf(kiosks) {
  const counters = await Promise.all(kiosks.map((k) => pendingCounter(k.db)));
  return { total: () => counters.reduce((n, c) => n + c.count(), 0), close: () => counters.forEach((c) => c.close()) };
}

/** Every check-in of every kiosk is at central exactly once (by site, device, seq and id). */
export function exactlyOnce(rows, kiosks, perKiosk) {
  const problems = [];
  for (const k of kiosks) {
    const mine = rows.filter((r) => r.site === k.device.site && r.device === k.device.id);
    const seqs = new Set(mine.map((r) => r.seq));
    if (mine.length !== perKiosk) problems.push(`${k.device.id}: ${mine.length} rows, expected ${perKiosk}`);
    if (seqs.size !== mine.length) problems.push(`${k.device.id}: a seq stored twice`);
    for (let s = 1; s <= perKiosk; s += 1)
      if (!seqs.has(s)) {
        problems.push(`${k.device.id}: seq ${s} missing`);
        break;
      }
  }
  return problems;
}
