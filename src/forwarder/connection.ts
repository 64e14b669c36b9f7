/**
 * The one module that imports mqtt.js (lint holds every other file to it): the `mqtt` config section as client
 * options, reading secrets and certificates from their files; opening a client; the one-shot probe `doctor` and
 * `provision` both make (MQTT 5, then 3.1.1); central's consumer client of an external broker (acknowledging only
 * what its handler stored); connection failures as stable codes a technician can act on; and the typed publish,
 * which takes a message only on the topic that carries its type (contract.ts).
 */
import { readFileSync } from 'node:fs';
import mqtt, {
  type IClientOptions,
  type IClientPublishOptions,
  type IDisconnectPacket,
  type IPublishPacket,
  type MqttClient,
  type PacketCallback,
} from 'mqtt';
import type { Clock } from '../core/clock.js';
import type { MqttCode } from '../core/codes.js';
import type { Config } from '../config/schema.js';
import type { Encoded, EncodedBytes, StatusMessage, Topic, Topics } from './contract.js';

export class MqttSetupError extends Error {
  override readonly name = 'MqttSetupError';
  readonly code: MqttCode = 'E_MQTT_FILE';
}

function readFile(key: string, path: string, section = 'mqtt'): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new MqttSetupError(`${section}.${key}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export function clientId(config: Config): string {
  // Stable across restarts, so the broker keeps this kiosk's persistent session.
  return `qrgate-${config.device.site}-${config.device.id}`.slice(0, 128);
}

export function connectOptions(config: Config, topics: Topics, protocolVersion: 4 | 5): IClientOptions {
  const m = config.mqtt;
  const options: IClientOptions = {
    clientId: clientId(config),
    protocolVersion,
    clean: false,
    keepalive: m.keepaliveSec,
    // Reconnection is ours (jittered backoff, a fresh client each time), not mqtt.js's fixed period.
    reconnectPeriod: 0,
    connectTimeout: 15_000,
    resubscribe: false,
    will: {
      topic: topics.status,
      payload: Buffer.from(JSON.stringify({ state: 'offline' } satisfies StatusMessage)),
      qos: 1,
      retain: true,
    },
    // Per-message costs that a backlog drain pays 100,000 times (measured with a sampling heap profile):
    // mqtt.js's debug logging allocated ~3 KB per message even when disabled (its events are logged by us);
    // rescheduling the keepalive timer on every PUBACK churned timers (the ping then goes every keepalive, and a
    // dead link is still detected after 1.5 x keepalive); the cache of 65,536 message-id buffers held ~6 MB.
    log: () => undefined,
    reschedulePings: false,
    writeCache: false,
  };
  if (protocolVersion === 5) options.properties = { sessionExpiryInterval: 7 * 24 * 3600 };
  if (m.username !== undefined) options.username = m.username;
  if (m.passwordFile !== undefined)
    options.password = readFile('passwordFile', m.passwordFile)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  if (m.ca !== undefined) options.ca = readFile('ca', m.ca);
  if (m.cert !== undefined) options.cert = readFile('cert', m.cert);
  if (m.key !== undefined) options.key = readFile('key', m.key);
  options.rejectUnauthorized = true;
  return options;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|SSL_|ALTNAME/;

export interface ConnectFailure {
  readonly code: MqttCode;
  readonly detail: string;
  /** The broker does not speak MQTT 5: retry at once with 3.1.1. */
  readonly protocolRejected: boolean;
}

export function classifyError(err: unknown): ConnectFailure {
  const e = err as { code?: unknown; message?: unknown };
  const code = e.code;
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (typeof code === 'number') {
    if (code === 1 || code === 132) return { code: 'E_MQTT_CONNECT', detail: message, protocolRejected: true };
    if (code === 4 || code === 5 || code === 134 || code === 135) return { code: 'E_MQTT_AUTH', detail: message, protocolRejected: false };
    return { code: 'E_MQTT_CONNECT', detail: `${message} (reason ${code})`, protocolRejected: false };
  }
  const c = typeof code === 'string' ? code : '';
  if (TLS_CODES.test(c) || /certificate|tls|ssl|handshake/i.test(message)) {
    return { code: 'E_MQTT_TLS', detail: `${c ? `${c}: ` : ''}${message}`, protocolRejected: false };
  }
  if (/^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ENOTFOUND|EAI_AGAIN)$/.test(c) || /connack timeout/i.test(message)) {
    return { code: 'E_MQTT_UNREACHABLE', detail: `${c ? `${c}: ` : ''}${message}`, protocolRejected: false };
  }
  return { code: 'E_MQTT_CONNECT', detail: `${c ? `${c}: ` : ''}${message}`, protocolRejected: false };
}

export type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';

/** Publishes a message on the topic that carries its type; `callback` as mqtt.js's (the PUBACK for QoS 1). */
export function publishMessage<T>(
  client: MqttClient,
  topic: Topic<T>,
  message: NoInfer<T>,
  options: IClientPublishOptions,
  callback?: PacketCallback,
): void {
  client.publish(topic, JSON.stringify(message), options, callback);
}

/** The same for a message already written as JSON (a check-in body): only on the topic of its type. */
export function publishEncoded<T>(
  client: MqttClient,
  topic: Topic<T>,
  body: Encoded<NoInfer<T>> | EncodedBytes<NoInfer<T>>,
  options: IClientPublishOptions,
  callback?: PacketCallback,
): void {
  client.publish(topic, body, options, callback);
}

export async function publishMessageAsync<T>(
  client: MqttClient,
  topic: Topic<T>,
  message: NoInfer<T>,
  options: IClientPublishOptions,
): Promise<void> {
  await client.publishAsync(topic, JSON.stringify(message), options);
}

/** A client for one connection attempt; reconnecting is the caller's (a fresh client each time). */
export function openClient(url: string, options: IClientOptions): MqttClient {
  return mqtt.connect(url, options);
}

export type ProbeResult =
  { readonly ok: true; readonly protocolVersion: 4 | 5 } | { readonly ok: false; readonly code: MqttCode; readonly detail: string };

export interface ProbeOptions {
  /** Its own client id: a probe must never take over (and end) the running daemon's persistent session. */
  readonly clientId: string;
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** A password not yet written to its file (provisioning checks before it saves). */
  readonly password?: string | undefined;
}

type Attempt = { ok: true } | { ok: false; error: unknown };

function attempt(url: string, options: IClientOptions, timeoutMs: number, clock: Clock): Promise<Attempt> {
  return new Promise((resolve) => {
    const client = openClient(url, options);
    let settled = false;
    const done = (result: Attempt): void => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      client.removeAllListeners();
      client.on('error', () => undefined); // late socket errors from a client being torn down
      client.end(!result.ok, () => resolve(result));
    };
    const timer = clock.setTimeout(
      () => done({ ok: false, error: Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }) }),
      timeoutMs,
    );
    client.on('connect', () => done({ ok: true }));
    client.on('error', (error) => done({ ok: false, error }));
    client.on('close', () =>
      done({ ok: false, error: Object.assign(new Error('connection closed before the broker answered'), { code: 'ECONNRESET' }) }),
    );
  });
}

/**
 * Connects with exactly the configured URL, credentials and TLS files, then disconnects: a clean session under its
 * own client id and no last will, so nothing is published and a running daemon is not disturbed. MQTT 5 first, 3.1.1
 * for a broker that refuses it. Throws nothing: a file that cannot be read is E_MQTT_FILE.
 */
export async function probeBroker(config: Config, topics: Topics, probe: ProbeOptions): Promise<ProbeResult> {
  const url = config.mqtt.url;
  if (url === undefined) return { ok: false, code: 'E_MQTT_CONNECT', detail: 'no mqtt.url configured' };
  for (const version of [5, 4] as const) {
    let options: IClientOptions;
    try {
      // A password not yet saved replaces the file, which may not exist yet.
      const effective = probe.password === undefined ? config : { ...config, mqtt: { ...config.mqtt, passwordFile: undefined } };
      options = connectOptions(effective, topics, version);
    } catch (err) {
      if (err instanceof MqttSetupError) return { ok: false, code: err.code, detail: err.message };
      throw err;
    }
    delete options.will;
    delete options.properties;
    options.clean = true;
    options.clientId = probe.clientId.slice(0, 128);
    options.connectTimeout = probe.timeoutMs;
    if (probe.password !== undefined) options.password = probe.password;
    const result = await attempt(url, options, probe.timeoutMs, probe.clock);
    if (result.ok) return { ok: true, protocolVersion: version };
    const failure = classifyError(result.error);
    if (failure.protocolRejected && version === 5) continue;
    return { ok: false, code: failure.code, detail: failure.detail };
  }
  return { ok: false, code: 'E_MQTT_CONNECT', detail: 'the broker refused both MQTT 5 and 3.1.1' };
}

/**
 * MQTT 5 DISCONNECT reason 0x8E (Session taken over): another connection under the same client id took the session,
 * and this one is closed. mqtt.js reports the broker's DISCONNECT as a 'disconnect' event with the packet, then the
 * 'close'. Mosquitto sends it from 2.0.15 on (mosquitto#2607) and EMQX does; older Mosquitto (Debian 12's 2.0.11)
 * only closes the connection.
 */
export const isSessionTakenOver = (packet: Pick<IDisconnectPacket, 'reasonCode'>): boolean => packet.reasonCode === 0x8e;

/** Central's consumer of an external broker (src/central/consumer.ts): what its client is opened with. */
export interface ConsumerClientSettings {
  readonly clientId: string;
  readonly username?: string | undefined;
  readonly passwordFile?: string | undefined;
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly sessionExpirySec: number;
  readonly keepaliveSec: number;
  readonly connectTimeoutMs: number;
  /** The config section the file keys belong to, for error messages (`broker.passwordFile: cannot read …`). */
  readonly section: string;
}

/** The handler refused to acknowledge a message: no PUBACK was sent, so the broker still owes it (see openConsumerClient). */
export class NotAcknowledged extends Error {
  override readonly name = 'NotAcknowledged';
}

/**
 * Handles one inbound publish (several may be in hand at once); resolves true when it may be acknowledged (stored, a duplicate, or refused for good),
 * false when it must not be (the store failed, or the sender must be cut off).
 */
export type ConsumerHandler = (topic: string, payload: Buffer, packet: IPublishPacket) => Promise<boolean>;

/** How many unacknowledged messages the broker may send the consumer at once (MQTT 5 Receive Maximum). */
export const CONSUMER_RECEIVE_MAXIMUM = 500;

/** Tells mqtt.js to go on to the next packet without writing a PUBACK (the consumer writes it later, or never). */
class AckDeferred extends Error {
  override readonly name = 'AckDeferred';
}
const DEFERRED = new AckDeferred('acknowledgement deferred');

/** mqtt.js reports every deferred acknowledgement as an 'error' event: not an error, to be ignored. */
export const isDeferredAck = (err: unknown): boolean => err === DEFERRED;

/**
 * Client options for a consumer: MQTT 5 only (mqtt.js uses customHandleAcks with version 5 alone), a persistent
 * session (clean: false) expiring `sessionExpirySec` after a disconnect, no reconnection of mqtt.js's own (the caller
 * opens a fresh client on its backoff). Reads the password and TLS files: MqttSetupError (E_MQTT_FILE) when one
 * cannot be read. Open the client with openConsumerClient, which adds the acknowledgement hook.
 */
export function consumerOptions(s: ConsumerClientSettings): IClientOptions {
  const options: IClientOptions = {
    clientId: s.clientId,
    protocolVersion: 5,
    clean: false,
    keepalive: s.keepaliveSec,
    reconnectPeriod: 0,
    connectTimeout: s.connectTimeoutMs,
    resubscribe: false,
    log: () => undefined,
    properties: { sessionExpiryInterval: s.sessionExpirySec, receiveMaximum: CONSUMER_RECEIVE_MAXIMUM },
  };
  if (s.username !== undefined) options.username = s.username;
  if (s.passwordFile !== undefined)
    options.password = readFile('passwordFile', s.passwordFile, s.section)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  if (s.ca !== undefined) options.ca = readFile('ca', s.ca, s.section);
  if (s.cert !== undefined) options.cert = readFile('cert', s.cert, s.section);
  if (s.key !== undefined) options.key = readFile('key', s.key, s.section);
  options.rejectUnauthorized = true;
  return options;
}

/**
 * Opens a consumer's client. Acknowledgement: mqtt.js calls `customHandleAcks` for every inbound QoS 1 publish and,
 * left to itself, writes the PUBACK when it is called back, handling no further packet until then (handlers/publish.js
 * and the `work` loop of client.js, mqtt 5.16): one message stored at a time, a commit each (measured: 326 msg/s
 * into SQLite FULL, against 3,100 with this deferral). So the hook calls back at once with AckDeferred, which mqtt.js takes as "no PUBACK" and moves on
 * (`failCustomAck`, reported as an 'error' event: filter with isDeferredAck), and writes the PUBACK itself, with
 * mqtt.js's own packet writer, when `handle` resolved true and the connection it came on is still the current one.
 * Up to CONSUMER_RECEIVE_MAXIMUM messages are then handled at once, and the group commit batches them; never more,
 * whatever the broker sends (mqtt.js reads no further packet until one settles).
 * When `handle` resolves false (or throws) no PUBACK is ever written and the client emits NotAcknowledged: the caller
 * drops the connection, and the broker, which keeps the unacknowledged message in the persistent session, sends it
 * again after the reconnect. A PUBACK with an error reason code would not do: in MQTT 5 any PUBACK ends the delivery.
 * Depends on mqtt.js 5 internals (the deferral and `_sendPacket`); test/central/consumer.test.ts covers both paths.
 */
/** mqtt.js's own packet writer: private in its types, called so by its handlers (handlers/publish.js). */
interface PacketWriter {
  _sendPacket(packet: { cmd: 'puback'; messageId: number; reasonCode: number }): void;
}

export function openConsumerClient(url: string, options: IClientOptions, handle: ConsumerHandler): MqttClient {
  // Messages handed to `handle` and not yet settled. Mosquitto 2.0.11 does not hold to the Receive Maximum once
  // PUBACKs come late (a consumer was seen holding ~100,000 and 850 MB in a storm, then lost its connection and the
  // broker its queue): at the limit, mqtt.js is called back only once one settles, so it reads no further packet
  // and TCP holds the broker back.
  const limit = options.properties?.receiveMaximum ?? CONSUMER_RECEIVE_MAXIMUM;
  let inHand = 0;
  let resume: (() => void) | null = null;
  const settle = (): void => {
    inHand -= 1;
    const next = resume;
    if (next !== null && inHand < limit) {
      resume = null;
      next();
    }
  };
  const client: MqttClient = mqtt.connect(url, {
    ...options,
    customHandleAcks: (topic: string, message: Buffer, packet: IPublishPacket, done: (error: Error | number, code?: number) => void) => {
      const stream = client.stream;
      const messageId = packet.messageId;
      const refuse = (why: string): void => {
        if (client.stream === stream) client.emit('error', new NotAcknowledged(why));
      };
      inHand += 1;
      handle(topic, message, packet).then(
        (ok) => {
          settle();
          if (!ok) return refuse('not acknowledged: the message stays with the broker');
          // On a connection since closed, nothing is written: the broker sends the message again on the next one.
          if (client.stream !== stream || !client.connected || messageId === undefined) return;
          (client as unknown as PacketWriter)._sendPacket({ cmd: 'puback', messageId, reasonCode: 0 });
        },
        (err: unknown) => {
          settle();
          refuse(`not acknowledged (${err instanceof Error ? err.message : String(err)})`);
        },
      );
      if (inHand < limit) done(DEFERRED);
      else resume = () => done(DEFERRED);
    },
  });
  return client;
}
