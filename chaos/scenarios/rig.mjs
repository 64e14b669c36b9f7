// The common set-up of a chaos scenario: a broker, a central consumer, a pty scanner, a config, daemon runs.
import { join } from 'node:path';
import { buildBacklog } from '../../scripts/lib/backlog.mjs';
import { Consumer, Mosquitto } from '../../scripts/lib/broker.mjs';
import { CHECKINS, Daemon, writeConfig } from '../../scripts/lib/daemon.mjs';
import { cccd, frame } from '../../scripts/lib/payloads.mjs';
import { PtyPair } from '../../scripts/lib/pty.mjs';
import { sleep } from '../../scripts/lib/util.mjs';

export async function rig(
  tmp,
  cleanup,
  { mqtt = {}, backlog = 0, store = {}, broker: brokerOptions = {}, extra = {}, dbDir = tmp.dir } = {},
) {
  const broker = await Mosquitto.start(tmp.dir, brokerOptions);
  cleanup.add(() => broker.down());
  const consumers = [await Consumer.connect(broker.url, CHECKINS)];
  cleanup.add(() => Promise.all(consumers.map((c) => c.close())));
  const pty = new PtyPair(tmp.dir);
  await pty.start();
  cleanup.add(() => pty.kill());
  const dbPath = join(dbDir, 'qrgate.db');
  const keyFile = join(tmp.dir, 'store.key');
  if (backlog > 0) await buildBacklog(dbPath, keyFile, backlog, { startIndex: 500_000 });
  const config = writeConfig(tmp.dir, {
    store: { path: dbPath, keyFile, ...store },
    mqtt: { url: broker.url, ...mqtt },
    scanners: [{ id: 's1', type: 'serial', path: pty.scannerPath, terminator: 'cr' }],
    ...extra,
  });
  const daemons = [];
  let fed = 0;
  return {
    broker,
    pty,
    config,
    dbPath,
    daemons,
    consumers,
    /** Everything any consumer of this scenario received. */
    received: () => consumers.flatMap((c) => c.received),
    async newConsumer() {
      const c = await Consumer.connect(broker.url, CHECKINS);
      consumers.push(c);
      return c;
    },
    async start(configFile = config, options = {}) {
      const d = new Daemon(configFile, options);
      daemons.push(d);
      cleanup.add(() => d.dispose());
      await d.waitFor('ready', 30_000);
      await d.waitFor('scanner state', 10_000);
      return d;
    },
    /** Writes `n` unique frames `gapMs` apart; returns how many were written in all so far. */
    async feed(n, gapMs = 0) {
      for (let i = 0; i < n; i += 1) {
        await pty.write(frame(cccd(fed++)));
        if (gapMs > 0) await sleep(gapMs);
      }
      return fed;
    },
    get fed() {
      return fed;
    },
  };
}

/** Waits until the consumers hold every seq from 1 to the store's last (or the timeout); never throws. */
export async function untilAllReceived(r, lastSeq, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = new Set(r.received().map((m) => m.seq));
    let all = true;
    for (let s = 1; s <= lastSeq && all; s += 1) all = got.has(s);
    if (all) return true;
    await sleep(50);
  }
  return false;
}

/** Waits (bounded) until the running daemon has marked every row sent; returns the pending count left. */
export async function untilNothingPending(dbPath, timeoutMs) {
  const { pendingCounter } = await import('../../scripts/lib/backlog.mjs');
  const p = await pendingCounter(dbPath);
  try {
    const deadline = Date.now() + timeoutMs;
    while (p.any() && Date.now() < deadline) await sleep(50);
    return p.count();
  } finally {
    p.close();
  }
}
