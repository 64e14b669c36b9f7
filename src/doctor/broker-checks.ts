/** Checks of the way to the central broker: reachable with the configured credentials and TLS, certificates in date. */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { plaintextBeyondLoopback, PLAINTEXT_FIX } from '../config/transport.js';
import type { Clock } from '../core/clock.js';
import { probeBroker } from '../forwarder/connection.js';
import { topicsFor } from '../forwarder/contract.js';
import { fail, ok, warn, type Finding } from './check.js';

const CONNECT_TIMEOUT_MS = 8000;
const DAY = 86_400_000;

/** A warning whenever plain MQTT beyond this machine is allowed (mqtt.allowPlaintext), else nothing. */
export function checkTransport(config: Config): Finding[] {
  const host = plaintextBeyondLoopback(config.mqtt.url);
  if (host === null) return [];
  return [
    warn(
      'broker encryption',
      `mqtt.allowPlaintext is set: check-ins go to ${host} unencrypted (documentFields ${config.mqtt.documentFields}), readable by anyone on the network path`,
      PLAINTEXT_FIX.replace(', or, only on a network you trust, set mqtt.allowPlaintext: true (unsafe)', ' and remove mqtt.allowPlaintext'),
      'W_MQTT_PLAINTEXT',
    ),
  ];
}

export async function checkBroker(config: Config, clock: Clock): Promise<Finding> {
  const url = config.mqtt.url;
  if (url === undefined)
    return warn(
      'broker',
      'no mqtt.url: check-ins are recorded locally and never forwarded',
      'set mqtt.url (qrgate provision) if the agency runs a central broker',
    );
  const topics = topicsFor(config.mqtt.baseTopic, config.device.site, config.device.id);
  const result = await probeBroker(config, topics, {
    clientId: `qrgate-doctor-${process.pid}`,
    timeoutMs: CONNECT_TIMEOUT_MS,
    clock,
  });
  if (result.ok) return ok('broker', `${url} accepts this kiosk (MQTT ${result.protocolVersion === 5 ? '5' : '3.1.1'})`);
  const fixes: Record<string, string> = {
    E_MQTT_FILE: 'check the file path and that the qrgate user can read it',
    E_MQTT_UNREACHABLE: 'check mqtt.url, the network (ping the broker host) and that the broker runs',
    E_MQTT_AUTH: 'check mqtt.username and the password file, and the broker’s ACL for this kiosk',
    E_MQTT_TLS: 'check mqtt.ca (the CA that signed the broker), mqtt.cert/mqtt.key, their dates, and the broker’s name in the URL',
  };
  const message = result.code === 'E_MQTT_FILE' ? result.detail : `${url}: ${result.detail}`;
  return fail('broker', message, fixes[result.code] ?? 'see the broker’s log', result.code);
}

export function checkCertificates(config: Config, now: Date): Finding[] {
  const files = [
    ['mqtt.ca', config.mqtt.ca],
    ['mqtt.cert', config.mqtt.cert],
  ] as const;
  const out: Finding[] = [];
  for (const [key, path] of files) {
    if (path === undefined) continue;
    const name = `certificate ${key}`;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(readFileSync(path));
    } catch (err) {
      out.push(
        fail(
          name,
          `${path} is not a readable PEM certificate: ${(err as Error).message}`,
          'replace it with the PEM file from the agency',
          'E_MQTT_FILE',
        ),
      );
      continue;
    }
    const expires = new Date(cert.validTo);
    const days = Math.floor((expires.getTime() - now.getTime()) / DAY);
    if (days < 0)
      out.push(
        fail(
          name,
          `${path} expired on ${expires.toISOString().slice(0, 10)}`,
          'install a renewed certificate from the agency',
          'E_MQTT_TLS',
        ),
      );
    else if (days < 30)
      out.push(
        warn(
          name,
          `${path} expires in ${days} day(s), on ${expires.toISOString().slice(0, 10)}`,
          'ask the agency for a renewed certificate now',
        ),
      );
    else out.push(ok(name, `${path} valid until ${expires.toISOString().slice(0, 10)}`));
  }
  return out;
}
