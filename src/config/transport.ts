/**
 * Whether the broker connection would carry check-ins in clear text across the network. Plain `mqtt://` (`tcp://`,
 * `ws://`) to a broker beyond this machine lets anyone on the LAN read names, numbers, birth dates and addresses;
 * the config refuses it unless `mqtt.allowPlaintext` says so, and doctor and provision warn whenever it is allowed.
 */
import { isIP } from 'node:net';

const PLAIN = new Set(['mqtt:', 'tcp:', 'ws:']);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/** The broker's host when `url` is plain MQTT to somewhere other than this machine, else null. */
export function plaintextBeyondLoopback(url: string | undefined): string | null {
  if (url === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!PLAIN.has(parsed.protocol)) return null;
  return isLoopbackHost(parsed.hostname) ? null : parsed.hostname;
}

export const PLAINTEXT_FIX =
  'use mqtts:// with the agency’s CA (mqtt.ca), or, only on a network you trust, set mqtt.allowPlaintext: true (unsafe)';
