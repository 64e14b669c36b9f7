/**
 * The composition root: the only place that knows every part. Drivers feed the pipeline, the pipeline commits to
 * the store and announces, and the rest of the daemon (log, forwarder, status page) listens. Start in dependency
 * order, stop in reverse.
 */
import { createDriver } from '../drivers/index.js';
import { systemClock, type Clock, type Timer } from './core/clock.js';
import { TimeZone } from './core/zone.js';
import type { Frame, ScannerDriver, ScannerStateEvent } from './core/scanner.js';
import type { DriverFactory, ScannerEntry } from '../drivers/index.js';
import { DailyTimer, previousOccurrence } from './checkin/auto-checkout.js';
import { ClockSync } from './checkin/clock-sync.js';
import { CheckinPipeline } from './checkin/pipeline.js';
import { redactConfig } from './config/redact.js';
import type { Config } from './config/schema.js';
import { plaintextBeyondLoopback } from './config/transport.js';
import type { HealthMessage } from './forwarder/contract.js';
import { Forwarder } from './forwarder/forwarder.js';
import type { Api } from './http/context.js';
import { Metrics } from './http/metrics.js';
import { buildHttpServer } from './http/server.js';
import type { Logger } from './logger.js';
import { CheckinStore } from './store/checkin-store.js';
import { VERSION } from './version.js';

const RETENTION_EVERY_MS = 3_600_000;
const HTTP_RETRY_FIRST_MS = 1000;
const HTTP_RETRY_MAX_MS = 30_000;

export interface AppDeps {
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly driverFactory?: DriverFactory;
}

export type ScannerStatus = ScannerStateEvent | { readonly scannerId: string; readonly state: 'stopped' };

export class App {
  readonly pipeline: CheckinPipeline;
  readonly forwarder: Forwarder;
  readonly startedAt: Date;
  readonly scanners = new Map<string, ScannerStatus>();
  readonly metrics: Metrics;
  readonly http: Api;
  /** The status page's URL once listening (`http.port: 0` picks a free port), else null. */
  httpAddress: string | null = null;
  private readonly drivers: ScannerDriver[] = [];
  private readonly clockSync: ClockSync;
  private readonly daily: DailyTimer | undefined;
  private retentionTimer: Timer | undefined;
  /** Frames emitted in the current turn of the event loop (a driver emits every frame of one read at once). */
  private inbox: Frame[] = [];
  private purging = false;
  private stopped = false;
  private httpAttempts = 0;
  private httpRetry: Timer | undefined;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly stateListeners = new Set<(s: ScannerStateEvent) => void>();

  /**
   * Opens the check-in store (the one piece of I/O of setting up; a StoreError when it cannot) and wires the parts
   * around it. Nothing runs until `start()`.
   */
  static open(config: Config, deps: AppDeps): App {
    const clock = deps.clock ?? systemClock;
    const zone = new TimeZone(config.clock.timeZone);
    const store = CheckinStore.open({
      path: config.store.path,
      keyFile: config.store.keyFile,
      maxPending: config.store.maxPending,
      maxSizeMB: config.store.maxSizeMB,
      forwarding: config.mqtt.url !== undefined,
      clock,
      zone,
    });
    for (const alarm of store.alarms) deps.logger.error({ code: alarm.code, detail: alarm.detail }, 'store alarm');
    const plainHost = plaintextBeyondLoopback(config.mqtt.url);
    if (plainHost !== null)
      deps.logger.warn({ code: 'W_MQTT_PLAINTEXT', broker: plainHost }, 'mqtt.allowPlaintext: check-ins go to the broker unencrypted');
    return new App(config, deps, store, zone);
  }

