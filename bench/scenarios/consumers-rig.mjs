// The rig of central-consumers.mjs (not a scenario of its own): one PostgreSQL cluster, a Mosquitto per phase with
// the district settings, central consumers started one way, and what is read from them and from /proc.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Mosquitto } from '../../scripts/lib/broker.mjs';
import { Central } from '../../scripts/lib/central.mjs';
import { Postgres } from '../../scripts/lib/postgres.mjs';
import { dist, sleep, tempDir } from '../../scripts/lib/util.mjs';

const { createKeyFile } = await dist('src/store/sealer.js');

/** docs/central.md's Mosquitto settings for a district (TLS, passwords and the ACL aside). */
export const DISTRICT = [
  'log_type notice',
  'set_tcp_nodelay true',
  'max_inflight_messages 500',
  'max_queued_messages 100000',
  'max_queued_bytes 268435456',
];

/**
 * A consumer as Rig.consumers() starts it: a Central with its HTTP address (from its "central ready" line) and its
 * client id.
 * @typedef {Central & { http: string | undefined, clientId: string }} Consumer
 */

/** Everything the phases share: the PostgreSQL cluster, a client on the bench database, the key every consumer uses. */
export class Rig {
  /**
   * @param {{ dir: string, remove: () => void }} tmp
   * @param {Postgres} server
   * @param {string} key
   * @param {import('../../scripts/lib/util.mjs').Cleanup} cleanup
   */
  constructor(tmp, server, key, cleanup) {
    this.tmp = tmp;
    this.server = server;
    this.key = key;
    this.cleanup = cleanup;
    /** Numbers the folders of brokers and consumers. */
    this.n = 0;
  }

  /** @param {import('../../scripts/lib/util.mjs').Cleanup} cleanup */
  static async open(cleanup) {
    const tmp = tempDir('bench-consumers');
    cleanup.add(tmp.remove);
    const server = await Postgres.start();
    cleanup.add(() => server.stop());
    const key = join(tmp.dir, 'central.key');
    createKeyFile(key);
    return new Rig(tmp, server, key, cleanup);
  }

  /**
   * A client on `url` (its own connection, closed at the end).
   * @param {string} url
   */
  async client(url) {
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => undefined);
    await c.connect();
    this.cleanup.add(() => c.end());
    return c;
  }

  async broker() {
    const dir = join(this.tmp.dir, `mosquitto-${(this.n += 1)}`);
    mkdirSync(dir);
    const b = await Mosquitto.start(dir, { persistence: false, listenerLines: DISTRICT });
    this.cleanup.add(() => b.down());
    return b;
  }

  /**
   * The one way consumers start here: each a `qrgate central run` with broker.url, store.url, its own client id and
   * `group`, sharing the key file (the database records its fingerprint); one after another, each ready (subscribed).
   * @param {string} brokerUrl
   * @param {string} storeUrl
   * @param {string} group
   * @param {string[]} ids
   * @returns {Promise<Consumer[]>}
   */
  async consumers(brokerUrl, storeUrl, group, ids) {
    /** @type {Consumer[]} */
    const started = [];
    for (const clientId of ids) {
      const dir = join(this.tmp.dir, `${clientId}-${(this.n += 1)}`);
      mkdirSync(dir);
      copyFileSync(this.key, join(dir, 'central.key'));
      chmodSync(join(dir, 'central.key'), 0o600);
      const c = await Central.start(dir, { brokerUrl, storeUrl, clientId, sharedGroup: group, over: { fleet: { resendAfterSec: 30 } } });
      this.cleanup.add(() => c.dispose());
      const http = /** @type {string | undefined} */ (c.lines.find((l) => l.msg === 'central ready')?.http);
      started.push(Object.assign(c, { http, clientId }));
    }
    return started;
  }
}

/** CPU seconds of `pid` and its children (PostgreSQL: the postmaster and its backends), by pid. */
export function treeCpu(pid) {
  const cpu = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const f = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
      if (Number(name) === pid || Number(fields[1]) === pid) cpu.set(name, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // ended while read
    }
  }
  return cpu;
}

/** CPU seconds used by a process tree between two treeCpu() readings (a backend that ended meanwhile is not counted). */
export const cpuBetween = (a, b) => [...b].reduce((s, [pid, v]) => s + v - (a.get(pid) ?? 0), 0);

/** Each distinct line once, with how often it came. */
export function distinct(lines) {
  const seen = new Map();
  for (const l of lines) {
    const k = l.replace(/\d+/g, 'N').slice(0, 160);
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return [...seen].map(([l, n]) => `${n} × ${l}`);
}

/**
 * What went wrong in a consumer: its exit, its warnings and errors (once each), the end of its stderr.
 * @param {Consumer} c
 */
export function trouble(c) {
  const said = distinct(
    c.lines
      .filter((l) => typeof l.level === 'string' && ['warn', 'error', 'fatal'].includes(l.level))
      .map((l) => `${l.msg}${l.code ? ` (${l.code})` : ''}`),
  );
  const out = [
    ...(c.alive ? [] : [`exited ${c.proc.exitCode ?? c.proc.signalCode}`]),
    ...said,
    ...(c.stderr ? [c.stderr.slice(-300)] : []),
  ];
  return out.length === 0 ? '' : `${c.clientId}: ${out.join(', ')}`;
}

/** @param {Consumer[]} consumers */
export async function stop(consumers) {
  for (const c of consumers) c.kill('SIGTERM');
  await Promise.all(consumers.map((c) => c.exited));
}

/**
 * A counter or a histogram's _sum/_count from a consumer's /metrics.
 * @param {Consumer} c
 * @param {string} name
 */
export async function metric(c, name) {
  if (!c.alive) return NaN;
  const text = await (await globalThis.fetch(`${c.http}/metrics`)).text();
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

export async function count(db) {
  return (await db.query('SELECT count(*)::int AS n FROM checkins')).rows[0].n;
}

/** Polls until the table holds `total` rows; the bench's clock at that moment, or null when it stopped growing for `stallMs`. */
export async function storedAll(db, total, everyMs, stallMs) {
  let seen = -1;
  let grewAt = performance.now();
  for (;;) {
    const n = await count(db);
    const now = performance.now();
    if (n >= total) return now;
    if (n > seen) {
      seen = n;
      grewAt = now;
    } else if (now - grewAt > stallMs) return null;
    await sleep(everyMs);
  }
}
