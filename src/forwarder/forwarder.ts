/**
 * The MQTT side of the daemon. It knows the store's outbox and the contract, nothing of scanners. One mqtt.js
 * client per connection attempt (reconnection is ours: jittered, capped backoff, and a fresh in-flight state each
 * time), MQTT 5 with a fallback to 3.1.1, a persistent session under a stable client id, a retained status with a
 * last will, a retained health report every minute, and request/response for ping, health and config.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { sleep, systemClock, type Clock, type Timer } from '../core/clock.js';
import { TimeZone } from '../core/zone.js';
import { MQTT_CODES, STORE_CODES, type MqttCode } from '../core/codes.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { CheckinStore } from '../store/checkin-store.js';
import type { Checkin, OutboxCheckin } from '../store/types.js';
import { Backoff } from './backoff.js';
import { InThreadBacklog, type BacklogSource } from './backlog.js';
import { classifyError, connectOptions, MqttSetupError, openClient, type IPublishPacket, type MqttClient } from './connection.js';
import { topicsFor, type HealthMessage, type ResendResult, type ResponseMessage, type StatusMessage, type Topics } from './contract.js';
import { checkinBody, outboxOf, rejectMessage, type Origin } from './messages.js';
import { OutboxPump, type Item } from './outbox-pump.js';
import { readResend, resendRange } from './resend.js';
import { ThreadedBacklog } from './threaded-backlog.js';

const HEALTH_EVERY_MS = 60_000;
const STOP_PUBLISH_MS = 1000;
/** While the broker is unreachable, a bare TCP connect tells when it is back, long before the backoff would. */
const PROBE_EVERY_MS = 2000;
const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'mqtt:': 1883, 'tcp:': 1883, 'mqtts:': 8883, 'ssl:': 8883, 'ws:': 80, 'wss:': 443 };
/** Pending check-ins from which a drain reads its backlog on a second thread (threaded-backlog.ts). */
const THREAD_MIN_BACKLOG = 5000;

/**
 * The backlog reader thread's entry, next to this module: backlog-thread.cjs beside the bundle (dist/qrgate.cjs),
 * or backlog-thread.js beside the compiled module. Run from TypeScript sources (tests), there is none.
 */
export function backlogThreadEntry(): URL | null {
  for (const name of ['./backlog-thread.cjs', './backlog-thread.js']) {
    const url = new URL(name, import.meta.url);
    if (existsSync(url)) return url;
  }
  return null;
}

export type ForwarderState = 'disabled' | 'connecting' | 'connected' | 'disconnected';

export interface ForwarderStatus {
  readonly state: ForwarderState;
  readonly since: string;
  readonly lastError: { readonly code: MqttCode; readonly detail: string } | null;
  readonly reconnects: number;
  readonly protocolVersion: 4 | 5;
  readonly inFlight: number;
  readonly lastAckAt: string | null;
}

export interface ForwarderDeps {
  readonly config: Config;
  readonly store: CheckinStore;
  readonly logger: Logger;
  readonly version: string;
  readonly clock?: Clock;
  /** The kiosk's zone (clock.timeZone), for the offsets of the times the forwarder writes. */
  readonly zone?: TimeZone;
  /** Everything of the health report but the MQTT part, from the composition root. */
  readonly health: () => Omit<HealthMessage, 'mqtt'>;
  /** The configuration with secrets removed, for the `config` request. */
  readonly redactedConfig: () => unknown;
  /** The backlog reader thread: default `backlogThreadEntry()` from 5,000 pending; null: every backlog read here. */
  readonly backlogThread?: { readonly entry: URL; readonly minBacklog?: number } | null;
}

/** A row the broker acknowledged (PUBACK): `seq` for a check-in, `n` for a reject. */
export interface Delivered {
  readonly kind: 'checkin' | 'reject';
  readonly seq: number;
}

export class Forwarder extends EventEmitter<{ status: [ForwarderStatus]; delivered: [Delivered] }> {
  readonly topics: Topics;
  private readonly origin: Origin;
  private readonly clock: Clock;
  private readonly zone: TimeZone;
  private readonly log: Logger;
  private readonly pump: OutboxPump;
  private readonly body: (row: OutboxCheckin) => string;
  private readonly backoff = new Backoff();
  private client: MqttClient | null = null;
  private protocolVersion: 4 | 5 = 5;
  private state: ForwarderState;
  private since: Date;
  private lastError: ForwarderStatus['lastError'] = null;
  private reconnects = 0;
  private lastAckAt: Date | null = null;
  private reconnectTimer: Timer | undefined;
  private probeTimer: Timer | undefined;
  private healthTimer: Timer | undefined;
  private stopping = false;
  /** Set when the broker refused MQTT 5: the next attempt, with 3.1.1, goes at once. */
  private retryNow = false;

