/**
 * Central as a consumer of an external broker (broker.url), against a real Mosquitto: two central processes (two
 * CentralApps with their own client ids) sharing one store (one SQLite file opened twice, or one PostgreSQL database)
 * and real kiosks.
 * Every test establishes both consumers' sessions and subscriptions before any kiosk publishes, so that none depends
 * on which client connects first; waits are on behaviour, with generous timeouts.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import type { CentralApp } from '../../src/central/app.js';
import { resolveCentralConfig } from '../../src/central/config-load.js';
import type { BrokerConsumer } from '../../src/central/consumer.js';
import type { SqliteCentralStore } from '../../src/central/sqlite-store.js';
import { ConfigError } from '../../src/config/load.js';
import { MqttSetupError } from '../../src/forwarder/connection.js';
import { stringify } from 'yaml';
import { afterThisTest } from '../helpers/after-test.js';
import { runCli } from '../helpers/cli.js';
import { freePort, Mosquitto } from '../helpers/mosquitto.js';
import { postgresFixture } from '../helpers/postgres.js';
import { tempDir } from '../helpers/tmp.js';
import { startCentral, startKiosk, until, type CentralHarness, type TestKiosk } from './harness.js';

async function broker(dir: string, listenerLines: readonly string[] = []): Promise<Mosquitto> {
  const b = await Mosquitto.start(dir, { listenerLines });
  afterThisTest(() => b.down());
  return b;
}

const pg = postgresFixture();

/**
 * A central process consuming from `b` under `clientId`; `dir` holds the store both processes share (its SQLite file,
 * or with `pgUrl` their key file and a PostgreSQL database).
 */
function consumer(
  b: Mosquitto,
  dir: string,
  clientId: string,
  broker: Record<string, unknown> = {},
  pgUrl?: string,
): Promise<CentralHarness> {
  const store = pgUrl === undefined ? {} : { store: { url: pgUrl, path: join(dir, 'unused.db'), keyFile: join(dir, 'central.key') } };
  return startCentral({ broker: { url: b.url, clientId, groupCommitMs: 2, ...broker }, ...store }, {}, dir);
}

const consumerOf = (h: CentralHarness): BrokerConsumer => h.app.broker as BrokerConsumer;

/**
 * Mosquitto's count of sessions, connected or kept for a client that left ($SYS/broker/clients/total, published
 * every sys_interval), kept up to date by a subscriber of its own.
 */
async function sessionCount(b: Mosquitto): Promise<{ count: number }> {
  const seen = { count: -1 };
  const client = await mqtt.connectAsync(b.url, { clientId: `sys-${process.pid}`, clean: true, reconnectPeriod: 0 });
  afterThisTest(() => client.endAsync());
  client.on('message', (_topic, payload) => (seen.count = Number(payload.toString())));
  await client.subscribeAsync('$SYS/broker/clients/total', { qos: 0 });
  return seen;
}

async function counter(app: CentralApp, name: 'stored' | 'duplicates' | 'resendRequests'): Promise<number> {
  return (await app.metrics[name].get()).values[0]?.value ?? 0;
}

async function responses(app: CentralApp): Promise<number> {
  return (await app.metrics.messages.get()).values.find((v) => v.labels.kind === 'response')?.value ?? 0;
}

/** Seqs stored for the kiosk, with how many rows each (the shared store, read through either process). */
async function storedSeqs(h: CentralHarness, device = 'kiosk-1'): Promise<Map<number, number>> {
  const rows = await h.app.store.findCheckins({ site: 'hq', device, limit: 100_000 });
  const bySeq = new Map<number, number>();
  for (const r of rows) bySeq.set(r.seq, (bySeq.get(r.seq) ?? 0) + 1);
  return bySeq;
}

