/**
 * The connection to the broker and its lifecycle: one mqtt.js client per attempt (reconnection is ours: jittered,
 * capped backoff, and a fresh in-flight state each time), MQTT 5 with a fallback to 3.1.1, a TCP probe that cuts the
 * wait short when an unreachable broker comes back, and the state the status page shows. What to do once connected
 * (publish, subscribe, drain) is the forwarder's: it listens for `up` and `down`.
 */
import { EventEmitter } from 'node:events';
import type { Clock, Timer } from '../core/clock.js';
import { MQTT_CODES, type MqttCode } from '../core/codes.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { Backoff } from './backoff.js';
import { classifyError, connectOptions, MqttSetupError, openClient, type IPublishPacket, type MqttClient } from './connection.js';
import type { Topics } from './contract.js';
import { PROBE_EVERY_MS, ReachabilityProbe } from './reachability-probe.js';

export type ForwarderState = 'disabled' | 'connecting' | 'connected' | 'disconnected';

export interface LinkFailure {
  readonly code: MqttCode;
  readonly detail: string;
}

export interface BrokerLinkDeps {
  readonly config: Config;
  readonly topics: Topics;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface BrokerLinkEvents {
  /** The state, the last error or the reconnect count changed. */
  status: [];
  /** Connected (CONNACK) on this client. */
  up: [MqttClient];
  /** The connection is gone (its client torn down); a reconnect is scheduled unless stopping. */
  down: [];
  /** A message on a subscribed topic. */
  message: [MqttClient, string, Buffer, IPublishPacket];
}

export class BrokerLink extends EventEmitter<BrokerLinkEvents> {
  private readonly backoff = new Backoff();
  private readonly probe: ReachabilityProbe | null;
  private client: MqttClient | null = null;
  private protocol: 4 | 5 = 5;
  private current: ForwarderState;
  private changedAt: Date;
  private error: LinkFailure | null = null;
  private reconnectCount = 0;
  private reconnectTimer: Timer | undefined;
  private stopping = false;
  /** Set when the broker refused MQTT 5: the next attempt, with 3.1.1, goes at once. */
  private retryNow = false;

  constructor(private readonly deps: BrokerLinkDeps) {
    super();
    const url = deps.config.mqtt.url;
    this.current = url === undefined ? 'disabled' : 'disconnected';
    this.changedAt = deps.clock.now();
    this.probe =
      url === undefined
        ? null
        : new ReachabilityProbe(url, deps.clock, () => {
            if (this.stopping) return;
            this.deps.log.info('the broker answers again; reconnecting now');
            this.deps.clock.clearTimeout(this.reconnectTimer);
            this.connect();
          });
  }

  get state(): ForwarderState {
    return this.current;
  }

  get since(): Date {
    return this.changedAt;
  }

  get lastError(): LinkFailure | null {
    return this.error;
  }

  get reconnects(): number {
    return this.reconnectCount;
  }

  get protocolVersion(): 4 | 5 {
    return this.protocol;
  }

  /** The client of the connection, connected or not yet; null between attempts and after `detach()`. */
  get connection(): MqttClient | null {
    return this.client;
  }

  start(): void {
    this.connect();
  }

  /** Stops reconnecting and probing; the client, if any, stays for the forwarder's graceful stop (`detach()`). */
  halt(): void {
    this.stopping = true;
    this.deps.clock.clearTimeout(this.reconnectTimer);
    this.probe?.stop();
  }

  /** Hands over the client and forgets it: its close no longer concerns the link. */
  detach(): MqttClient | null {
    const client = this.client;
    this.client = null;
    return client;
  }

  private setState(state: ForwarderState): void {
    if (state === this.current) return;
    this.current = state;
    this.changedAt = this.deps.clock.now();
    this.emit('status');
  }

  private connect(): void {
    if (this.stopping) return;
    this.probe?.stop();
    const url = this.deps.config.mqtt.url as string;
    let options;
    try {
      options = connectOptions(this.deps.config, this.deps.topics, this.protocol);
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
    client.on('message', (topic, payload, packet) => this.emit('message', client, topic, payload, packet));
    client.on('error', (err) => {
      const failure = classifyError(err);
      if (failure.protocolRejected && this.protocol === 5) {
        this.protocol = 4;
        this.retryNow = true;
        this.deps.log.warn('the broker does not speak MQTT 5; using MQTT 3.1.1');
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
    this.error = null;
    this.setState('connected');
    this.deps.log.info({ protocolVersion: this.protocol }, 'connected to the broker');
    this.emit('up', client);
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client) return;
    const wasConnected = this.current === 'connected';
    this.client = null;
    client.removeAllListeners();
    client.on('error', () => undefined); // late socket errors from a client being torn down
    client.end(true);
    this.emit('down');
    if (this.stopping) return;
    if (wasConnected) {
      this.reconnectCount += 1;
      this.deps.log.warn('lost the broker; check-ins are kept and will be sent after reconnecting');
    }
    this.setState('disconnected');
    // A protocol fallback retries at once; anything else waits.
    this.scheduleReconnect(this.retryNow ? 0 : this.backoff.next());
    this.retryNow = false;
  }

  private scheduleReconnect(ms: number): void {
    if (this.stopping) return;
    this.deps.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = this.deps.clock.setTimeout(() => this.connect(), ms);
    if (ms > PROBE_EVERY_MS && this.error?.code === 'E_MQTT_UNREACHABLE') this.probe?.start();
  }

  private fail(failure: LinkFailure): void {
    const repeated = this.error?.code === failure.code && this.error.detail === failure.detail;
    this.error = { code: failure.code, detail: failure.detail };
    if (!repeated) this.deps.log.warn({ code: failure.code, detail: failure.detail }, MQTT_CODES[failure.code].en);
    this.emit('status');
  }
}
