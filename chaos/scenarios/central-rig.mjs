// Shared by the central chaos scenarios: real `qrgate run` kiosks with a backlog each, registered at central through
// the CLI, and what their stores hold at the end.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildBacklog, pendingCounter } from '../../scripts/lib/backlog.mjs';
import { addKiosk } from '../../scripts/lib/central.mjs';
import { Daemon, writeConfig } from '../../scripts/lib/daemon.mjs';

/**
 * `count` kiosks in `dir`/k{i}, each with `backlog` pending check-ins, registered at central (`centralConfig`, its
 * config file), or with null not registered (an external broker that lets anyone in: the kiosk sends no credentials).
 */
export async function backlogKiosks(dir, centralConfig, count, backlog) {
  // One store per kiosk (not copies of one: the ids are UUIDv7 made at commit, unique per kiosk, and central
  // de-duplicates on them).
  const kiosks = [];
  for (let i = 1; i <= count; i += 1) {
    const kdir = join(dir, `k${i}`);
    mkdirSync(kdir, { recursive: true });
    await buildBacklog(join(kdir, 'qrgate.db'), join(kdir, 'store.key'), backlog, { startIndex: i * 1_000_000 });
    const device = { id: `kiosk-${i}`, site: 'chaos-site' };
    const passwordFile = centralConfig === null ? null : join(kdir, 'mqtt.password');
    if (passwordFile !== null) addKiosk(centralConfig, device.site, device.id, passwordFile);
    kiosks.push({ dir: kdir, device, db: join(kdir, 'qrgate.db'), passwordFile });
  }
  return kiosks;
}

/** A `qrgate run` of kiosk `k` against the broker at `url`; `mqtt` adds keys to its mqtt section. */
export function startKiosk(k, url, mqtt = {}) {
  const credentials = k.passwordFile === null ? {} : { username: `${k.device.site}/${k.device.id}`, passwordFile: k.passwordFile };
  return new Daemon(writeConfig(k.dir, { device: k.device, mqtt: { url, ...credentials, keepaliveSec: 5, ...mqtt } }));
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
