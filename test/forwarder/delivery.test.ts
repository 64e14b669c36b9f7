/** Delivery against a real Mosquitto: order, completeness, fields as recorded, and broker faults. */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, Mosquitto } from '../helpers/mosquitto.js';
import { Subscriber, type Received } from '../helpers/subscriber.js';
import { createLogger } from '../../src/logger.js';
import { tempDir } from '../helpers/tmp.js';
import { kioskConfig, startKiosk, until } from './harness.js';

const brokers: Mosquitto[] = [];
const subscribers: Subscriber[] = [];
afterEach(async () => {
  for (const s of subscribers.splice(0)) await s.close();
  for (const b of brokers.splice(0)) await b.down();
});

async function broker(dir: string): Promise<Mosquitto> {
  const b = await Mosquitto.start(dir);
  brokers.push(b);
  return b;
}

// A persistent session too, like a real central consumer: it misses nothing while the broker keeps sessions.
const CENTRAL_SESSION = { clientId: 'central-test', clean: false, properties: { sessionExpiryInterval: 3600 } };

async function central(url: string): Promise<Subscriber> {
  const s = await Subscriber.connect(url, 'qrgate/hq/kiosk-7/#', CENTRAL_SESSION);
  subscribers.push(s);
  return s;
}

/**
 * Takes the broker down after central's session exists on it (saved by a clean stop), so that whatever the kiosk
 * publishes once the broker is back is queued for central even if the kiosk reconnects first.
 */
async function downAfterCentralSubscribed(b: Mosquitto): Promise<void> {
  const s = await Subscriber.connect(b.url, 'qrgate/hq/kiosk-7/#', CENTRAL_SESSION);
  await s.close();
  await b.down('SIGTERM');
}

const seqs = (ms: Received[]): number[] => ms.map((m) => m.body.seq as number);

/**
 * A kiosk that recorded `count` check-ins while its broker was down, the broker back up, and the reader thread
 * (the bundle's entry) allowed from `minBacklog` pending; `lines` are its log lines.
 */
async function backlogWhileOffline(mqtt: Record<string, unknown>, minBacklog: number, count: number) {
  const dir = tempDir();
  const b = await broker(dir);
  await downAfterCentralSubscribed(b);
  const lines: Array<{ msg: string }> = [];
  const logger = createLogger('info', {
    write: (line: string) => lines.push(JSON.parse(line) as { msg: string }),
  } as unknown as NodeJS.WritableStream);
  const backlogThread = { entry: new URL('../../dist/backlog-thread.cjs', import.meta.url), minBacklog };
  const k = startKiosk(kioskConfig(dir, { url: b.url, ...mqtt }), { logger, backlogThread });
  for (let i = 1; i <= count; i += 1) k.checkin(i);
  await b.up();
  return { b, k, lines };
}

