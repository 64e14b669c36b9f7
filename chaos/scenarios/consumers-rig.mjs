// Shared by the scenarios of central as consumers of an external broker (consumers-*.mjs): a real PostgreSQL
// (scripts/lib/postgres.mjs), a real Mosquitto with its default queue limits (20 in flight, 1,000 queued per session,
// the rest dropped: what a district's broker left as installed does), real `qrgate central run` processes sharing one
// database through `$share/…` under their own client ids, and real `qrgate run` kiosks draining a backlog each.
// The verdict is read from PostgreSQL itself: every (site, device, seq) once, nothing else.
import { mkdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { Mosquitto } from '../../scripts/lib/broker.mjs';
import { Central } from '../../scripts/lib/central.mjs';
import { Postgres } from '../../scripts/lib/postgres.mjs';
import { sleep } from '../../scripts/lib/util.mjs';
import { backlogKiosks, exactlyOnce, pendingOf, startKiosk } from './central-rig.mjs';

/**
 * `kiosks` kiosks with `perKiosk` pending each; `broker` options for Mosquitto (queue limits default to Mosquitto's
 * own); `drainRatePerSec` caps each kiosk's drain (its config key), so that a fault lands mid-drain.
 * @param {{ dir: string, remove: () => void }} tmp
 * @param {import('../../scripts/lib/util.mjs').Cleanup} cleanup
 * @param {{ kiosks?: number, perKiosk: number, broker?: import('../../scripts/lib/broker.mjs').BrokerOptions, drainRatePerSec?: number }} options
 */
export async function consumersRig(tmp, cleanup, { kiosks: count = 2, perKiosk, broker: brokerOptions = {}, drainRatePerSec }) {
  // Its own temporary folder: the server runs as an unprivileged user, who cannot enter the scenario's (0700, root).
  const pg = await Postgres.start();
  cleanup.add(() => pg.stop());
  const storeUrl = await pg.createDatabase('qrgate');
  // Notices too: Mosquitto says "Outgoing messages are being dropped" at that level.
  const broker = await Mosquitto.start(tmp.dir, { queueLimits: 'mosquitto', listenerLines: ['log_type notice'], ...brokerOptions });
  cleanup.add(() => broker.down());
  // Mosquitto authenticates nobody here (allow_anonymous): the kiosks are not registered at central.
  const kiosks = await backlogKiosks(tmp.dir, null, count, perKiosk);
  const pending = await pendingOf(kiosks);
  cleanup.add(() => pending.close());
  const keyFile = join(tmp.dir, 'central.key');
  /** @type {Map<string, Central>} */
  const consumers = new Map();
  /** @type {import('../../scripts/lib/daemon.mjs').Daemon[]} */
  const daemons = [];
  const total = count * perKiosk;

  /** @param {string} sql */
  async function query(sql) {
    return pg.query(sql, 'qrgate');
  }

  return {
    pg,
    broker,
    kiosks,
    pending,
    daemons,
    total,
    /**
     * Starts `qrgate central run` as consumer `id` (its own client id, folder and config; the database and the key
     * file shared), or starts it again under the same id. The first start creates the key file: start one at a time.
     */
    async consumer(id, { sessionExpirySec = 300 } = {}) {
      const dir = join(tmp.dir, id);
      mkdirSync(dir, { recursive: true });
      const c = await Central.start(dir, {
        over: {
          broker: { url: broker.url, clientId: id, sessionExpirySec },
          store: { url: storeUrl, path: join(dir, 'unused.db'), keyFile },
        },
      });
      cleanup.add(() => c.dispose());
      consumers.set(id, c);
      return c;
    },
    get consumers() {
      return consumers;
    },
    startKiosks() {
      for (const k of kiosks) {
        const d = startKiosk(k, broker.url, drainRatePerSec === undefined ? {} : { drainRatePerSec });
        cleanup.add(() => d.dispose());
        daemons.push(d);
      }
      return daemons;
    },
    /** Rows in PostgreSQL's checkins table; null while the server does not answer. */
    async storedCount() {
      try {
        return Number((await query('SELECT count(*) AS n FROM checkins'))[0].n);
      } catch {
        return null;
      }
    },
    /** Waits until `n` rows are stored (polling PostgreSQL); false at the deadline. */
    async untilStored(n, timeoutMs, everyMs = 50) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (((await this.storedCount()) ?? 0) >= n) return true;
        await sleep(everyMs);
      }
      return false;
    },
    /** Every check-in of every kiosk in PostgreSQL exactly once: the count, ids and seqs checked there. */
    async verify() {
      const rows = await query('SELECT id, site, device, seq::int AS seq FROM checkins');
      const problems = exactlyOnce(rows, kiosks, perKiosk);
      if (rows.length !== total) problems.push(`${rows.length} rows in checkins, expected ${total}`);
      const [dup] = /** @type {{ ids: number, seqs: number }[]} */ (
        await query(
          'SELECT (SELECT count(*) FROM (SELECT id FROM checkins GROUP BY id HAVING count(*) > 1) i)::int AS ids, ' +
            '(SELECT count(*) FROM (SELECT 1 FROM checkins GROUP BY site, device, seq HAVING count(*) > 1) s)::int AS seqs',
        )
      );
      if (dup.ids > 0) problems.push(`${dup.ids} ids stored twice`);
      if (dup.seqs > 0) problems.push(`${dup.seqs} (site, device, seq) stored twice`);
      const lost = Number((await query('SELECT count(*) AS n FROM lost'))[0].n);
      if (lost > 0) problems.push(`${lost} ranges marked lost`);
      return { rows: rows.length, problems };
    },
    /** Stops what is running in order: kiosks (SIGTERM), then consumers (SIGTERM). */
    async stop() {
      for (const d of daemons) d.kill('SIGTERM');
      await Promise.all(daemons.map((d) => d.exited));
      for (const c of consumers.values()) c.kill('SIGTERM');
      await Promise.all([...consumers.values()].map((c) => c.exited));
    },
  };
}

/**
 * A counter of a running central, read from its /metrics (0 when absent).
 * @param {Central} central
 * @param {string} name
 */
export async function metric(central, name) {
  const http = central.lines.find((l) => l.msg === 'central ready')?.http;
  const text = await /** @type {Promise<string>} */ (
    new Promise((resolve, reject) =>
      get(`${http}/metrics`, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      }).on('error', reject),
    )
  );
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

/**
 * What central's broker and gap-check lines say happened, per consumer: resend requests and dropped connections.
 * @param {Central} central
 */
export function consumerFigures(central) {
  return {
    resends: central.lines.filter((l) => l.msg === 'asking the kiosk to resend a missing range').length,
    reconnects: central.lines.filter((l) => l.msg === 'consuming from the external broker').length - 1,
  };
}

/**
 * How often Mosquitto started dropping a session's messages (it says "Outgoing messages are being dropped for client
 * X" once each time a session's queue overflows, not once per message).
 * @param {Mosquitto} broker
 */
export function brokerDrops(broker) {
  return (broker.log.match(/Outgoing messages are being dropped/g) ?? []).length;
}

/**
 * Polls `read` until its value has not changed for a second (or the timeout); the last value.
 * @template T
 * @param {() => Promise<T>} read
 * @param {number} timeoutMs
 * @returns {Promise<T>}
 */
export async function settled(read, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  let since = Date.now();
  while (Date.now() < deadline && Date.now() - since < 1000) {
    await sleep(100);
    const v = await read();
    if (v !== last) {
      last = v;
      since = Date.now();
    }
  }
  return last;
}