  /** Wires only: the store comes open (`App.open`), and nothing starts until `start()`. */
  private constructor(
    readonly config: Config,
    private readonly deps: AppDeps,
    readonly store: CheckinStore,
    /** The kiosk's one zone (clock.timeZone) for every day boundary and local timestamp. */
    readonly zone: TimeZone,
  ) {
    this.log = deps.logger;
    this.clock = deps.clock ?? systemClock;
    this.clockSync = new ClockSync(config.clock, this.clock);
    const directions = new Map(config.scanners.map((s) => [s.id, s.direction ?? 'in']));
    this.pipeline = new CheckinPipeline({
      store: this.store,
      clock: this.clock,
      zone: this.zone,
      settings: config.pipeline,
      directionOf: (id) => directions.get(id) ?? 'in',
      clockSynced: () => this.clockSync.isSynced,
    });
    this.startedAt = this.clock.now();
    this.forwarder = new Forwarder({
      config,
      store: this.store.outbox,
      logger: this.log,
      version: VERSION,
      clock: this.clock,
      zone: this.zone,
      health: () => this.health(),
      redactedConfig: () => redactConfig(config),
    });
    this.pipeline.on('checkin', (c) => this.forwarder.onCheckin(c));
    this.pipeline.on('reject', (r) => {
      if (r.id !== null) this.forwarder.onReject();
    });
    this.daily =
      config.checkout.at === 'never'
        ? undefined
        : new DailyTimer(config.checkout.at, this.clock, this.zone, (at) => this.pipeline.autoCheckout(at));
    this.wireLogging();
    // Status page, local API and metrics (src/http): read-only views of the parts above, plus manual entry.
    const views = {
      store: this.store,
      forwarder: this.forwarder,
      scanners: () => [...this.scanners.values()],
      startedAt: this.startedAt,
      clock: this.clock,
      zone: this.zone,
      version: VERSION,
    };
    this.metrics = new Metrics({ ...views, pipeline: this.pipeline, forwarding: config.mqtt.url !== undefined });
    const onScannerState = (l: (s: ScannerStateEvent) => void): (() => void) => {
      this.stateListeners.add(l);
      return () => this.stateListeners.delete(l);
    };
    this.http = buildHttpServer({
      ...views,
      config,
      logger: this.log,
      pipeline: this.pipeline,
      clockSynced: () => this.clockSync.isSynced,
      metrics: this.metrics,
      onScannerState,
    });
  }

  async start(): Promise<void> {
    this.purge();
    this.retentionTimer = this.clock.setInterval(() => this.purge(), RETENTION_EVERY_MS);
    this.retentionTimer.unref();
    this.daily?.start();
    await this.listenHttp();
    const factory = this.deps.driverFactory ?? ((entry: ScannerEntry) => createDriver(entry, { clock: this.clock }));
    for (const entry of this.config.scanners) {
      const driver = factory(entry);
      this.scanners.set(entry.id, { scannerId: entry.id, state: 'stopped' });
      driver.on('frame', (frame) => this.take(frame));
      driver.on('state', (s) => this.onScannerState(s));
      this.drivers.push(driver);
    }
    await Promise.all(this.drivers.map((d) => d.start()));
    this.log.info({ scanners: this.config.scanners.length, pending: this.store.pendingCount(), lastSeq: this.store.lastSeq() }, 'ready');
    // Last: scans are taken before the broker is even tried, and a backlog drain does not compete with start-up.
    this.forwarder.start();
  }

  /** Stop intake, decide what is in flight, close the database. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.httpRetry);
    await Promise.allSettled(this.drivers.map((d) => d.stop()));
    await this.http.close();
    this.metrics.stop();
    this.pipeline.close();
    await this.forwarder.stop();
    this.daily?.stop();
    this.clock.clearInterval(this.retentionTimer);
    this.clockSync.stop();
    this.store.close();
    this.log.info('stopped');
  }

  /** The health report (MQTT B/health and the status page): states and counts, no personal data. */
  health(): Omit<HealthMessage, 'mqtt'> {
    const now = this.clock.now();
    const oldest = this.store.oldestPending();
    return {
      v: 1,
      at: this.zone.iso(now),
      uptimeSec: Math.round((now.getTime() - this.startedAt.getTime()) / 1000),
      scanners: [...this.scanners].map(([id, s]) => ({ id, state: s.state, ...(s.state === 'error' ? { code: s.code } : {}) })),
      pending: this.store.pendingCount(),
      oldestPendingAgeSec: oldest === null ? null : Math.max(0, Math.round((now.getTime() - new Date(oldest.scannedAt).getTime()) / 1000)),
      storeBytes: this.store.sizeBytes(),
      lastSeq: this.store.lastSeq(),
    };
  }

  /** Frames that arrived together are handed to the pipeline together, so a burst is committed in one transaction. */
  private take(frame: Frame): void {
    this.inbox.push(frame);
    if (this.inbox.length > 1) return;
    queueMicrotask(() => {
      const frames = this.inbox;
      this.inbox = [];
      this.pipeline.acceptAll(frames);
    });
  }

