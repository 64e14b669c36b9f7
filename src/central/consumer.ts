/**
 * Central as a client of an external broker (broker.url; docs/central.md, "External broker"): instead of the
 * embedded broker, a persistent MQTT 5 session under broker.clientId that
 * - shares the kiosks' check-ins and rejects with the other central processes of the same store through
 *   `$share/{sharedGroup}/{baseTopic}/+/+/checkins` (and `…/rejects`): each message goes to one of them;
 * - receives every kiosk's `status` and `health` itself (not shared: few, retained, and each process's gap check
 *   needs them), and the `response/+` answers, keeping only those to its own requests (their MQTT 5 correlation data
 *   is this client id; an answer without correlation data, from a kiosk on MQTT 3.1.1, is taken by everyone);
 * - acknowledges a message (PUBACK) only after the Ingest resolved 'ack', that is after its row committed, with many
 *   messages in hand at once so that the group commit batches them. On 'disconnect' (the store failed) it sends no
 *   PUBACK and drops the connection: the broker keeps the message in this session and sends it again after the
 *   reconnect (src/forwarder/connection.ts, openConsumerClient).
 * The sender of a message is the kiosk its topic names: the broker's ACL guarantees that a kiosk publishes only
 * under its own topics. Nothing here relies on arrival order: the Ingest and the gap watcher work by seq.
 */
import type { Clock, Timer } from '../core/clock.js';
import type { MqttCode } from '../core/codes.js';
import { Backoff } from '../forwarder/backoff.js';
import {
  classifyError,
  consumerOptions,
  isDeferredAck,
  NotAcknowledged,
  openConsumerClient,
  type IClientOptions,
  type IPublishPacket,
  type MqttClient,
} from '../forwarder/connection.js';
import type { Logger } from '../logger.js';
import type { RequestOp, RequestPayloads } from '../forwarder/contract.js';
import { publishRequest, type BrokerSide } from './broker-side.js';
import type { CentralConfig } from './config-schema.js';
import type { Ingest } from './ingest.js';
import { kioskTopic } from './parse.js';
import type { KioskId } from './store-types.js';

const KEEPALIVE_SEC = 30;
const CONNECT_TIMEOUT_MS = 15_000;
const STOP_WAIT_MS = 2000;

export interface ConsumerDeps {
  readonly config: CentralConfig['broker'];
  readonly ingest: Pick<Ingest, 'handle'>;
  readonly clock: Clock;
  readonly log: Logger;
  /** Reconnect delays; default 0.5 s doubling to 15 s, with jitter. */
  readonly backoff?: Backoff;
}

/** `mqtts://user:secret@host:8883/` → `mqtts://host:8883` (a URL for the log and /health). */
export function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

export class BrokerConsumer implements BrokerSide {
  private client: MqttClient | null = null;
  private options: IClientOptions | null = null;
  private subscribed = false;
  private stopped = true;
  private generation = 0;
  private retry: Timer | undefined;
  private lastProblem: string | null = null;
  private onFirstOutcome: (() => void) | null = null;
  private readonly backoff: Backoff;
  private readonly url: string;
  private readonly clientId: string;
  private readonly mine: Buffer;

  constructor(private readonly deps: ConsumerDeps) {
    if (deps.config.url === undefined || deps.config.clientId === undefined)
      throw new Error('BrokerConsumer needs broker.url and broker.clientId');
    this.url = deps.config.url;
    this.clientId = deps.config.clientId;
    this.mine = Buffer.from(this.clientId, 'utf8');
    this.backoff = deps.backoff ?? new Backoff(500, 15_000);
  }

  get connectedClients(): number {
    return this.subscribed ? 1 : 0;
  }

  status(): { ok: boolean; detail: string } {
    return this.subscribed
      ? { ok: true, detail: `consuming from ${publicUrl(this.url)} as ${this.clientId}` }
      : { ok: false, detail: 'not connected' };
  }

  /**
   * Reads the password and TLS files (rejects with MqttSetupError, E_MQTT_FILE, when one cannot be read), then
   * connects; resolves once subscribed, or after the first failed attempt (it keeps retrying; /health says so).
   */
  async start(): Promise<string> {
    const c = this.deps.config;
    this.options = consumerOptions({
      clientId: this.clientId,
      username: c.username,
      passwordFile: c.passwordFile,
      ca: c.ca,
      cert: c.cert,
      key: c.key,
      sessionExpirySec: c.sessionExpirySec,
      keepaliveSec: KEEPALIVE_SEC,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      section: 'broker',
    });
    const host = new URL(this.url).hostname;
    if (this.url.startsWith('mqtt://') && !['localhost', '127.0.0.1', '[::1]', '::1'].includes(host)) {
      this.deps.log.warn(
        { code: 'W_MQTT_PLAINTEXT', broker: publicUrl(this.url) },
        'broker.url is plain mqtt:// to another host: documents and the password cross the network readable (use mqtts://)',
      );
    }
    this.stopped = false;
    await new Promise<void>((resolve) => {
      this.onFirstOutcome = resolve;
      this.connect();
    });
    return publicUrl(this.url);
  }

  /** Publishes a request to a kiosk, QoS 1, with this client id as correlation data; dropped while disconnected (the gap check asks again). */
  request<Op extends RequestOp>(k: KioskId, op: Op, body: RequestPayloads[Op]): void {
    const client = this.client;
    if (client === null || !this.subscribed) {
      this.deps.log.debug({ site: k.site, device: k.device, op }, 'not connected to the broker: request not sent');
      return;
    }
    publishRequest(this.deps, k, op, body, (topic, payload, done) =>
      client.publish(topic, payload, { qos: 1, properties: { correlationData: this.mine } }, done),
    );
  }