  constructor(private readonly d: ForwarderDeps) {
    super();
    const { device, mqtt: m } = d.config;
    this.topics = topicsFor(m.baseTopic, device.site, device.id);
    this.origin = { site: device.site, device: device.id };
    this.clock = d.clock ?? systemClock;
    this.zone = d.zone ?? new TimeZone();
    this.log = d.logger.child({ module: 'mqtt' });
    this.since = this.clock.now();
    this.state = m.url === undefined ? 'disabled' : 'disconnected';
    const body = (row: OutboxCheckin): string => checkinBody(row, this.origin, m.documentFields);
    this.body = body;
    const inThread = new InThreadBacklog(d.store, body);
    const entry = !m.backlogThread ? null : d.backlogThread === undefined ? backlogThreadEntry() : (d.backlogThread?.entry ?? null);
    const backlog: BacklogSource =
      entry === null
        ? inThread
        : new ThreadedBacklog({
            entry,
            data: { store: { path: d.config.store.path, keyFile: d.config.store.keyFile }, origin: this.origin, fields: m.documentFields },
            inThread,
            pendingCount: () => d.store.pendingCount(),
            minBacklog: d.backlogThread?.minBacklog ?? THREAD_MIN_BACKLOG,
            log: this.log,
            clock: this.clock,
          });
    this.pump = new OutboxPump({
      store: d.store,
      backlog,
      window: m.maxInflight,
      drainRatePerSec: m.drainRatePerSec,
      clock: this.clock,
      publish: (item, done) => this.publishItem(item, done),
      onError: (err) => this.log.error({ err }, 'could not mark messages as sent; they will be sent again'),
      setAside: (seq) => this.setAside(seq),
    });
  }

  status(): ForwarderStatus {
    return {
      state: this.state,
      since: this.zone.iso(this.since),
      lastError: this.lastError,
      reconnects: this.reconnects,
      protocolVersion: this.protocolVersion,
      inFlight: this.pump.inFlight,
      lastAckAt: this.lastAckAt === null ? null : this.zone.iso(this.lastAckAt),
    };
  }

  start(): void {
    if (this.state === 'disabled') {
      this.log.info('no mqtt.url: recording locally only');
      return;
    }
    this.connect();
  }

  /** A check-in was committed: send it now if connected (the live lane). */
  onCheckin(c: Checkin): void {
    // Not connected: the row waits in the store; serializing it now would be work thrown away.
    if (this.pump.isRunning) {
      const row = outboxOf(c);
      this.pump.notifyCheckin({ seq: row.seq, body: this.body(row) });
    }
  }

  onReject(): void {
    this.pump.notifyReject();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.clock.clearTimeout(this.reconnectTimer);
    this.stopProbe();
    this.clock.clearInterval(this.healthTimer);
    const client = this.client;
    if (client?.connected === true) {
      // Let the PUBACKs of what is in flight arrive, so a restart does not send those rows again.
      this.pump.pause();
      const deadline = this.clock.now().getTime() + STOP_PUBLISH_MS;
      while (this.pump.inFlight > 0 && client.connected && this.clock.now().getTime() < deadline) await sleep(this.clock, 5);
    }
    this.pump.stop();
    if (client === null) return;
    this.client = null;
    if (client.connected) {
      // A graceful stop sends "offline" itself: the broker only publishes the will for an unexpected loss.
      await withTimeout(this.clock, client.publishAsync(this.topics.status, JSON.stringify({ state: 'offline' } satisfies StatusMessage), { qos: 1, retain: true }), STOP_PUBLISH_MS);
      await withTimeout(this.clock, client.endAsync(false), STOP_PUBLISH_MS);
    }
    client.removeAllListeners();
    client.end(true);
  }

  private setState(state: ForwarderState): void {
    if (state === this.state) return;
    this.state = state;
    this.since = this.clock.now();
    this.emit('status', this.status());
  }

