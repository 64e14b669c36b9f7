/**
 * qrgate central's composition root: the only place that knows every part. The store opens first, then the ingest
 * behind the embedded broker, then the page; stop in reverse (the broker first, so no acknowledgement is promised
 * for a row that can no longer be committed).
 */
import { systemClock, type Clock, type Timer } from '../core/clock.js';
import type { MqttCode } from '../core/codes.js';
import { TimeZone } from '../core/zone.js';
import type { CheckinMessage } from '../forwarder/contract.js';
import type { Logger } from '../logger.js';
import { loadKeyFile, Sealer } from '../store/sealer.js';
import { EmbeddedBroker } from './broker.js';
import type { BrokerSide } from './broker-side.js';
import { BrokerConsumer } from './consumer.js';
import type { CentralConfig } from './config-schema.js';
import { DayTotals } from './day-totals.js';
import { buildFleet, fleetTotals, type FleetDeps } from './fleet.js';
import { GapWatcher } from './gaps.js';
import { GroupCommit } from './group-commit.js';
import { buildCentralHttp, type CentralApi } from './http-server.js';
import { Ingest } from './ingest.js';
import { KioskTracker } from './kiosk-tracker.js';
import { CentralMetrics } from './metrics.js';
import { OperatorSessions } from './sessions.js';
import { openCentralStoreFor, type OpenStoreHooks } from './open-store.js';
import { SqliteCentralStore } from './sqlite-store.js';
import { writerThreadEntry } from './sqlite-writer.js';
import { sealCheckin } from './seal-checkin.js';
import type { CentralStore, CheckinDraft } from './store-types.js';

const RETENTION_EVERY_MS = 3_600_000;
/** Rows per purge transaction: about 40-60 ms of deleting (five indexes) on SQLite, the longest the broker waits. */
const PURGE_BATCH = 2000;
const STATE_FLUSH_MS = 1000;
const SHARED_RESCAN_MS = 60_000;
const DAY_MS = 86_400_000;

export interface CentralDeps {
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Test and chaos hook: check-ins acknowledged but not stored (an injected subscriber-side loss). */
  readonly drop?: (m: CheckinMessage) => boolean;
  /** The SQLite writer thread's entry; default: the one next to the compiled code (none when run from sources). */
  readonly writerEntry?: URL | null;
}

/** Opens central's store with its key (creating both on first use); shared by `run` and the admin subcommands. */
export async function openCentralStore(
  config: CentralConfig,
  now: Date,
  hooks: OpenStoreHooks = {},
): Promise<{ store: CentralStore; sealer: Sealer; key: Buffer; keyTooOpen: boolean }> {
  const key = loadKeyFile(config.store.keyFile, true);
  const sealer = new Sealer(key.key);
  const store = await openCentralStoreFor(config, sealer, now, hooks);
  return { store, sealer, key: key.key, keyTooOpen: key.tooOpen };
}

export class CentralApp {
  readonly broker: BrokerSide;
  readonly http: CentralApi;
  readonly metrics: CentralMetrics;
  readonly tracker: KioskTracker;
  readonly gaps: GapWatcher;
  readonly commit: GroupCommit<CheckinDraft>;
  readonly fleet: FleetDeps;
  readonly ingest: Ingest;
  /** Settles when a part stopped for good and the process should end, not be restarted (E_MQTT_CLIENTID_TAKEN). */
  readonly failed: Promise<{ readonly code: MqttCode; readonly detail: string }>;
  httpAddress: string | null = null;
  brokerUrl: string | null = null;
  private readonly clock: Clock;
  private readonly log: Logger;
  private timers: Timer[] = [];

  /** Opens the store (the only I/O before `start`), then wires the parts. */
  static async open(config: CentralConfig, deps: CentralDeps): Promise<CentralApp> {
    const clock = deps.clock ?? systemClock;
    const opened = await openCentralStore(config, clock.now(), {
      onConnectionError: (err) => deps.logger.warn({ err }, 'a database connection failed; the pool opens another'),
    });
    if (opened.keyTooOpen)
      deps.logger.warn(
        { code: 'W_KEY_PERMISSIONS', file: config.store.keyFile },
        'the key file is readable by other users (it should be mode 0600)',
      );
    const entry = deps.writerEntry === undefined ? writerThreadEntry() : deps.writerEntry;
    if (opened.store instanceof SqliteCentralStore && config.store.writerThread && entry !== null) {
      try {
        await opened.store.startWriter(entry, opened.key);
      } catch (err) {
        deps.logger.warn({ err }, 'the SQLite writer thread did not start; inserting on the main thread');
      }
      try {
        await opened.store.startReader(entry);
      } catch (err) {
        deps.logger.warn({ err }, "the SQLite reader thread did not start; the fleet's day counts are read on the main thread");
      }
    }
    return new CentralApp(config, deps, opened.store, opened.sealer);
  }

