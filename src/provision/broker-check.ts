/**
 * Connects to the broker with exactly what will be saved (URL, user, password, TLS files), then disconnects. A
 * separate client id and a clean session, so a daemon already running with this identity is not kicked off and
 * its persistent session is untouched; no last will, so nothing is published.
 */
import { systemClock } from '../core/clock.js';
import { randomBytes } from 'node:crypto';
import type { MqttCode } from '../core/codes.js';
import type { Config } from '../config/schema.js';
import { clientId, probeBroker } from '../forwarder/connection.js';
import { topicsFor } from '../forwarder/contract.js';

export type BrokerCheck =
  { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly code: MqttCode; readonly detail: string };

/** `password`: a password not yet written to its file (the file is only written once the checks pass). */
export async function checkBroker(config: Config, password: string | undefined, timeoutMs: number): Promise<BrokerCheck> {
  const url = config.mqtt.url;
  if (url === undefined) return { ok: true, detail: 'no broker configured: check-ins stay on this kiosk' };
  const topics = topicsFor(config.mqtt.baseTopic, config.device.site, config.device.id);
  const result = await probeBroker(config, topics, {
    clientId: `${clientId(config)}-check-${randomBytes(3).toString('hex')}`,
    timeoutMs,
    // One connection attempt while a technician waits at a terminal: its timeout is real time by design.
    clock: systemClock,
    password,
  });
  if (!result.ok) return result;
  return {
    ok: true,
    detail: `connected to ${url} (MQTT ${result.protocolVersion === 5 ? '5' : '3.1.1'})${config.mqtt.username ? ` as ${config.mqtt.username}` : ''}`,
  };
}