  /** Disconnects cleanly (the session stays on the broker until it expires); nothing is acknowledged afterwards. */
  async stop(): Promise<void> {
    const client = this.detach();
    if (client === null) return;
    await new Promise<void>((resolve) => {
      const timer = this.deps.clock.setTimeout(() => client.end(true, {}, () => resolve()), STOP_WAIT_MS);
      client.end(false, {}, () => {
        this.deps.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Drops the connection at once, without a DISCONNECT and without acknowledging what is being handled: a crash, as the broker sees it (tests, chaos). */
  abort(): void {
    this.detach()?.end(true);
  }

  /** What stop() and abort() share: no more reconnects or handling; the client, for the caller to end its way. */
  private detach(): MqttClient | null {
    this.stopped = true;
    this.generation += 1;
    this.deps.clock.clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    this.subscribed = false;
    this.settleStart();
    return client;
  }

  private settleStart(): void {
    const resolve = this.onFirstOutcome;
    this.onFirstOutcome = null;
    resolve?.();
  }

  private connect(): void {
    if (this.stopped || this.options === null) return;
    const generation = (this.generation += 1);
    const client = openConsumerClient(this.url, this.options, (topic, payload, packet) => this.onPublish(topic, payload, packet));
    this.client = client;
    const current = (): boolean => this.generation === generation && this.client === client;
    client.on('connect', (connack) => {
      if (!current()) return;
      this.subscribe(client, connack.sessionPresent, current);
    });
    // QoS 0 (kiosks publish at QoS 1; a QoS 0 message has no acknowledgement to hold back).
    client.on('message', (topic, payload, packet) => {
      if (packet.qos === 0 && current()) void this.onPublish(topic, payload, packet);
    });
    client.on('error', (err) => {
      if (isDeferredAck(err) || !current()) return;
      if (err instanceof NotAcknowledged) {
        this.deps.log.warn(
          { reason: err.message },
          'a message could not be stored: dropping the broker connection so that the broker sends it again',
        );
        client.end(true);
        return;
      }
      this.problem(classifyError(err).code, classifyError(err).detail);
    });
    client.on('close', () => {
      if (!current()) return;
      const was = this.subscribed;
      this.subscribed = false;
      this.client = null;
      if (was)
        this.deps.log.warn({ broker: publicUrl(this.url) }, 'lost the connection to the broker; reconnecting (broker: not connected)');
      this.settleStart();
      if (this.stopped) return;
      const delay = this.backoff.next();
      this.retry = this.deps.clock.setTimeout(() => this.connect(), delay);
      this.retry.unref();
    });
  }

  private subscribe(client: MqttClient, sessionPresent: boolean, current: () => boolean): void {
    const b = this.deps.config.baseTopic;
    const g = this.deps.config.sharedGroup;
    // Status with rh 0: every kiosk's retained status at every (re)subscription, since central marks every kiosk
    // offline when it starts (the embedded broker's rule) while, here, the kiosks stayed connected to the broker.
    // Health with rh 1: the retained reports only when the subscription is new (the last ones are in the store).
    const topics = {
      [`$share/${g}/${b}/+/+/checkins`]: { qos: 1 as const },
      [`$share/${g}/${b}/+/+/rejects`]: { qos: 1 as const },
      [`${b}/+/+/status`]: { qos: 1 as const, rh: 0 },
      [`${b}/+/+/health`]: { qos: 1 as const, rh: 1 },
      [`${b}/+/+/response/+`]: { qos: 1 as const, rh: 1 },
    };
    client.subscribe(topics, (err, granted) => {
      if (!current()) return;
      const refused = (granted ?? []).filter((s) => s.qos > 2).map((s) => s.topic);
      if (err || refused.length > 0) {
        this.problem(
          'E_MQTT_AUTH',
          err ? err.message : `the broker refused the subscriptions ${refused.join(', ')} (its ACL must let broker.username read ${b}/#)`,
        );
        client.end(true);
        return;
      }
      this.subscribed = true;
      this.backoff.reset();
      this.lastProblem = null;
      this.deps.log.info(
        { broker: publicUrl(this.url), clientId: this.clientId, group: g, sessionPresent },
        'consuming from the external broker',
      );
      this.settleStart();
    });
  }

  private problem(code: MqttCode, detail: string): void {
    // Once per change: a broker away for an hour is one line, not one per attempt.
    if (this.lastProblem !== `${code} ${detail}`)
      this.deps.log.error(
        { code, detail, broker: publicUrl(this.url) },
        'cannot consume from the broker (broker: not connected); retrying',
      );
    this.lastProblem = `${code} ${detail}`;
  }

  private async onPublish(topic: string, payload: Buffer, packet: IPublishPacket): Promise<boolean> {
    if (this.stopped) return false;
    const t = kioskTopic(topic, this.deps.config.baseTopic);
    const correlation = packet.properties?.correlationData;
    // Another consumer's answer: acknowledged, not ours to handle.
    if (t?.kind === 'response' && correlation !== undefined && !correlation.equals(this.mine)) return true;
    const decision = await this.deps.ingest.handle(topic, payload, t?.kiosk ?? null);
    return decision === 'ack' && !this.stopped;
  }
}