async function expectEverySeqOnce(h: CentralHarness, n: number, timeoutMs = 60_000): Promise<void> {
  await until(async () => (await storedSeqs(h)).size >= n, `all ${n} seqs stored`, timeoutMs);
  const seqs = await storedSeqs(h);
  expect([...seqs.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect([...seqs.values()].every((c) => c === 1)).toBe(true);
}

async function kioskConnected(k: TestKiosk): Promise<void> {
  await until(() => k.forwarder.status().state === 'connected', 'the kiosk connected', 20_000);
}

describe('central consuming from an external broker (Mosquitto)', () => {
  it('splits the load between two consumers of one store, each seq stored once, and acknowledges only what it stored', async () => {
    const dir = tempDir('qrgate-consumers-');
    const b = await broker(dir);
    const a = await consumer(b, dir, 'central-a');
    const c = await consumer(b, dir, 'central-b');
    expect(a.url).toBe(b.url);
    expect((await a.app.health()).checks.broker).toEqual({ ok: true, detail: `consuming from ${b.url} as central-a` });
    const k = await startKiosk(a);
    await kioskConnected(k);
    for (let i = 1; i <= 600; i += 1) k.checkin(i);
    await expectEverySeqOnce(a, 600);
    // Both processes stored rows (round-robin of the shared subscription). A row is visible in the shared store a
    // moment before its process counts it (the counter follows the commit's promise), so wait for the counts.
    await until(async () => (await counter(a.app, 'stored')) + (await counter(c.app, 'stored')) >= 600, 'both counted');
    const [sa, sc] = [await counter(a.app, 'stored'), await counter(c.app, 'stored')];
    expect(sa).toBeGreaterThan(0);
    expect(sc).toBeGreaterThan(0);
    expect(sa + sc).toBe(600);
    // The kiosk was acknowledged for every row: the broker's PUBACK (its queue took them) and nothing pending.
    await until(() => k.store.pendingCount() === 0, 'kiosk drained');
    // Status and health reach every consumer (not shared): both know the kiosk is online.
    await until(
      () =>
        a.app.tracker.state({ site: 'hq', device: 'kiosk-1' })?.state === 'online' &&
        c.app.tracker.state({ site: 'hq', device: 'kiosk-1' })?.state === 'online',
      'both see the kiosk online',
    );
    // A request's answer goes to the process that asked (its client id as correlation data), not to the other.
    const [ra, rc] = [await responses(a.app), await responses(c.app)];
    for (let i = 0; i < 3; i += 1) a.app.broker.request({ site: 'hq', device: 'kiosk-1' }, 'ping', {});
    await until(async () => (await responses(a.app)) >= ra + 3, 'the answers to a');
    expect(await responses(c.app)).toBe(rc);
  }, 90_000);

  it.each([
    ['one SQLite file', false],
    ['one PostgreSQL database', true],
  ])(
    'loses nothing when a consumer dies mid-stream (%s): the other repairs by gap check and resend, and what the dead one held comes back to it',
    async (_store, onPg) => {
      const dir = tempDir('qrgate-consumers-');
      const url = onPg ? await pg.freshDatabase() : undefined;
      const b = await broker(dir);
      const a = await consumer(b, dir, 'central-a', {}, url);
      const c = await consumer(b, dir, 'central-b', { sessionExpirySec: 3600 }, url);
      const k = await startKiosk(a, 'hq', 'kiosk-1', { mqtt: { maxInflight: 20 } });
      await kioskConnected(k);
      for (let i = 1; i <= 2000; i += 1) k.checkin(i);
      await until(async () => (await counter(c.app, 'stored')) >= 100, 'consumer b under way', 30_000);
      // A crash, as the broker sees it: the connection drops, nothing in hand is acknowledged.
      consumerOf(c).abort();
      expect((await c.app.health()).checks.broker).toEqual({ ok: false, detail: 'not connected' });
      await expectEverySeqOnce(a, 2000, 90_000);
      // The dead consumer's share (its session stays on the broker, which keeps sending it half) came by resend.
      expect(await counter(a.app, 'resendRequests')).toBeGreaterThan(0);
      // Back under the same client id, it gets what its session held: duplicates, not new rows.
      const c2 = await consumer(b, dir, 'central-b', { sessionExpirySec: 3600 }, url);
      await until(async () => (await counter(c2.app, 'duplicates')) > 0, 'the held messages redelivered to the returning consumer', 30_000);
      // It learnt from the broker's retained status that this kiosk is online.
      await until(
        () => c2.app.tracker.state({ site: 'hq', device: 'kiosk-1' })?.state === 'online',
        'the returning consumer sees the kiosk online',
      );
      await expectEverySeqOnce(a, 2000);
    },
    180_000,
  );

  it('does not acknowledge a message it could not store: it drops the connection and the broker sends the message again', async () => {
    const dir = tempDir('qrgate-consumers-');
    const b = await broker(dir);
    const a = await consumer(b, dir, 'central-a');
    // The SQLite store takes the ingest's drafts (sealed on its writer thread): the failure is injected there.
    const store = a.app.store as SqliteCentralStore;
    const insert = store.insertDrafts.bind(store);
    let failing = true;
    let failures = 0;
    store.insertDrafts = async (rows, sealer) => {
      if (failing && rows.some((r) => r.seq >= 5)) {
        failures += 1;
        throw new Error('injected: the disk went away');
      }
      return insert(rows, sealer);
    };
    const k = await startKiosk(a, 'hq', 'kiosk-1');
    await kioskConnected(k);
    for (let i = 1; i <= 20; i += 1) k.checkin(i);
    // The broker took all 20 from the kiosk; then the kiosk goes away, so no resend can fill anything in.
    await until(() => k.store.pendingCount() === 0, 'the broker acknowledged the kiosk');
    await until(() => failures >= 2, 'the store failing (the message offered again after a reconnect)');
    await k.stop();
    // Nothing from 5 on (a batch holding one of them failed whole).
    expect([...(await storedSeqs(a)).keys()].every((seq) => seq < 5)).toBe(true);
    failing = false;
    // Only the broker still has seqs 5..20: they come from the consumer's session, unacknowledged until stored.
    await expectEverySeqOnce(a, 20);
    await until(async () => (await a.app.health()).ok, 'connected again');
  }, 60_000);

  it('a consumer that stays down stops taking its share once its session expired: the other then gets everything directly', async () => {
    const dir = tempDir('qrgate-consumers-');
    // $SYS every second: the test waits for the broker to say the session is gone, not for a guessed time.
    const b = await broker(dir, ['sys_interval 1']);
    const a = await consumer(b, dir, 'central-a');
    const c = await consumer(b, dir, 'central-b', { sessionExpirySec: 1 });
    const k = await startKiosk(a);
    await kioskConnected(k);
    for (let i = 1; i <= 50; i += 1) k.checkin(i);
    await expectEverySeqOnce(a, 50);
    const sessions = await sessionCount(b);
    await until(() => sessions.count > 0, 'the broker counting its sessions');
    const before = sessions.count;
    consumerOf(c).abort();
    // The session outlives the connection by 1 s, until the broker's periodic check removes it.
    await until(() => sessions.count === before - 1, 'the aborted consumer’s session expired', 30_000);
    const resendsBefore = await counter(a.app, 'resendRequests');
    const storedBefore = await counter(a.app, 'stored');
    for (let i = 51; i <= 550; i += 1) k.checkin(i);
    await expectEverySeqOnce(a, 550);
    expect((await counter(a.app, 'stored')) - storedBefore).toBe(500);
    expect(await counter(a.app, 'resendRequests')).toBe(resendsBefore);
  }, 90_000);

  it.each([
    ['a clean restart (sessions kept)', 'SIGTERM' as const, false],
    ['a crash that loses every session (persistence wiped)', 'SIGKILL' as const, true],
  ])(
    'survives the broker restarting mid-stream: %s',
    async (_what, signal, wipe) => {
      const dir = tempDir('qrgate-consumers-');
      const b = await broker(dir);
      const a = await consumer(b, dir, 'central-a');
      const c = await consumer(b, dir, 'central-b');
      const k = await startKiosk(a, 'hq', 'kiosk-1', { mqtt: { maxInflight: 20 } });
      await kioskConnected(k);
      for (let i = 1; i <= 1500; i += 1) k.checkin(i);
      await until(async () => (await storedSeqs(a)).size >= 200, 'drain under way', 30_000);
      await b.down(signal);
      if (wipe) b.wipe();
      await until(async () => !(await a.app.health()).ok, 'a sees the broker gone');
      const link = (await a.app.health()).checks.broker;
      expect(link?.ok).toBe(false);
      expect(link?.detail).toMatch(/^not connected/);
      for (let i = 1501; i <= 1600; i += 1) k.checkin(i);
      await b.up();
      await until(async () => (await a.app.health()).ok && (await c.app.health()).ok, 'both consumers back', 30_000);
      // With the sessions wiped, what the kiosk published before the consumers subscribed again is repaired by resend.
      await expectEverySeqOnce(a, 1600, 120_000);
    },
    180_000,
  );

  it('with a Mosquitto ACL, a kiosk user SITE/DEVICE publishes under its own topics only', async () => {
    const dir = tempDir('qrgate-acl-');
    const passwords = join(dir, 'mosquitto.passwd');
    const users = { central: 'central-secret', 'hq/kiosk-1': 'kiosk-1-secret', 'hq/kiosk-2': 'kiosk-2-secret' };
    writeFileSync(passwords, '');
    for (const [user, password] of Object.entries(users)) execFileSync('mosquitto_passwd', ['-b', passwords, user, password]);
    const acl = join(dir, 'mosquitto.acl');
    writeFileSync(
      acl,
      [
        'user central',
        'topic read qrgate/#',
        'topic write qrgate/+/+/request/#',
        '',
        'pattern write qrgate/%u/#',
        'pattern read qrgate/%u/request/#',
        '',
      ].join('\n'),
    );
    const b = await broker(dir, ['allow_anonymous false', `password_file ${passwords}`, `acl_file ${acl}`]);
    const centralPassword = join(dir, 'central.password');
    writeFileSync(centralPassword, `${users.central}\n`, { mode: 0o600 });
    const a = await consumer(b, dir, 'central-a', { username: 'central', passwordFile: centralPassword });
    expect((await a.app.health()).ok).toBe(true);
    const kioskPassword = join(dir, 'kiosk-1.password');
    writeFileSync(kioskPassword, users['hq/kiosk-1'], { mode: 0o600 });
    const k = await startKiosk(a, 'hq', 'kiosk-1', { register: false, mqtt: { username: 'hq/kiosk-1', passwordFile: kioskPassword } });
    await kioskConnected(k);
    // kiosk-2 tries to publish as kiosk-1, then as itself.
    const forger = await mqtt.connectAsync(b.url, {
      protocolVersion: 5,
      clientId: 'forger',
      username: 'hq/kiosk-2',
      password: users['hq/kiosk-2'],
      reconnectPeriod: 0,
    });
    afterThisTest(() => forger.endAsync(true));
    const forged = k.checkin(1);
    const body = (device: string, id: string, seq: number) =>
      JSON.stringify({
        v: 1,
        id,
        seq,
        site: 'hq',
        device,
        scanner: 'gate',
        direction: 'in',
        auto: false,
        scannedAt: forged.scannedAt,
        clockSynced: true,
        document: forged.document,
        warnings: [],
      });
    const forgedId = '019a8f3e-7c1d-7abc-8def-0123456789ab';
    await forger.publishAsync('qrgate/hq/kiosk-2/checkins', body('kiosk-2', '019a8f3e-7c1d-7abc-8def-0123456789ac', 1), { qos: 1 });
    // Mosquitto 2.0 answers an MQTT 5 publish its ACL denies with PUBACK reason 135 (not authorized) and forwards nothing.
    await expect(forger.publishAsync('qrgate/hq/kiosk-1/checkins', body('kiosk-1', forgedId, 2), { qos: 1 })).rejects.toThrow(
      /Not authorized/,
    );
    k.checkin(2);
    await until(async () => (await storedSeqs(a, 'kiosk-2')).size === 1 && (await storedSeqs(a)).size === 2, 'own topics stored', 30_000);
    expect(await a.app.store.checkinById(forgedId)).toBeNull();
    // The kiosk's real seq 2 is the one stored, not the forger's.
    expect((await a.app.store.findCheckins({ site: 'hq', device: 'kiosk-1', limit: 10 })).map((r) => r.id)).not.toContain(forgedId);
  }, 60_000);

  it('refuses a bad configuration with the key path, and an unreadable password file with E_MQTT_FILE', async () => {
    const base = { store: { path: '/tmp/x.db', keyFile: '/tmp/x.key' } };
    const problems = (doc: unknown): string[] => {
      try {
        resolveCentralConfig(doc, {});
        return [];
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return err.problems.map((p) => p.path);
      }
    };
    expect(problems({ ...base, broker: { url: 'mqtt://127.0.0.1:1883' } })).toEqual(['broker.clientId']);
    expect(problems({ ...base, broker: { url: 'http://127.0.0.1:1883', clientId: 'c' } })).toEqual(['broker.url']);
    expect(problems({ ...base, broker: { url: 'mqtts://broker:8883', clientId: 'two words' } })).toEqual(['broker.clientId']);
    expect(problems({ ...base, broker: { url: 'mqtts://broker:8883', clientId: 'central-1' } })).toEqual([]);
    const dir = tempDir('qrgate-consumers-');
    const missing = join(dir, 'no-such-password');
    const start = consumer(new Mosquitto(await freePort(), dir), dir, 'central-a', { username: 'central', passwordFile: missing });
    await expect(start).rejects.toBeInstanceOf(MqttSetupError);
    await expect(start).rejects.toMatchObject({ code: 'E_MQTT_FILE', message: `broker.passwordFile: cannot read ${missing}: ENOENT` });
  });

  it('qrgate central run: a missing broker.clientId and an unreadable broker.passwordFile exit 78 with a clear line, no stack trace', async () => {
    const dir = tempDir('qrgate-consumers-');
    const config = (broker: Record<string, unknown>): string => {
      const file = join(dir, 'central.yaml');
      writeFileSync(
        file,
        stringify({
          broker,
          store: { path: join(dir, 'central.db'), keyFile: join(dir, 'central.key') },
          http: { host: '127.0.0.1', port: 0 },
          log: { level: 'fatal' },
        }),
      );
      return file;
    };
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    const noId = await runCli(['central', 'run', '--check', '--config', config({ url })]);
    expect(noId.code).toBe(78);
    expect(noId.stderr).toContain('broker.clientId');
    const missing = join(dir, 'nope.password');
    const run = await runCli([
      'central',
      'run',
      '--config',
      config({ url, clientId: 'central-1', username: 'central', passwordFile: missing }),
    ]);
    expect(run.code).toBe(78);
    expect(run.stderr).toContain(`E_MQTT_FILE: broker.passwordFile: cannot read ${missing}: ENOENT`);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  }, 30_000);
});
