/**
 * Turns the `mqtt` config section into mqtt.js options, reading secrets and certificates from their files, and
 * turns connection failures into stable codes a technician can act on.
 */
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { MqttCode } from '../core/codes.js';
import type { Config } from '../config/schema.js';
import type { Topics } from './contract.js';

export class MqttSetupError extends Error {
  override readonly name = 'MqttSetupError';
  readonly code: MqttCode = 'E_MQTT_FILE';
}

function readFile(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new MqttSetupError(`mqtt.${key}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
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
    will: { topic: topics.status, payload: Buffer.from(JSON.stringify({ state: 'offline' })), qos: 1, retain: true },
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
  if (m.passwordFile !== undefined) options.password = readFile('passwordFile', m.passwordFile).toString('utf8').replace(/\r?\n$/, '');
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