/** Every seq 1..n at least once, and every duplicate identical to the first copy (same id, same body). */
function expectCompleteAtLeastOnce(received: Received[], n: number): void {
  const first = new Map<number, Received>();
  for (const m of received) {
    const seq = m.body.seq as number;
    const seen = first.get(seq);
    if (seen === undefined) first.set(seq, m);
    else expect(m.body).toEqual(seen.body);
  }
  expect([...first.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
}

describe('MQTT forwarder delivery', () => {
  it('delivers N check-ins in seq order with no gap, each exactly as recorded and unsealed', async () => {
    const dir = tempDir();
    const b = await broker(dir);
    const sub = await central(b.url);
    const k = startKiosk(kioskConfig(dir, { url: b.url }));
    const delivered: number[] = [];
    k.forwarder.on('delivered', (d) => delivered.push(d.seq));
    const recorded = Array.from({ length: 300 }, (_, i) => k.checkin(i + 1));
    await sub.until(() => sub.on('/checkins').length >= 300, '300 check-ins');
    const got = sub.on('/checkins');
    expect(seqs(got)).toEqual(recorded.map((c) => c.seq));
    expect(got[41]?.body).toEqual({
      v: 1,
      id: recorded[41]?.id,
      seq: 42,
      site: 'hq',
      device: 'kiosk-7',
      scanner: 'gate',
      direction: 'in',
      auto: false,
      scannedAt: recorded[41]?.scannedAt,
      clockSynced: true,
      document: recorded[41]?.document,
      warnings: [],
    });
    expect((got[41]?.body.document as { name: string }).name).toBe('Khách Thử 42');
    expect(got.every((m) => !m.retain)).toBe(true);
    await until(() => k.store.pendingCount() === 0, 'all marked sent');
    // One 'delivered' announcement per PUBACK, in seq order (this drain had no backlog to overtake).
    expect(delivered).toEqual(recorded.map((c) => c.seq));
  });

  it('drains a backlog recorded while no broker was there, then live check-ins follow', async () => {
    const dir = tempDir();
    const b = await broker(dir);
    await downAfterCentralSubscribed(b);
    const k = startKiosk(kioskConfig(dir, { url: b.url }));
    for (let i = 1; i <= 500; i += 1) k.checkin(i);
    expect(k.forwarder.status().state).not.toBe('connected');
    expect(k.store.pendingCount()).toBe(500);
    await b.up();
    const sub = await central(b.url);
    await until(() => k.forwarder.status().state === 'connected', 'reconnected', 20_000);
    for (let i = 501; i <= 510; i += 1) k.checkin(i);
    await sub.until(() => new Set(seqs(sub.on('/checkins'))).size >= 510, 'backlog and live', 20_000);
    expectCompleteAtLeastOnce(sub.on('/checkins'), 510);
    await until(() => k.store.pendingCount() === 0, 'all marked sent');
    expect(k.forwarder.status().lastError).toBeNull();
  });

  it('drains a backlog read on the reader thread, live check-ins arriving during it, and marks every row sent', async () => {
    const { b, k, lines } = await backlogWhileOffline({}, 1000, 3000);
    const sub = await central(b.url);
    await until(() => k.forwarder.status().state === 'connected', 'reconnected', 20_000);
    await until(() => lines.some((l) => l.msg === 'reading the backlog on a second thread'), 'the reader thread');
    for (let i = 3001; i <= 3010; i += 1) k.checkin(i);
    await sub.until(() => new Set(seqs(sub.on('/checkins'))).size >= 3010, 'backlog and live', 30_000);
    expectCompleteAtLeastOnce(sub.on('/checkins'), 3010);
    await until(() => k.store.pendingCount() === 0, 'all marked sent');
    // The bodies the thread wrote are the ones this thread writes: the live ones came through here.
    const received = sub.on('/checkins');
    const bySeq = new Map(received.map((m) => [m.body.seq as number, m.body]));
    expect(Object.keys(bySeq.get(1) ?? {})).toEqual(Object.keys(bySeq.get(3005) ?? {}));
    expect((bySeq.get(2999)?.document as { name: string }).name).toBe('Khách Thử 2999');
  }, 60_000);

  it.each([
    [
      'on the reader thread',
      { entry: new URL('../../dist/backlog-thread.cjs', import.meta.url), minBacklog: 1000 },
      'reading the backlog on a second thread',
    ],
    ['on the main thread', null, 'connected to the broker'],
  ] as const)(
    'sets aside a pending check-in whose sealed document no longer opens, logs its seq, and delivers all the others (%s)',
    async (_, backlogThread, expectedLine) => {
      const dir = tempDir();
      const b = await broker(dir);
      await downAfterCentralSubscribed(b);
      const lines: Array<{ msg: string; code?: string; seq?: number }> = [];
      const logger = createLogger('info', {
        write: (line: string) => lines.push(JSON.parse(line) as { msg: string }),
      } as unknown as NodeJS.WritableStream);
      // Paced, so that the reader thread is up (it starts on the first read) long before the later damaged rows.
      const k = startKiosk(kioskConfig(dir, { url: b.url, drainRatePerSec: 3000 }), { logger, backlogThread });
      for (let i = 1; i <= 3000; i += 1) k.checkin(i);
      // Bytes changed inside the values on the medium: SQLite's page checks pass, AES-GCM's tag does not.
      const damaged = [7, 2000, 2001];
      const raw = new Database(k.config.store.path);
      raw.prepare(`UPDATE checkins SET sealed = randomblob(length(sealed)) WHERE seq IN (${damaged.join(', ')})`).run();
      raw.close();
      await b.up();
      const sub = await central(b.url);
      await until(() => k.store.pendingCount() === 0, 'every row delivered or set aside', 30_000);
      await sub.until(() => new Set(seqs(sub.on('/checkins'))).size >= 2997, 'the readable rows', 20_000);
      const got = new Set(seqs(sub.on('/checkins')));
      expect([...got].sort((x, y) => x - y)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1).filter((n) => !damaged.includes(n)));
      expect(lines.filter((l) => l.code === 'E_STORE_UNREADABLE').map((l) => l.seq)).toEqual(damaged);
      // The later damaged rows were read after the thread was up (or, on the main thread, after connecting).
      const readerAt = lines.findIndex((l) => l.msg === expectedLine);
      expect(readerAt).toBeGreaterThanOrEqual(0);
      expect(readerAt).toBeLessThan(lines.findIndex((l) => l.code === 'E_STORE_UNREADABLE' && l.seq === 2000));
      expect(k.forwarder.status().state).toBe('connected');
    },
    60_000,
  );

  it('reads the backlog on the main thread when mqtt.backlogThread is false', async () => {
    const { b, lines } = await backlogWhileOffline({ backlogThread: false }, 100, 600);
    const sub = await central(b.url);
    await sub.until(() => new Set(seqs(sub.on('/checkins'))).size >= 600, 'the backlog', 20_000);
    expectCompleteAtLeastOnce(sub.on('/checkins'), 600);
    expect(lines.map((l) => l.msg)).toContain('connected to the broker');
    expect(lines.map((l) => l.msg)).not.toContain('reading the backlog on a second thread');
  });

  it.each([
    ['a clean restart (persistence kept)', 'SIGTERM' as const, false],
    ['a crash that loses its sessions (no persistence)', 'SIGKILL' as const, true],
  ])(
    'loses nothing when the broker dies mid-drain: %s; duplicates only with the same id',
    async (_what, signal, wipe) => {
      const dir = tempDir();
      const b = await broker(dir);
      const k = startKiosk(kioskConfig(dir, { url: b.url, maxInflight: 20 }));
      const sub = await central(b.url);
      await until(() => k.forwarder.status().state === 'connected', 'connected');
      for (let i = 1; i <= 3000; i += 1) k.checkin(i);
      await sub.until(() => sub.on('/checkins').length >= 200, 'drain under way');
      await b.down(signal);
      if (wipe) {
        b.wipe();
        // The central consumer's session died with the wiped broker. It is made again on a scratch broker over the same
        // files, out of the kiosk's reach, so that central is subscribed before the kiosk can publish to the new one.
        const scratch = new Mosquitto(await freePort(), dir);
        await scratch.up();
        await downAfterCentralSubscribed(scratch);
      }
      for (let i = 3001; i <= 3100; i += 1) k.checkin(i);
      await b.up();
      await until(() => k.store.pendingCount() === 0, 'everything acknowledged', 30_000);
      const wanted = wipe ? Array.from({ length: 100 }, (_, i) => 3001 + i) : Array.from({ length: 3100 }, (_, i) => i + 1);
      await sub.until(
        () => {
          const got = new Set(seqs(sub.on('/checkins')));
          return wanted.every((s) => got.has(s));
        },
        'all received',
        10_000,
      );
      const received = sub.on('/checkins');
      if (!wipe) {
        expectCompleteAtLeastOnce(received, 3100);
        // At-least-once, not a storm: duplicates are bounded by what was in flight when the broker died.
        expect(received.length - 3100).toBeLessThanOrEqual(200);
      } else {
        // Messages the dead broker had accepted for the old subscriber session are gone with it; every row the kiosk
        // recorded after the restart, and every row not acknowledged before it, still arrives.
        const got = new Set(seqs(received));
        for (let s = 3001; s <= 3100; s += 1) expect(got.has(s)).toBe(true);
      }
      expect(k.forwarder.status().reconnects).toBeGreaterThanOrEqual(1);
    },
    60_000,
  );

  it('delivers within seconds of the broker coming back after a long outage (the backoff has grown)', async () => {
    const dir = tempDir();
    const b = await broker(dir);
    await downAfterCentralSubscribed(b);
    const k = startKiosk(kioskConfig(dir, { url: b.url }));
    k.checkin(1);
    await new Promise((r) => setTimeout(r, 12_000)); // 1 + 2 + 4 + 8 s of backoff: the next try is 8–16 s away
    await b.up();
    const back = Date.now();
    const sub = await central(b.url);
    await until(() => k.store.pendingCount() === 0, 'the first delivery', 10_000);
    const waitedMs = Date.now() - back;
    expect(waitedMs).toBeLessThan(5000);
    await sub.until(() => sub.on('/checkins').length === 1, 'the check-in');
    process.stdout.write(`first delivery ${waitedMs} ms after the broker came back from a 12 s outage\n`);
  }, 40_000);

  it('waits for in-flight acknowledgements on a graceful stop: received + still pending = recorded, exactly', async () => {
    const dir = tempDir();
    const b = await broker(dir);
    const sub = await central(b.url);
    const k = startKiosk(kioskConfig(dir, { url: b.url, maxInflight: 100 }));
    await until(() => k.forwarder.status().state === 'connected', 'connected');
    for (let i = 1; i <= 2000; i += 1) k.checkin(i);
    await until(() => k.store.pendingCount() < 1500, 'the drain under way');
    await k.forwarder.stop();
    expect(k.forwarder.status().inFlight).toBe(0);
    const pendingAfterStop = k.store.pendingCount();
    await new Promise((r) => setTimeout(r, 500)); // the broker forwards what it took before the stop
    const received = new Set(seqs(sub.on('/checkins'))).size;
    // Had a PUBACK been dropped at the stop, its row would be both received and still pending.
    expect(pendingAfterStop).toBeGreaterThan(0);
    expect(received + pendingAfterStop).toBe(2000);
  }, 40_000);

  it('sends a live check-in ahead of a rate-limited backlog, and the backlog still completes', async () => {
    const dir = tempDir();
    const b = await broker(dir);
    await downAfterCentralSubscribed(b);
    const k = startKiosk(kioskConfig(dir, { url: b.url, drainRatePerSec: 500 }));
    for (let i = 1; i <= 3000; i += 1) k.checkin(i); // six seconds of backlog at 500/s
    await b.up();
    const sub = await central(b.url);
    await sub.until(() => sub.on('/checkins').length >= 100, 'the drain under way', 20_000);
    const live = k.checkin(3001);
    const sentAt = Date.now();
    await sub.until(() => sub.on('/checkins').some((m) => m.body.id === live.id), 'the live check-in', 20_000);
    const latencyMs = Date.now() - sentAt;
    // What proves it went first is the order it arrived in, not a time that a busy machine stretches: the backlog
    // rows central had received before it, by the central's own arrival order. (Its latency is a bench row: "live
    // scan during a drain p99", bench/scenarios/online.mjs.)
    const arrived = sub.on('/checkins');
    const backlogDone = new Set(
      seqs(
        arrived.slice(
          0,
          arrived.findIndex((m) => m.body.id === live.id),
        ),
      ),
    ).size;
    expect(backlogDone).toBeLessThan(3000);
    await sub.until(() => new Set(seqs(sub.on('/checkins'))).size === 3001, 'the whole backlog', 30_000);
    expectCompleteAtLeastOnce(sub.on('/checkins'), 3001);
    process.stdout.write(
      `live check-in during a 3000-row drain at 500/s: ${latencyMs} ms (backlog ${backlogDone}/3001 delivered by then)\n`,
    );
  }, 60_000);

  it('forwards rejects with their code and no payload', async () => {
    const dir = tempDir();
    const b = await broker(dir);
    const sub = await central(b.url);
    const k = startKiosk(kioskConfig(dir, { url: b.url }));
    const r = k.store.recordReject({ scanner: 'gate', code: 'E_CCCD_FIELDS', scannedAt: k.clock.now(), clockSynced: true });
    k.forwarder.onReject();
    await sub.until(() => sub.on('/rejects').length === 1, 'reject');
    expect(sub.on('/rejects')[0]?.body).toEqual({
      v: 1,
      id: r.id,
      site: 'hq',
      device: 'kiosk-7',
      scanner: 'gate',
      scannedAt: r.scannedAt,
      code: 'E_CCCD_FIELDS',
    });
  });

  it('forwards only type, number and name with documentFields: minimal', async () => {
    const dir = tempDir();
    const b = await broker(dir);
    const sub = await central(b.url);
    const k = startKiosk(kioskConfig(dir, { url: b.url, documentFields: 'minimal' }));
    k.checkin(1);
    await sub.until(() => sub.on('/checkins').length === 1, 'check-in');
    expect(sub.on('/checkins')[0]?.body.document).toEqual({ type: 'cccd', number: '001190000001', name: 'Khách Thử 1' });
  });

  it('publishes a retained online status and a retained health report', async () => {
    const dir = tempDir();
    const b = await broker(dir);
    const k = startKiosk(kioskConfig(dir, { url: b.url }));
    await until(() => k.forwarder.status().state === 'connected', 'connected');
    const late = await central(b.url); // subscribes after the fact: only retained messages reach it
    await late.until(() => late.on('/status').length > 0 && late.on('/health').length > 0, 'retained status and health');
    expect(late.on('/status')[0]).toMatchObject({ retain: true, body: { state: 'online', version: '9.9.9' } });
    expect(late.on('/health')[0]).toMatchObject({ retain: true, body: { v: 1, pending: 0, mqtt: { reconnects: 0, protocolVersion: 5 } } });
  });
});
