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
 * Its client id is its own: when another connection takes its session over (another process under the same
 * broker.clientId), it stops for good with E_MQTT_CLIENTID_TAKEN rather than take the session back, which would
 * start a fight neither process could win (see takenOver).
 * The sender of a message is the kiosk its topic names: the broker's ACL guarantees that a kiosk publishes only
 * under its own topics. Nothing here relies on arrival order: the Ingest and the gap watcher work by seq.
 */
import { plaintextBeyondLoopback } from '../config/transport.js';
import type { Clock, Timer } from '../core/clock.js';
import type { MqttCode } from '../core/codes.js';
import { Backoff } from '../forwarder/backoff.js';
import {
  classifyError,
  consumerOptions,
  isDeferredAck,
  isSessionTakenOver,
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
/**
 * A broker that does not send reason 0x8E (Mosquitto before 2.0.15) just closes a connection whose session another
 * one took. Two processes under one id then take the session from each other at every reconnect: each sees the broker
 * close a connection it had accepted (no DISCONNECT, not closed by us), and reconnects at once, successfully. This
 * many such closes in a row, all but the first of connections younger than TAKEOVER_SHORT_MS, mean a fight; a failed
 * attempt (the broker away) or any other end breaks the row. The process displaced first reaches it first and stops.
 */
const TAKEOVER_CLOSES = 3;
const TAKEOVER_SHORT_MS = 10_000;

export interface ConsumerDeps {
  readonly config: CentralConfig['broker'];
  readonly ingest: Pick<Ingest, 'handle'>;
  readonly clock: Clock;
  readonly log: Logger;
  /** Reconnect delays; default 0.5 s doubling to 15 s, with jitter. */
  readonly backoff?: Backoff;
  /** The consumer stopped for good (E_MQTT_CLIENTID_TAKEN): the process should stop too, and not be restarted. */
  readonly onFatal?: (code: MqttCode, detail: string) => void;
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
  private fatal: { readonly code: MqttCode; readonly detail: string } | null = null;
  /** Closes in a row that look like a takeover (TAKEOVER_CLOSES). */
  private takeoverCloses = 0;
  /**
   * The last connection was dropped because the store failed, and nothing was stored since. Then a successful
   * subscribe does not reset the reconnect delay: the broker redelivers at once and the store fails again, and
   * without this a database down for a while meant a reconnect, and hundreds of refused deliveries, every second
   * (chaos consumers-pgrestart: 36 reconnections and 34,569 refusals in 15 s for two consumers).
   */
  private storeFailing = false;
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
    if (this.fatal !== null) return { ok: false, detail: `${this.fatal.code}: ${this.fatal.detail}` };
    if (this.subscribed) return { ok: true, detail: `consuming from ${publicUrl(this.url)} as ${this.clientId}` };
    return { ok: false, detail: this.lastProblem === null ? 'not connected' : `not connected: ${this.lastProblem}` };
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
    // The configuration refuses it unless broker.allowPlaintext says so (config-load.ts): said at every start.
    if (plaintextBeyondLoopback(this.url) !== null) {
      this.deps.log.warn(
        { code: 'W_MQTT_PLAINTEXT', broker: publicUrl(this.url) },
        'broker.allowPlaintext: broker.url is plain mqtt:// to another host; check-ins and the password cross the network readable (use mqtts://)',
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
    // Whether the broker accepted this connection, and when; whether it ended otherwise than by a bare close
    // (a DISCONNECT from the broker, or closed by us): for the takeover count.
    let acceptedAt: number | null = null;
    let explained = false;
    client.on('connect', (connack) => {
      if (!current()) return;
      acceptedAt = this.deps.clock.now().getTime();
      this.subscribe(client, connack.sessionPresent, current, () => (explained = true));
    });
    client.on('disconnect', (packet) => {
      if (!current()) return;
      explained = true;
      if (isSessionTakenOver(packet))
        this.takenOver('the broker ended this session: another connection with the same client id took it over (MQTT 5 reason 0x8E)');
      else this.problem('E_MQTT_CONNECT', `the broker disconnected this consumer (MQTT 5 reason ${packet.reasonCode ?? 0})`);
    });
    // QoS 0 (kiosks publish at QoS 1; a QoS 0 message has no acknowledgement to hold back).
    client.on('message', (topic, payload, packet) => {
      if (packet.qos === 0 && current()) void this.onPublish(topic, payload, packet);
    });
    client.on('error', (err) => {
      if (isDeferredAck(err) || !current()) return;
      if (err instanceof NotAcknowledged) {
        // Once per outage of the store, not once per message in hand (up to 500 at every reconnect).
        if (!this.storeFailing)
          this.deps.log.warn(
            { reason: err.message },
            'a message could not be stored: dropping the broker connection so that the broker sends it again',
          );
        this.storeFailing = true;
        explained = true;
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
      if (acceptedAt === null || explained) this.takeoverCloses = 0;
      else {
        const young = this.deps.clock.now().getTime() - acceptedAt < TAKEOVER_SHORT_MS;
        this.takeoverCloses = young ? this.takeoverCloses + 1 : 1;
        if (this.takeoverCloses >= TAKEOVER_CLOSES)
          return this.takenOver(
            `the broker closed this consumer's connection ${TAKEOVER_CLOSES} times in a row right after accepting it, with no reason given: another process is connected under the same client id (a broker that sends MQTT 5 reason 0x8E, as Mosquitto 2.0.15 and later or EMQX, says so outright)`,
          );
      }
      const delay = this.backoff.next();
      this.retry = this.deps.clock.setTimeout(() => this.connect(), delay);
      this.retry.unref();
    });
  }

  private subscribe(client: MqttClient, sessionPresent: boolean, current: () => boolean, endingIt: () => void): void {
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
        endingIt();
        client.end(true);
        return;
      }
      this.subscribed = true;
      if (!this.storeFailing) this.backoff.reset();
      this.lastProblem = null;
      this.deps.log.info(
        { broker: publicUrl(this.url), clientId: this.clientId, group: g, sessionPresent },
        'consuming from the external broker',
      );
      this.settleStart();
    });
  }

  /**
   * Another connection took this consumer's session (its client id) over: stop for good. Connecting again would take
   * the session back, the other process would do the same, and each one's unacknowledged messages would go back and
   * forth. The process that stays keeps the session and what it holds; this one tells its operator and, through
   * onFatal, ends (`qrgate central run` exits 79, which systemd does not restart).
   */
  private takenOver(detail: string): void {
    if (this.fatal !== null) return;
    const code = 'E_MQTT_CLIENTID_TAKEN';
    this.fatal = { code, detail };
    this.detach()?.end(true);
    this.deps.log.fatal(
      { code, clientId: this.clientId, broker: publicUrl(this.url), detail },
      `another process is connected to the broker under this consumer's client id "${this.clientId}" and took its session over: stopping, not reconnecting (two processes would take the session from each other for ever). Fix: give every central process its own broker.clientId, then start this one again`,
    );
    this.settleStart();
    this.deps.onFatal?.(code, detail);
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
    // A check-in or reject stored (a status is acknowledged without the store) ends the outage.
    if (decision === 'ack' && this.storeFailing && (t?.kind === 'checkins' || t?.kind === 'rejects')) {
      this.storeFailing = false;
      this.backoff.reset();
      this.deps.log.info('storing again');
    }
    return decision === 'ack' && !this.stopped;
  }
}