  /** Wires the parts; no I/O (see `open`). */
  constructor(
    readonly config: CentralConfig,
    deps: CentralDeps,
    readonly store: CentralStore,
    sealer: Sealer,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.log = deps.logger;
    let fail: (f: { code: MqttCode; detail: string }) => void = () => undefined;
    this.failed = new Promise((resolve) => (fail = resolve));
    const zone = new TimeZone(config.fleet.timeZone);
    this.tracker = new KioskTracker(this.store, (err) => this.log.error({ err }, 'could not save a kiosk state; retrying in a second'));
    this.gaps = new GapWatcher({
      store: this.store,
      tracker: this.tracker,
      clock: this.clock,
      log: this.log.child({ module: 'gaps' }),
      resendAfterMs: config.fleet.resendAfterSec * 1000,
      // A shared database: other central processes store check-ins too, so every kiosk is looked at again.
      ...(config.store.url === undefined ? {} : { rescanAllMs: SHARED_RESCAN_MS }),
      request: (k, op, body) => this.broker.request(k, op, body),
      onResend: () => this.metrics.resendRequests.inc(),
    });
    this.fleet = {
      store: this.store,
      tracker: this.tracker,
      gaps: this.gaps,
      clock: this.clock,
      zone,
      silentAfterMs: config.fleet.silentAfterMinutes * 60_000,
      today: new DayTotals({ store: this.store, clock: this.clock }),
    };
    this.metrics = new CentralMetrics(
      // The gauges need no day counts (a whole day of rows per scrape).
      async () => fleetTotals(await buildFleet(this.fleet, { today: false })),
      () => this.broker.connectedClients,
    );
    const checkins = this.store;
    this.commit = new GroupCommit<CheckinDraft>({
      // Sealing and hashing happen where the rows are inserted: on SQLite's writer thread when it runs.
      insert: (drafts) =>
        checkins instanceof SqliteCentralStore
          ? checkins.insertDrafts(drafts, sealer)
          : checkins.insertCheckins(drafts.map((d) => sealCheckin(sealer, d))),
      clock: this.clock,
      windowMs: config.broker.groupCommitMs,
      maxBatch: config.broker.groupCommitRows,
      onCommit: (rows, _inserted, seconds) => {
        this.metrics.commitSeconds.observe(seconds);
        this.metrics.batchRows.observe(rows.length);
      },
    });
    const ingest = (this.ingest = new Ingest({
      store: this.store,
      commit: this.commit,
      tracker: this.tracker,
      gaps: this.gaps,
      metrics: this.metrics,
      clock: this.clock,
      log: this.log.child({ module: 'ingest' }),
      baseTopic: config.broker.baseTopic,
      maxBytes: config.broker.maxMessageBytes,
      ...(deps.drop === undefined ? {} : { drop: deps.drop }),
    }));
    // broker.url: a consumer of an external broker (docs/central.md, "External broker"); otherwise the embedded one.
    this.broker =
      config.broker.url === undefined
        ? new EmbeddedBroker({
            config: config.broker,
            store: this.store,
            ingest,
            metrics: this.metrics,
            log: this.log.child({ module: 'broker' }),
          })
        : new BrokerConsumer({
            config: config.broker,
            ingest,
            clock: this.clock,
            log: this.log.child({ module: 'consumer' }),
            onFatal: (code, detail) => fail({ code, detail }),
          });
    const sessions = new OperatorSessions(config.http.sessionTtlMin * 60_000, this.clock);
    this.http = buildCentralHttp({
      config,
      store: this.store,
      sealer,
      sessions,
      fleet: this.fleet,
      metrics: this.metrics,
      logger: this.log,
      health: () => this.health(),
    });
  }

  async start(): Promise<void> {
    await this.tracker.load();
    // The embedded broker starts with no kiosk connected; an external broker's retained statuses (and last wills) say
    // who is online, and arrive as soon as the consumer subscribes.
    if (this.config.broker.url === undefined) this.tracker.allOffline(this.clock.now().getTime());
    await this.tracker.flush();
    await this.purge();
    this.timers.push(
      this.clock.setInterval(() => void this.purge(), RETENTION_EVERY_MS),
      this.clock.setInterval(() => void this.flushStates(), STATE_FLUSH_MS),
    );
    for (const t of this.timers) t.unref();
    this.gaps.start();
    this.brokerUrl = await this.broker.start();
    this.httpAddress = await this.http.listen({ host: this.config.http.host, port: this.config.http.port });
    this.log.info({ broker: this.brokerUrl, http: this.httpAddress }, 'central ready');
  }

  async stop(): Promise<void> {
    await this.broker.stop();
    await this.commit.close();
    await this.http.close();
    this.gaps.stop();
    for (const t of this.timers) this.clock.clearInterval(t);
    await this.flushStates();
    await this.store.close();
    this.log.info('central stopped');
  }

  async health(): Promise<{ ok: boolean; checks: Record<string, { ok: boolean; detail: string }> }> {
    const storeOk = await this.store.isHealthy();
    const broker = this.broker.status();
    const brokerOk = this.brokerUrl !== null && broker.ok;
    return {
      ok: storeOk && brokerOk,
      checks: { store: { ok: storeOk, detail: storeOk ? 'answers' : 'does not answer' }, broker: { ok: brokerOk, detail: broker.detail } },
    };
  }

  private async flushStates(): Promise<void> {
    try {
      await this.tracker.flush();
    } catch (err) {
      this.log.error({ err }, 'could not save kiosk states; retrying in a second');
    }
  }

  /**
   * Deletes check-ins and rejects older than store.retentionDays (by scan time), in batches, and audit entries
   * older than store.auditRetentionDays.
   */
  private async purge(): Promise<void> {
    const now = this.clock.now().getTime();
    const before = now - this.config.store.retentionDays * DAY_MS;
    let total = 0;
    try {
      for (;;) {
        const r = await this.store.purgeBefore(before, PURGE_BATCH);
        total += r.checkins + r.rejects;
        if (!r.more) break;
        // SQLite deletes on this thread and answers at once: let the broker and the page run between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (total > 0) this.log.info({ rows: total }, 'retention: deleted expired rows');
      const audits = await this.store.purgeAuditBefore(now - this.config.store.auditRetentionDays * DAY_MS);
      if (audits > 0) this.log.info({ rows: audits }, 'retention: deleted expired audit entries');
    } catch (err) {
      this.log.error({ err }, 'retention purge failed');
    }
  }
}