  private connect(): void {
    if (this.stopping) return;
    this.stopProbe();
    const url = this.d.config.mqtt.url as string;
    let options;
    try {
      options = connectOptions(this.d.config, this.topics, this.protocolVersion);
    } catch (err) {
      if (!(err instanceof MqttSetupError)) throw err;
      this.fail({ code: err.code, detail: err.message });
      this.scheduleReconnect(this.backoff.next());
      return;
    }
    this.setState('connecting');
    const client = openClient(url, options);
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('message', (topic, payload, packet) => this.onRequest(client, topic, payload, packet));
    client.on('error', (err) => {
      const failure = classifyError(err);
      if (failure.protocolRejected && this.protocolVersion === 5) {
        this.protocolVersion = 4;
        this.retryNow = true;
        this.log.warn('the broker does not speak MQTT 5; using MQTT 3.1.1');
      } else {
        this.fail(failure);
      }
      client.end(true);
    });
    client.on('close', () => this.onClose(client));
  }

  private onConnect(client: MqttClient): void {
    if (client !== this.client) return;
    // Small QoS 1 messages must not wait for Nagle's algorithm: with latency it caps throughput at one window per RTT.
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    this.backoff.reset();
    this.lastError = null;
    this.setState('connected');
    this.log.info({ protocolVersion: this.protocolVersion }, 'connected to the broker');
    const online: StatusMessage = { state: 'online', version: this.d.version, since: this.zone.iso(this.clock.now()) };
    client.publish(this.topics.status, JSON.stringify(online), { qos: 1, retain: true });
    client.subscribe(this.topics.requests, { qos: 1 });
    this.pump.start();
    this.publishHealth();
    this.clock.clearInterval(this.healthTimer);
    this.healthTimer = this.clock.setInterval(() => this.publishHealth(), HEALTH_EVERY_MS);
    this.healthTimer.unref();
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client) return;
    const wasConnected = this.state === 'connected';
    this.client = null;
    client.removeAllListeners();
    client.on('error', () => undefined); // late socket errors from a client being torn down
    client.end(true);
    this.clock.clearInterval(this.healthTimer);
    this.pump.stop();
    if (this.stopping) return;
    if (wasConnected) {
      this.reconnects += 1;
      this.log.warn('lost the broker; check-ins are kept and will be sent after reconnecting');
    }
    this.setState('disconnected');
    // A protocol fallback retries at once; anything else waits.
    this.scheduleReconnect(this.retryNow ? 0 : this.backoff.next());
    this.retryNow = false;
  }

  private scheduleReconnect(ms: number): void {
    if (this.stopping) return;
    this.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = this.clock.setTimeout(() => this.connect(), ms);
    if (ms > PROBE_EVERY_MS && this.lastError?.code === 'E_MQTT_UNREACHABLE') this.startProbe();
  }

  /**
   * Only for an unreachable broker (nothing listens, or no route): a refused SYN costs the broker nothing, so many
   * kiosks can probe; a broker that answers but refuses us (credentials, TLS) is left to the backoff.
   */
  private startProbe(): void {
    if (this.probeTimer !== undefined) return;
    let target: { host: string; port: number };
    try {
      const u = new URL(this.d.config.mqtt.url as string);
      target = { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port === '' ? (DEFAULT_PORTS[u.protocol] ?? 1883) : Number(u.port) };
    } catch {
      return;
    }
    const tick = (): void => {
      const socket = tcpConnect(target);
      socket.setTimeout(PROBE_EVERY_MS);
      const done = (reachable: boolean): void => {
        socket.destroy();
        if (this.probeTimer === undefined || this.stopping) return;
        if (reachable) {
          this.log.info('the broker answers again; reconnecting now');
          this.clock.clearTimeout(this.reconnectTimer);
          this.connect();
        } else {
          this.probeTimer = this.clock.setTimeout(tick, PROBE_EVERY_MS + Math.random() * 1000);
        }
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.once('timeout', () => done(false));
    };
    this.probeTimer = this.clock.setTimeout(tick, PROBE_EVERY_MS + Math.random() * 1000);
  }

  private stopProbe(): void {
    if (this.probeTimer !== undefined) this.clock.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private fail(failure: { code: MqttCode; detail: string }): void {
    const repeated = this.lastError?.code === failure.code && this.lastError.detail === failure.detail;
    this.lastError = { code: failure.code, detail: failure.detail };
    if (!repeated) this.log.warn({ code: failure.code, detail: failure.detail }, MQTT_CODES[failure.code].en);
    this.emit('status', this.status());
  }

  /** A pending check-in whose sealed document does not open: logged with its seq and taken out of the outbox. */
  private setAside(seq: number): void {
    try {
      if (this.d.store.setAsideUnreadable(seq)) this.log.error({ code: 'E_STORE_UNREADABLE', seq }, STORE_CODES.E_STORE_UNREADABLE.en);
    } catch (err) {
      // Still pending: read (and set aside) again after the next reconnect.
      this.log.error({ err, seq }, 'could not set aside an unreadable check-in');
    }
  }

  private publishItem(item: Item, done: (err?: Error | null) => void): void {
    const client = this.client;
    if (client === null || !client.connected) {
      done(new Error('not connected'));
      return;
    }
    const [topic, body] =
      item.kind === 'checkin'
        ? [this.topics.checkins, item.row.body]
        : [this.topics.rejects, JSON.stringify(rejectMessage(item.row, this.origin))];
    client.publish(topic, body, { qos: 1 }, (err) => {
      done(err ?? null);
      if (err) return;
      this.lastAckAt = this.clock.now();
      this.emit('delivered', { kind: item.kind, seq: item.kind === 'checkin' ? item.row.seq : item.row.n });
    });
  }

  private healthMessage(): HealthMessage {
    return { ...this.d.health(), mqtt: { reconnects: this.reconnects, protocolVersion: this.protocolVersion } };
  }

  private publishHealth(): void {
    this.client?.publish(this.topics.health, JSON.stringify(this.healthMessage()), { qos: 1, retain: true });
  }

  /**
   * `resend {from, to}`: republishes the stored check-ins of that seq range (delivered or not) on B/checkins with
   * their id, seq and body unchanged, and answers with what was sent and what this kiosk no longer has.
   */
  private resend(client: MqttClient, body: unknown): ResendResult {
    const range = resendRange(body);
    if (range === null) throw new RequestError('E_BAD_REQUEST', MQTT_CODES.E_BAD_REQUEST.en);
    const { result, rows } = readResend(this.d.store, range.from, range.to);
    for (const row of rows) client.publish(this.topics.checkins, this.body(row), { qos: 1 });
    for (const seq of result.unreadable) this.setAside(seq);
    this.log.info({ from: range.from, to: range.to, sent: result.sent, missing: result.missing.length, unreadable: result.unreadable.length }, 'resend requested by central');
    return result;
  }

  private onRequest(client: MqttClient, topic: string, payload: Buffer, packet: IPublishPacket): void {
    const prefix = `${this.topics.base}/request/`;
    if (!topic.startsWith(prefix)) return;
    const op = topic.slice(prefix.length);
    let tid: string | undefined;
    let body: unknown = {};
    try {
      body = payload.length === 0 ? {} : (JSON.parse(payload.toString('utf8')) as unknown);
      const t = (body as { tid?: unknown } | null)?.tid;
      if (typeof t === 'string') tid = t;
    } catch {
      // A request without a JSON body is still answered; it just has no tid.
    }
    const handlers: Record<string, () => unknown> = {
      ping: () => ({ pong: true, at: this.zone.iso(this.clock.now()), version: this.d.version }),
      health: () => this.healthMessage(),
      config: () => this.d.redactedConfig(),
      resend: () => this.resend(client, body),
    };
    const handler = Object.hasOwn(handlers, op) ? handlers[op] : undefined;
    const tidField = tid === undefined ? {} : { tid };
    let response: ResponseMessage;
    if (handler === undefined) {
      response = { ok: false, op, ...tidField, error: { code: 'E_UNKNOWN_OP', message: `${MQTT_CODES.E_UNKNOWN_OP.en} Known: ${Object.keys(handlers).join(', ')}.` } };
    } else {
      try {
        response = { ok: true, op, ...tidField, data: handler() };
      } catch (err) {
        if (!(err instanceof RequestError)) throw err;
        response = { ok: false, op, ...tidField, error: { code: err.code, message: err.message } };
      }
    }
    const correlationData = packet.properties?.correlationData;
    client.publish(this.topics.response(op.replace(/[#+/]/g, '_')), JSON.stringify(response), {
      qos: 1,
      ...(correlationData === undefined ? {} : { properties: { correlationData } }),
    });
  }
}

class RequestError extends Error {
  constructor(
    readonly code: 'E_BAD_REQUEST',
    message: string,
  ) {
    super(message);
  }
}

async function withTimeout(clock: Clock, p: Promise<unknown>, ms: number): Promise<void> {
  let timer: Timer | undefined;
  await Promise.race([p.catch(() => undefined), new Promise<void>((r) => (timer = clock.setTimeout(r, ms)))]);
  clock.clearTimeout(timer);
}
