/**
 * The MQTT side of the daemon, composed: it knows the store's outbox and the contract, nothing of scanners. The
 * pieces, one job each: the connection and its lifecycle (broker-link.ts), the outbox drain (outbox-pump.ts) and
 * where it reads its backlog (backlog-choice.ts), the retained health report (health-reporter.ts), request/response
 * (requests.ts) and the graceful stop (graceful-stop.ts). Here: what happens on connecting and losing the broker,
 * the publish of one outbox item, the live lane, and the status.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../core/clock.js';
import { TimeZone } from '../core/zone.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { OutboxStore } from '../store/outbox.js';
import { setAsidePolicy } from '../store/set-aside.js';
import type { Checkin, OutboxCheckin } from '../store/types.js';
import { chooseBacklog, type BacklogThreadOption } from './backlog-choice.js';
import { BrokerLink, type ForwarderState, type LinkFailure } from './broker-link.js';
import { publishEncoded, publishMessage, type MqttClient } from './connection.js';
import { topicsFor, type HealthMessage, type Topics } from './contract.js';
import { closeClient, settleInFlight } from './graceful-stop.js';
import { HealthReporter } from './health-reporter.js';
import { checkinBody, outboxOf, rejectMessage, type CheckinBody, type Origin } from './messages.js';
import { OutboxPump, type Item } from './outbox-pump.js';
import { RequestResponder } from './requests.js';

export { backlogThreadEntry } from './backlog-choice.js';
export type { ForwarderState } from './broker-link.js';

export interface ForwarderStatus {
  readonly state: ForwarderState;
  readonly since: string;
  readonly lastError: LinkFailure | null;
  readonly reconnects: number;
  readonly protocolVersion: 4 | 5;
  readonly inFlight: number;
  readonly lastAckAt: string | null;
}

export interface ForwarderDeps {
  readonly config: Config;
  /** The store's outbox (a CheckinStore, or its `outbox`). */
  readonly store: OutboxStore;
  readonly logger: Logger;
  readonly version: string;
  readonly clock: Clock;
  /** The kiosk's zone (clock.timeZone), for the offsets of the times the forwarder writes. */
  readonly zone?: TimeZone;
  /** Everything of the health report but the MQTT part, from the composition root. */
  readonly health: () => Omit<HealthMessage, 'mqtt'>;
  /** The configuration with secrets removed, for the `config` request. */
  readonly redactedConfig: () => unknown;
  /** The backlog reader thread: default `backlogThreadEntry()` from 5,000 pending; null: every backlog read here. */
  readonly backlogThread?: BacklogThreadOption;
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
  private readonly link: BrokerLink;
  private readonly pump: OutboxPump;
  private readonly health: HealthReporter;
  private readonly requests: RequestResponder;
  private readonly body: (row: OutboxCheckin) => CheckinBody;
  private lastAckAt: Date | null = null;

  constructor(private readonly deps: ForwarderDeps) {
    super();
    const { device, mqtt } = deps.config;
    this.topics = topicsFor(mqtt.baseTopic, device.site, device.id);
    this.origin = { site: device.site, device: device.id };
    this.clock = deps.clock;
    this.zone = deps.zone ?? new TimeZone();
    this.log = deps.logger.child({ module: 'mqtt' });
    const origin = this.origin;
    const body = (row: OutboxCheckin): CheckinBody => checkinBody(row, origin, mqtt.documentFields);
    this.body = body;
    const setAside = setAsidePolicy(deps.store, this.log);
    this.link = new BrokerLink({ config: deps.config, topics: this.topics, clock: this.clock, log: this.log });
    this.pump = new OutboxPump({
      store: deps.store,
      backlog: chooseBacklog({
        store: deps.store,
        storeFiles: { path: deps.config.store.path, keyFile: deps.config.store.keyFile },
        enabled: mqtt.backlogThread,
        thread: deps.backlogThread,
        origin,
        fields: mqtt.documentFields,
        body,
        log: this.log,
        clock: this.clock,
      }),
      window: mqtt.maxInflight,
      drainRatePerSec: mqtt.drainRatePerSec,
      clock: this.clock,
      publish: (item, done) => this.publishItem(item, done),
      onError: (err) => this.log.error({ err }, 'could not mark messages as sent; they will be sent again'),
      setAside,
    });
    this.health = new HealthReporter({
      clock: this.clock,
      topics: this.topics,
      health: deps.health,
      mqtt: () => ({ reconnects: this.link.reconnects, protocolVersion: this.link.protocolVersion }),
    });
    this.requests = new RequestResponder({
      topics: this.topics,
      clock: this.clock,
      zone: this.zone,
      version: deps.version,
      log: this.log,
      store: deps.store,
      health: () => this.health.message(),
      redactedConfig: deps.redactedConfig,
      body,
      setAside,
    });
    this.link.on('status', () => this.emit('status', this.status()));
    this.link.on('up', (client) => this.onUp(client));
    this.link.on('down', () => this.onDown());
    this.link.on('message', (client, topic, payload, packet) => this.requests.handle(client, topic, payload, packet));
  }

  status(): ForwarderStatus {
    return {
      state: this.link.state,
      since: this.zone.iso(this.link.since),
      lastError: this.link.lastError,
      reconnects: this.link.reconnects,
      protocolVersion: this.link.protocolVersion,
      inFlight: this.pump.inFlight,
      lastAckAt: this.lastAckAt === null ? null : this.zone.iso(this.lastAckAt),
    };
  }

  start(): void {
    if (this.link.state === 'disabled') {
      this.log.info('no mqtt.url: recording locally only');
      return;
    }
    this.link.start();
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
    this.link.halt();
    this.health.stop();
    await settleInFlight(this.link.connection, this.pump, this.clock);
    this.pump.stop();
    const client = this.link.detach();
    if (client !== null) await closeClient(client, this.topics, this.clock);
  }

  private onUp(client: MqttClient): void {
    publishMessage(
      client,
      this.topics.status,
      { state: 'online', version: this.deps.version, since: this.zone.iso(this.clock.now()) },
      { qos: 1, retain: true },
    );
    client.subscribe(this.topics.requests, { qos: 1 });
    this.pump.start();
    this.health.start(client);
  }

  private onDown(): void {
    this.health.stop();
    this.pump.stop();
  }

  private publishItem(item: Item, done: (err?: Error | null) => void): void {
    const client = this.link.connection;
    if (client === null || !client.connected) {
      done(new Error('not connected'));
      return;
    }
    const acked = (err?: Error): void => {
      done(err ?? null);
      if (err) return;
      this.lastAckAt = this.clock.now();
      this.emit('delivered', { kind: item.kind, seq: item.kind === 'checkin' ? item.row.seq : item.row.n });
    };
    if (item.kind === 'checkin') publishEncoded(client, this.topics.checkins, item.row.body, { qos: 1 }, acked);
    else publishMessage(client, this.topics.rejects, rejectMessage(item.row, this.origin), { qos: 1 }, acked);
  }
}