  /**
   * A page that cannot bind (port taken) must not stop the kiosk from recording: it logs E_HTTP_LISTEN once and
   * tries again, 1 s doubling to every 30 s, until the port is free, so the page comes back without a restart.
   */
  private async listenHttp(): Promise<void> {
    if (this.stopped) return;
    const { host, port } = this.config.http;
    try {
      const url = await this.http.listen({ host, port });
      this.httpAddress = url;
      if (this.httpAttempts > 0) this.log.info({ url, attempts: this.httpAttempts + 1 }, 'status page listening after all');
      else this.log.info({ url }, 'status page');
    } catch (err) {
      if (this.httpAttempts === 0)
        this.log.error(
          { code: 'E_HTTP_LISTEN', err, host, port },
          'status page could not start; recording continues, and binding is retried',
        );
      else this.log.debug({ code: 'E_HTTP_LISTEN', attempts: this.httpAttempts + 1 }, 'status page still cannot bind');
      const wait = Math.min(HTTP_RETRY_FIRST_MS * 2 ** this.httpAttempts, HTTP_RETRY_MAX_MS);
      this.httpAttempts += 1;
      if (this.stopped) return;
      this.httpRetry = this.clock.setTimeout(() => void this.listenHttp(), wait);
      this.httpRetry.unref();
    }
  }

  private onScannerState(s: ScannerStateEvent): void {
    this.scanners.set(s.scannerId, s);
    for (const l of this.stateListeners) l(s);
    const fields = { scanner: s.scannerId, state: s.state, detail: s.detail, ...(s.state === 'error' ? { code: s.code } : {}) };
    if (s.state === 'connected') this.log.info(fields, 'scanner state');
    else this.log.warn(fields, 'scanner state');
  }

  /** One batch at a time, yielding in between: scans keep flowing while a large backlog of expired rows goes. */
  private purge(): void {
    if (this.purging) return;
    this.purging = true;
    let checkins = 0;
    let rejects = 0;
    // With a daily checkout, whoever came in before the last checkout time is checked out now, dated then: a kiosk
    // that was off at checkout.at catches up at its next start (or within the hour). That is always later than the
    // retention's cutoff, so nobody still inside is expiring. Without one, someone still inside when their "in"
    // expires leaves the list silently (purgeExpired drops them from presence); their data then goes like any other.
    const at = this.config.checkout.at;
    const due = at === 'never' ? null : previousOccurrence(this.zone, at, this.clock.now());
    if (due !== null && this.store.isHealthy()) {
      const outs = this.pipeline.autoCheckout(due, Math.max(due.getTime(), this.store.retentionCutoff(this.config.store.retentionDays)));
      if (outs.length > 0)
        this.log.info({ checkins: outs.length, at: this.zone.iso(due) }, 'checked out whoever was still inside at the last checkout time');
    }
    const step = (): void => {
      try {
        const r = this.store.isHealthy()
          ? this.store.purgeExpired(this.config.store.retentionDays, 1)
          : { checkins: 0, rejects: 0, more: false };
        checkins += r.checkins;
        rejects += r.rejects;
        if (r.more) {
          setImmediate(step);
          return;
        }
        if (checkins + rejects > 0) this.log.info({ checkins, rejects }, 'retention: deleted expired rows');
        for (const file of this.store.purgeMovedAside(this.config.store.retentionDays))
          this.log.info({ file }, 'retention: deleted a database moved aside as corrupt');
      } catch (err) {
        this.log.error({ err }, 'retention purge failed');
      }
      this.purging = false;
    };
    step();
  }

  private wireLogging(): void {
    // Ids, seq, type and codes only: never a name or a number.
    this.pipeline.on('checkin', (c) =>
      this.log.info(
        {
          event: 'checkin',
          id: c.id,
          seq: c.seq,
          scanner: c.scanner,
          direction: c.direction,
          auto: c.auto,
          type: c.document.type,
          warnings: c.warnings.map((w) => w.code),
        },
        'check-in committed',
      ),
    );
    this.pipeline.on('reject', (r) => this.log.info({ event: 'reject', id: r.id, scanner: r.scanner, code: r.code }, 'scan rejected'));
    this.pipeline.on('alarm', (a) => this.log.error({ event: 'alarm', code: a.code, detail: a.detail }, 'alarm'));
    this.pipeline.on('repeat', (r) => this.log.debug({ event: 'repeat', scanner: r.scanner }, 're-read suppressed'));
  }
}
