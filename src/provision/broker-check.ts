/**
 * Connects to the broker with exactly what will be saved (URL, user, password, TLS files), then disconnects. A
 * separate client id and a clean session, so a daemon already running with this identity is not kicked off and
 * its persistent session is untouched; no last will, so nothing is published.
 */
import { systemClock } from '../core/clock.js';
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions } from 'mqtt';
import type { MqttCode } from '../core/codes.js';
import type { Config } from '../config/schema.js';
import { classifyError, clientId, connectOptions, MqttSetupError } from '../forwarder/connection.js';
import { topicsFor } from '../forwarder/contract.js';

export type BrokerCheck =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly code: MqttCode; readonly detail: string };

type Attempt = { ok: true } | { ok: false; error: unknown };

function attempt(url: string, options: IClientOptions, timeoutMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, options);
    let settled = false;
    const done = (result: Attempt): void => {
      if (settled) return;
      settled = true;
      systemClock.clearTimeout(timer);
      client.removeAllListeners();
      client.on('error', () => undefined); // late socket errors from a client being torn down
      client.end(!result.ok, () => resolve(result));
    };
    const timer = systemClock.setTimeout(() => done({ ok: false, error: Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }) }), timeoutMs);
    client.on('connect', () => done({ ok: true }));
    client.on('error', (error) => done({ ok: false, error }));
    client.on('close', () => done({ ok: false, error: Object.assign(new Error('connection closed before the broker answered'), { code: 'ECONNRESET' }) }));
  });
}

/** `password`: a password not yet written to its file (the file is only written once the checks pass). */
export async function checkBroker(config: Config, password: string | undefined, timeoutMs: number): Promise<BrokerCheck> {
  const url = config.mqtt.url;
  if (url === undefined) return { ok: true, detail: 'no broker configured: check-ins stay on this kiosk' };
  const topics = topicsFor(config.mqtt.baseTopic, config.device.site, config.device.id);
  for (const version of [5, 4] as const) {
    let options: IClientOptions;
    try {
      // A password not yet saved replaces the file, which may not exist yet.
      const effective = password === undefined ? config : { ...config, mqtt: { ...config.mqtt, passwordFile: undefined } };
      options = connectOptions(effective, topics, version);
    } catch (err) {
      if (err instanceof MqttSetupError) return { ok: false, code: err.code, detail: err.message };
      throw err;
    }
    delete options.will;
    delete options.properties;
    options.clean = true;
    options.clientId = `${clientId(config)}-check-${randomBytes(3).toString('hex')}`.slice(0, 128);
    options.connectTimeout = timeoutMs;
    if (password !== undefined) options.password = password;
    const result = await attempt(url, options, timeoutMs);
    if (result.ok) return { ok: true, detail: `connected to ${url} (MQTT ${version === 5 ? '5' : '3.1.1'})${config.mqtt.username ? ` as ${config.mqtt.username}` : ''}` };
    const failure = classifyError(result.error);
    if (failure.protocolRejected && version === 5) continue;
    return { ok: false, code: failure.code, detail: failure.detail };
  }
  return { ok: false, code: 'E_MQTT_CONNECT', detail: 'the broker refused both MQTT 5 and 3.1.1' };
}
